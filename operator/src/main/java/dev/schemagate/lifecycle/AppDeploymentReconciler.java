package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.metrics.LifecycleMetrics;
import dev.schemagate.secrets.Masker;
import dev.schemagate.secrets.Resolution;
import dev.schemagate.secrets.SecretResolver;
import dev.schemagate.secrets.logback.LogGuard;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
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
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin shell around {@link LifecyclePlanner}: observe (informer caches), decide (pure), act
 * (Jobs, Deployments, checks), report (status and Events, masked). Waiting is event-driven:
 * informers on the Jobs, Pods and Deployments schemagate owns trigger reconciles.
 */
// Not generation-aware, because the retry annotation changes no generation; SpecOrRetryChanged
// lets through what matters and drops status updates, the operator's own included.
// Every event reaches reconcile, deletion included, so that what the operator remembers of a
// deleted one - its secret values in the log guard, a check still running - is forgotten. The
// garbage collector removes what an AppDeployment owns; schemagate's own finalizer is on it only
// while a migration Job runs, so that a deletion waits for the Job instead of killing it
// (DeletionGuard). JOSDK's Cleaner cannot be used in this mode: the finalizer is managed here.
@ControllerConfiguration(
    name = AppDeploymentReconciler.NAME,
    generationAwareEventProcessing = false,
    triggerReconcilerOnAllEvents = true,
    informer = @Informer(onUpdateFilter = SpecOrRetryChanged.class))
// A reconcile that fails (the API server erring, say) is retried for as long as it fails, every
// 5 minutes at most: with JOSDK's default 5 attempts it waited for an unrelated event after 30 s.
@GradualRetry(maxAttempts = -1, maxInterval = 300_000)
public class AppDeploymentReconciler implements Reconciler<AppDeployment> {

  public static final String NAME = "appdeployment";
  private static final Logger log = LoggerFactory.getLogger(AppDeploymentReconciler.class);
  private static final java.time.Duration STALE_RETRY = java.time.Duration.ofMillis(200);
  private static final java.time.Duration CHECK_POLL = java.time.Duration.ofSeconds(1);

  private final Clock clock;
  private final LifecyclePlanner planner;
  private final Observer observer;
  private final OffThreadChecks checks;
  private final ReconcilerSettings settings;
  private final java.util.function.BooleanSupplier leading;
  private final LifecycleMetrics metrics;

  public AppDeploymentReconciler(ReconcilerSettings settings, DependencyChecks checks) {
    this(settings, checks, LifecycleMetrics.unexported(), () -> true);
  }

  /**
   * @param leading whether this replica holds the leader Lease (always true without an election):
   *     no write is made without it
   */
  public AppDeploymentReconciler(
      ReconcilerSettings settings,
      DependencyChecks checks,
      LifecycleMetrics metrics,
      java.util.function.BooleanSupplier leading) {
    this(settings, checks, metrics, leading, Clock.systemUTC());
  }

  AppDeploymentReconciler(
      ReconcilerSettings settings,
      DependencyChecks checks,
      LifecycleMetrics metrics,
      java.util.function.BooleanSupplier leading,
      Clock clock) {
    this.settings = settings;
    this.leading = leading;
    this.metrics = metrics;
    this.clock = clock;
    this.checks = new OffThreadChecks(checks);
    this.planner = new LifecyclePlanner(settings.jobsToKeep());
    this.observer =
        new Observer(settings.stuckPodGrace(), settings.operatorImage(), settings.podPolicy());
  }

