package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.env.SecretResolver;
import dev.schemagate.masking.Masker;
import dev.schemagate.masking.logback.LogGuard;
import dev.schemagate.metrics.LifecycleMetrics;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin shell around {@link LifecyclePlanner}: observe (informer caches), decide (pure), act
 * (Jobs, Deployments, Services, checks), report (status and Events, masked). Waiting is
 * event-driven: informers on the Jobs, Pods, Deployments and Services schemagate owns trigger
 * reconciles.
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
  private static final Duration STALE_RETRY = Duration.ofMillis(200);
  private static final Duration CHECK_POLL = Duration.ofSeconds(1);

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
    // What schemagate creates carries the AppDeployment's owner reference; the pods are owned by a
    // Job or a ReplicaSet and carry its label instead.
    return List.of(
        informer(Job.class, Mappers.fromOwnerReferences(AppDeployment.class), context),
        informer(Pod.class, AppDeploymentReconciler::byLabel, context),
        informer(Deployment.class, Mappers.fromOwnerReferences(AppDeployment.class), context),
        informer(Service.class, Mappers.fromOwnerReferences(AppDeployment.class), context));
  }

  /**
   * An informer on the objects schemagate created: its label selector limits what is cached; the
   * mapper names the AppDeployment an object belongs to.
   */
  private static <R extends HasMetadata> InformerEventSource<R, AppDeployment> informer(
      Class<R> type,
      SecondaryToPrimaryMapper<R> mapper,
      EventSourceContext<AppDeployment> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, AppDeployment.class)
            .withName(type.getSimpleName().toLowerCase(java.util.Locale.ROOT))
            .withLabelSelector(Labels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(mapper)
            .withNamespacesInheritedFromController()
            .build(),
        context);
  }

  /** The AppDeployment a pod belongs to, by its label. */
  private static Set<ResourceID> byLabel(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    String owner = labels == null ? null : labels.get(Labels.APPDEPLOYMENT);
    return owner == null
        ? Set.of()
        : Set.of(new ResourceID(owner, object.getMetadata().getNamespace()));
  }

  @Override
  public UpdateControl<AppDeployment> reconcile(
      AppDeployment resource, Context<AppDeployment> context) {
    if (context.isPrimaryResourceDeleted()) {
      forget(resource);
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    SecretResolver secrets = ReconcileSecrets.read(context.getClient(), resource);
    Observed observed = observer.observe(resource, context, secrets, now);
    if (resource.isMarkedForDeletion()) {
      return whileDeleting(resource, context, observed, now);
    }
    Masker masker = rememberSecrets(resource, secrets);
    Decided decided = decide(observed, secrets);
    AppDeployment guarded = guard(resource, context, observed, decided.plan());
    if (guarded == null) {
      return UpdateControl.<AppDeployment>noUpdate().rescheduleAfter(STALE_RETRY);
    }
    Executor.Results done = act(guarded, context, decided.plan(), masker);
    boolean recorded = recorder(context).record(guarded, decided.plan(), done, masker, now);
    return requeue(recorded, decided);
  }

  /**
   * A plan, and whether the checks it needs are still running.
   *
   * @param checking the checks run on off this thread: the plan was made without their result
   */
  private record Decided(Plan plan, boolean checking) {}

  /**
   * Plans; if the plan needs the checks, checks (off the reconcile threads) and plans again with
   * their result. A check still running leaves the first plan, which writes nothing it would need.
   */
  private Decided decide(Observed observed, SecretResolver secrets) {
    Plan plan = planner.plan(observed, Checks.NOT_RUN);
    if (!plan.needsChecks()) {
      return new Decided(plan, false);
    }
    Checks checked = checks.run(CheckRequest.forPlan(observed.resource(), secrets, plan));
    return checked.inProgress()
        ? new Decided(plan, true)
        : new Decided(planner.plan(observed, checked), false);
  }

  /**
   * The referenced Secrets' values go to the log guard for this resource, and are masked wherever
   * they appear, even without a URL's shape: the masker of this reconcile.
   */
  private static Masker rememberSecrets(AppDeployment resource, SecretResolver secrets) {
    List<String> values = ReconcileSecrets.values(resource, secrets);
    LogGuard.rememberSecrets(guardKey(resource), values);
    return Masker.standard().plusKnownSecrets(values);
  }

  /**
   * Before a Job is created, the finalizer that makes a deletion wait for it; off again once no Job
   * runs. Returns the AppDeployment as written, or null when the write was refused as stale.
   */
  private AppDeployment guard(
      AppDeployment resource, Context<AppDeployment> context, Observed observed, Plan plan) {
    return new MigrationFinalizer(context.getClient(), leading)
        .ensure(resource, DeletionGuard.wanted(observed, plan));
  }

  private Executor.Results act(
      AppDeployment resource, Context<AppDeployment> context, Plan plan, Masker masker) {
    return new Executor(context.getClient(), settings.operatorImage(), leading)
        .execute(resource, plan, masker, cached(context));
  }

  /**
   * When to look again: soon after a plan made from stale data (it recorded nothing) or while a
   * check runs on; else when the plan says, or at the next event.
   */
  private static UpdateControl<AppDeployment> requeue(boolean recorded, Decided decided) {
    UpdateControl<AppDeployment> control = UpdateControl.noUpdate();
    if (!recorded) {
      return control.rescheduleAfter(STALE_RETRY);
    }
    if (decided.checking()) {
      return control.rescheduleAfter(CHECK_POLL);
    }
    Duration after = decided.plan().requeueAfter();
    return after == null ? control : control.rescheduleAfter(after);
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

  @Override
  public ErrorStatusUpdateControl<AppDeployment> updateErrorStatus(
      AppDeployment resource, Context<AppDeployment> context, Exception e) {
    log.warn("Reconcile failed, will retry: {}", Masker.standard().maskThrowable(e));
    recorder(context).recordError(resource, e);
    return ErrorStatusUpdateControl.noStatusUpdate();
  }
}
