package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.secrets.Masker;
import dev.schemagate.secrets.SecretResolver;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin shell around {@link LifecyclePlanner}: observe (informer caches), decide (pure), act
 * (Jobs, Deployments, checks), report (status and Events, masked). Waiting is event-driven:
 * informers on the Jobs, Pods and Deployments schemagate owns trigger reconciles.
 */
// Not generation-aware: the retry annotation changes no generation, and must still be seen.
@ControllerConfiguration(
    name = AppDeploymentReconciler.NAME,
    generationAwareEventProcessing = false)
public class AppDeploymentReconciler implements Reconciler<AppDeployment> {

  public static final String NAME = "appdeployment";
  private static final Logger log = LoggerFactory.getLogger(AppDeploymentReconciler.class);

  private final Clock clock;
  private final LifecyclePlanner planner;
  private final Observer observer;
  private final DependencyChecks checks;
  private final OperatorSettings settings;

  public AppDeploymentReconciler(OperatorSettings settings, DependencyChecks checks) {
    this(settings, checks, Clock.systemUTC());
  }

  AppDeploymentReconciler(OperatorSettings settings, DependencyChecks checks, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.checks = checks;
    this.planner = new LifecyclePlanner(settings.jobsToKeep());
    this.observer = new Observer(settings.stuckPodGrace());
  }

  @Override
  public List<EventSource<?, AppDeployment>> prepareEventSources(
      EventSourceContext<AppDeployment> context) {
    return List.of(
        informer(Job.class, context),
        informer(Pod.class, context),
        informer(Deployment.class, context));
  }

  /** An informer on the objects schemagate created, mapped to their AppDeployment by label. */
  private static <R extends HasMetadata> InformerEventSource<R, AppDeployment> informer(
      Class<R> type, EventSourceContext<AppDeployment> context) {
    SecondaryToPrimaryMapper<R> byLabel =
        object -> {
          Map<String, String> labels = object.getMetadata().getLabels();
          String owner = labels == null ? null : labels.get(Labels.APPDEPLOYMENT);
          return owner == null
              ? Set.of()
              : Set.of(new ResourceID(owner, object.getMetadata().getNamespace()));
        };
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, AppDeployment.class)
            .withName(type.getSimpleName().toLowerCase(java.util.Locale.ROOT))
            .withLabelSelector(Labels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(byLabel)
            .withNamespacesInheritedFromController()
            .build(),
        context);
  }

  @Override
  public UpdateControl<AppDeployment> reconcile(
      AppDeployment resource, Context<AppDeployment> context) {
    Instant now = clock.instant();
    Observed observed = observer.observe(resource, context, now);
    Plan plan = planner.plan(observed, Checks.NOT_RUN);
    Masker masker = Masker.standard();
    if (plan.needsChecks()) {
      SecretResolver secrets =
          new SecretResolver(
              name ->
                  context
                      .getClient()
                      .secrets()
                      .inNamespace(resource.getMetadata().getNamespace())
                      .withName(name)
                      .get());
      Checks results = checks.run(resource, secrets);
      plan = planner.plan(observed, results);
    }
    new Executor(context.getClient(), settings.operatorImage())
        .execute(resource, plan, masker, cachedDeployments(context));
    EventRecorder events = new EventRecorder(context.getClient());
    for (Plan.Note note : plan.events()) {
      events.record(resource, note, masker, now);
    }
    StatusMasking.mask(plan.status(), masker);
    UpdateControl<AppDeployment> control;
    if (plan.status().equals(resource.getStatus())) {
      control = UpdateControl.noUpdate();
    } else {
      log.debug("Status changes: phase {}", plan.status().getPhase());
      resource.setStatus(plan.status());
      control = UpdateControl.patchStatus(resource);
    }
    return plan.requeueAfter() == null ? control : control.rescheduleAfter(plan.requeueAfter());
  }

  private static Map<String, Deployment> cachedDeployments(Context<AppDeployment> context) {
    Map<String, Deployment> byName = new HashMap<>();
    context
        .getSecondaryResources(Deployment.class)
        .forEach(d -> byName.put(d.getMetadata().getName(), d));
    return byName;
  }

  @Override
  public ErrorStatusUpdateControl<AppDeployment> updateErrorStatus(
      AppDeployment resource, Context<AppDeployment> context, Exception e) {
    String message = Masker.standard().maskThrowable(e);
    log.warn("Reconcile failed, will retry: {}", message);
    if (resource.getStatus() == null) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    resource
        .getStatus()
        .setConditions(
            Conditions.set(
                resource.getStatus().getConditions(),
                Conditions.RECONCILING,
                true,
                "ReconcileError",
                "retrying after an error: " + message,
                resource.getMetadata().getGeneration(),
                clock.instant()));
    return ErrorStatusUpdateControl.patchStatus(resource);
  }
}