  @Override
  public List<EventSource<?, AppDeployment>> prepareEventSources(
      EventSourceContext<AppDeployment> context) {
    return List.of(
        informer(Job.class, context),
        informer(Pod.class, context),
        informer(Deployment.class, context),
        informer(Service.class, context));
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
    if (context.isPrimaryResourceDeleted()) {
      forget(resource);
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    SecretResolver secrets = secretsOf(context, resource);
    Observed observed = observer.observe(resource, context, secrets, now);
    if (resource.isMarkedForDeletion()) {
      return whileDeleting(resource, context, observed, now);
    }
    Plan plan = planner.plan(observed, Checks.NOT_RUN);
    // Values from the referenced Secrets are masked wherever they appear, even without a URL shape.
    Masker masker = Masker.standard().plusKnownSecrets(knownSecrets(resource, secrets));
    boolean checking = false;
    if (plan.needsChecks()) {
      Checks checked = checks.run(CheckRequest.forPlan(resource, secrets, plan));
      checking = checked.inProgress();
      if (!checking) {
        plan = planner.plan(observed, checked);
      }
    }
    // Before a Job is created, the finalizer that makes a deletion wait for it; off again once no
    // Job runs.
    AppDeployment guarded =
        new MigrationFinalizer(context.getClient(), leading)
            .ensure(resource, DeletionGuard.wanted(observed, plan));
    if (guarded == null) {
      return UpdateControl.<AppDeployment>noUpdate().rescheduleAfter(STALE_RETRY);
    }
    resource = guarded;
    Executor.Results done =
        new Executor(context.getClient(), settings.operatorImage(), leading)
            .execute(resource, plan, masker, cached(context));
    UpdateControl<AppDeployment> control = UpdateControl.noUpdate();
    if (!recorder(context).record(resource, plan, done, masker, now)) {
      // A plan made from stale data records nothing: the next reconcile decides again.
      return control.rescheduleAfter(STALE_RETRY);
    }
    if (checking) {
      // The check goes on off this thread: look for its result soon.
      return control.rescheduleAfter(CHECK_POLL);
    }
    return plan.requeueAfter() == null ? control : control.rescheduleAfter(plan.requeueAfter());
  }

  /**
   * An AppDeployment marked for deletion: nothing new is started. While a migration Job of it runs
   * (and it carries schemagate's finalizer), it says so and waits; then the finalizer comes off and
   * the deletion proceeds.
   */
  private UpdateControl<AppDeployment> whileDeleting(
      AppDeployment resource, Context<AppDeployment> context, Observed observed, Instant now) {
    if (!resource.hasFinalizer(DeletionGuard.FINALIZER)) {
      return UpdateControl.noUpdate(); // not ours to hold: other finalizers, other controllers
    }
    JobView running = DeletionGuard.runningJob(observed);
    if (running == null) {
      if (new MigrationFinalizer(context.getClient(), leading).ensure(resource, false) == null) {
        return UpdateControl.<AppDeployment>noUpdate().rescheduleAfter(STALE_RETRY);
      }
      log.info("Deletion proceeds: no migration Job runs");
      return UpdateControl.noUpdate();
    }
    Plan plan = DeletionGuard.waitingFor(observed, running);
    if (!plan.events().isEmpty()) {
      log.info("Deletion waits for migration Job {} to finish", running.name());
    }
    if (leading.getAsBoolean()
        && !recorder(context)
            .record(resource, plan, new Executor.Results(null), Masker.standard(), now)) {
      return UpdateControl.<AppDeployment>noUpdate().rescheduleAfter(STALE_RETRY);
    }
    // The Job's own events (its end) bring the next reconcile: nothing polls.
    return UpdateControl.noUpdate();
  }

  /** A deleted AppDeployment's secret values leave the log guard; a check of it is dropped. */
  private void forget(AppDeployment resource) {
    LogGuard.forget(guardKey(resource));
    checks.forget(resource.getMetadata().getUid());
    log.debug("AppDeployment deleted: forgot its secret values");
  }

  private static String guardKey(AppDeployment resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  private StatusRecorder recorder(Context<AppDeployment> context) {
    return new StatusRecorder(context.getClient(), metrics, clock);
  }

  /**
   * The referenced Secrets, each read once per reconcile however many fields point at it (the
   * observation, the masking and the checks all resolve the same URLs): one GET per Secret instead
   * of one per lookup, and every step of the reconcile sees the same value.
   */
  private static SecretResolver secretsOf(Context<AppDeployment> context, AppDeployment resource) {
    String namespace = resource.getMetadata().getNamespace();
    Map<String, Optional<Secret>> read = new HashMap<>();
    return new SecretResolver(
        name ->
            read.computeIfAbsent(
                    name,
                    n ->
                        Optional.ofNullable(
                            context.getClient().secrets().inNamespace(namespace).withName(n).get()))
                .orElse(null));
  }

  /**
   * The database and Redis URLs and every Secret value the migration's environment sees, as
   * resolved; also handed to the log guard for this resource.
   */
  private static List<String> knownSecrets(AppDeployment resource, SecretResolver secrets) {
    List<String> values = new ArrayList<>();
    secrets.databaseUrl(resource.getSpec()).asOptional().ifPresent(values::add);
    secrets.redisUrl(resource.getSpec()).flatMap(Resolution::asOptional).ifPresent(values::add);
    values.addAll(secrets.migrationEnvValues(resource.getSpec()));
    LogGuard.rememberSecrets(guardKey(resource), values);
    return values;
  }

  private static Executor.Cached cached(Context<AppDeployment> context) {
    return new Executor.Cached(
        byName(context.getSecondaryResources(Deployment.class)),
        byName(context.getSecondaryResources(Service.class)));
  }

  private static <T extends HasMetadata> Map<String, T> byName(Set<T> objects) {
    Map<String, T> byName = new HashMap<>();
    objects.forEach(o -> byName.put(o.getMetadata().getName(), o));
    return byName;
  }

  private void setErrorCondition(
      AppDeploymentStatus status,
      AppDeployment resource,
      String type,
      boolean value,
      String message) {
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            type,
            value,
            "ReconcileError",
            message,
            resource.getMetadata().getGeneration(),
            clock.instant()));
  }

  @Override
  public ErrorStatusUpdateControl<AppDeployment> updateErrorStatus(
      AppDeployment resource, Context<AppDeployment> context, Exception e) {
    String message = Masker.standard().maskThrowable(e);
    log.warn("Reconcile failed, will retry: {}", message);
    // Written like every status: optimistic locking, never a patch computed from a cached copy.
    // A first reconcile that fails still leaves a trace: Ready=False with the reason, not nothing.
    AppDeploymentStatus status =
        resource.getStatus() == null
            ? new AppDeploymentStatus()
            : StatusCopy.of(resource.getStatus());
    if (resource.getStatus() == null) {
      setErrorCondition(
          status, resource, Conditions.READY, false, "not reconciled yet: " + message);
    }
    setErrorCondition(
        status, resource, Conditions.RECONCILING, true, "retrying after an error: " + message);
    if (!status.equals(resource.getStatus())) {
      try {
        recorder(context).write(resource, status);
      } catch (KubernetesClientException writeFailed) {
        log.debug(
            "Could not record the error in status: {}",
            Masker.standard().maskThrowable(writeFailed));
      }
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }
}
