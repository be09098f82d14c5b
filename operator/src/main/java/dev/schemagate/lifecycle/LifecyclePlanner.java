package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.ComponentStatus;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.MigrationStatus;
import dev.schemagate.api.Phase;
import dev.schemagate.api.RevisionRecord;
import dev.schemagate.api.RolloutStrategy;
import dev.schemagate.lifecycle.Action.CaptureLogTail;
import dev.schemagate.lifecycle.Action.CreateJob;
import dev.schemagate.lifecycle.Action.DeleteJob;
import dev.schemagate.lifecycle.Action.EnsureDeployment;
import dev.schemagate.lifecycle.Checks.CheckResult;
import dev.schemagate.schema.MigratedRevisions;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The lifecycle as one pure decision: observed state in, plan out. No I/O, no clock, no client:
 * every row of the decision table is a unit test.
 *
 * <pre>
 * suspend                                    -> Suspended; touch nothing (wins over all below)
 * config problem (missing Secret/key)        -> Failed, Stalled + Event; touch nothing; look again
 * a Deployment/Service of our name not ours  -> Failed, Stalled: NameConflict; touch nothing
 * migration of R recorded Succeeded          -> verify (checks), then roll out
 *   (also when only status.history remembers it: its Job was cleaned up; never re-run)
 * Job of R succeeded                         -> record Succeeded, verify, roll out
 * Job of R failed, retry token changed       -> delete the failed Job (then a new one is created)
 * Job of R failed                            -> record Failed + log tail, Stalled; hold components
 * Job of R running                           -> Migrating; hold components
 * no Job, recorded Failed, same retry token  -> stay Failed (the Job was cleaned up)
 * no Job, recorded Pending/Running (created) -> Failed: JobDeleted (never re-run silently)
 * no Job, checks not run                     -> look R up in the database's record (checks)
 * no Job, the database records R migrated    -> Succeeded (MigrationSkipped): verify, roll out
 * no Job, StopTheWorld, components running   -> scale all to 0, wait for their pods to go
 * no Job, another revision's Job running     -> wait for it (one migration at a time)
 * no Job                                     -> create the Job of R (MigrationStarted, also on retry)
 * verified for R, the current spec.schema/database/redis and the last migration -> roll out
 * checks: schema missing objects             -> Failed, Stalled; hold components (stop nothing)
 * checks: database / Redis unreachable       -> Verifying, retried with capped back-off
 * checks pass                                -> roll out R to every component
 * every Deployment runs R's template, rolled out (kstatus rules) -> Ready
 * a Deployment past its progress deadline    -> Failed, Stalled: ProgressDeadlineExceeded
 * "hold" = components keep their template; StopTheWorld and stopDuringMigration ones stay at 0
 *          while the migration runs.
 * Every path: component counts and Available (the application serves) follow the Deployments;
 *          a Stalled reason that is new gets a Warning Event.
 * </pre>
 */
public final class LifecyclePlanner {

  /** The annotation a user sets to a new value to retry a failed revision. */
  public static final String RETRY_ANNOTATION = Labels.RETRY;

  static final int HISTORY_LENGTH = 10;
  static final Duration MIN_BACKOFF = Duration.ofSeconds(5);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  static final Duration CONFIG_RECHECK = Duration.ofMinutes(1);

  private final int jobsToKeep;

  public LifecyclePlanner(int jobsToKeep) {
    this.jobsToKeep = jobsToKeep;
  }

  public Plan plan(Observed observed, Checks checks) {
    return new Decision(observed, checks).decide();
  }

  /** The job name of a revision: deterministic, so a second create fails with AlreadyExists. */
  public static String jobName(String appName, String revision) {
    return appName + "-migrate-" + revision;
  }

  /** One planning pass; holds the status being built. */
  private final class Decision {
    private final Observed o;
    private final Checks checks;
    private final AppDeploymentSpec spec;
    private final AppDeploymentStatus status;
    private final List<Action> actions = new ArrayList<>();
    private final List<Plan.Note> events = new ArrayList<>();
    private final Long generation;
    private Duration requeue;
    private boolean needsChecks;

    Decision(Observed o, Checks checks) {
      this.o = o;
      this.checks = checks;
      this.spec = o.resource().getSpec();
      this.generation = o.resource().getMetadata().getGeneration();
      this.status = StatusCopy.of(o.resource().getStatus());
    }

    Plan decide() {
      status.setObservedGeneration(generation);
      status.setRevision(o.revision());
      if (Boolean.TRUE.equals(spec.getSuspend())) {
        // Wins over everything, a config problem included: the user asked for hands off.
        status.setPhase(Phase.Suspended);
        condition(Conditions.READY, false, "Suspended", "spec.suspend is true: nothing is changed");
        condition(Conditions.RECONCILING, false, "Suspended", "spec.suspend is true");
        condition(Conditions.STALLED, false, "Suspended", "spec.suspend is true");
        return finish();
      }
      if (o.configProblem() != null) {
        stalled("InvalidConfig", o.configProblem());
        // Secrets are read by name, not watched: look again soon (a Secret applied right after
        // the AppDeployment), then less often.
        requeue = backoff(Conditions.STALLED, CONFIG_RECHECK);
        return finish();
      }
      if (!o.conflicts().isEmpty()) {
        stalled(
            "NameConflict",
            String.join("; ", o.conflicts())
                + ": rename the AppDeployment or its component, or remove the other object");
        requeue = backoff(Conditions.STALLED, CONFIG_RECHECK);
        return finish();
      }
      deleteOldJobs();
      removeDroppedComponents();
      MigrationStatus migration = migrationOfWantedRevision();
      status.setMigration(migration);
      JobView other = runningJobOfAnotherRevision();
      if (other != null) {
        waitFor(other);
        holdComponents(true);
        return finish();
      }
      if (migration.getState() != MigrationState.Succeeded && !migrate(migration)) {
        holdComponents(true);
        return finish();
      }
      condition(
          Conditions.MIGRATION_SUCCEEDED,
          true,
          "Succeeded",
          migration.getReason() == null
              ? "Job " + migration.getJobName() + " succeeded"
              : migration.getMessage());
      if (!verified()) {
        holdComponents(false);
        return finish();
      }
      rollOut();
      return finish();
    }

    /** Components the spec no longer lists lose their Deployment, whatever the phase. */
    private void removeDroppedComponents() {
      java.util.Set<String> wanted = new java.util.HashSet<>();
      spec.getComponents().forEach(c -> wanted.add(c.getName()));
      o.deployments().entrySet().stream()
          .filter(e -> !wanted.contains(e.getKey()))
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e -> {
                actions.add(new Action.RemoveComponent(e.getKey(), e.getValue().name()));
                events.add(
                    new Plan.Note(
                        false,
                        "ComponentRemoved",
                        "Component "
                            + e.getKey()
                            + " is no longer in spec.components: Deployment "
                            + e.getValue().name()
                            + " deleted"));
              });
    }

    // ---- migration ----

    private MigrationStatus migrationOfWantedRevision() {
      MigrationStatus recorded = status.getMigration();
      if (recorded != null && o.revision().equals(recorded.getRevision())) {
        return recorded;
      }
      MigrationStatus migrated = migratedBefore();
      if (migrated != null && o.currentJob() == null) {
        return migrated;
      }
      MigrationStatus fresh = new MigrationStatus();
      fresh.setRevision(o.revision());
      fresh.setJobName(jobName(o.resource().getMetadata().getName(), o.revision()));
      fresh.setState(MigrationState.Pending);
      return fresh;
    }

    /**
     * The wanted revision's successful migration as {@code status.history} remembers it, after its
     * Job was cleaned up (A -> B -> C -> D -> A): exactly once per revision, so it is not run
     * again; the schema is verified again, since other migrations ran since. Null when not
     * recorded.
     */
    private MigrationStatus migratedBefore() {
      if (status.getHistory() == null) {
        return null;
      }
      return status.getHistory().stream()
          .filter(
              h ->
                  o.revision().equals(h.getRevision())
                      && MigrationState.Succeeded.name().equals(h.getOutcome()))
          .findFirst()
          .map(
              h -> {
                MigrationStatus migration = new MigrationStatus();
                migration.setRevision(h.getRevision());
                migration.setJobName(h.getJobName());
                migration.setState(MigrationState.Succeeded);
                migration.setStartedAt(h.getStartedAt());
                migration.setFinishedAt(h.getFinishedAt());
                migration.setRetryToken(o.retryToken());
                return migration;
              })
          .orElse(null);
    }

    /** Returns true when the migration of the wanted revision has just been seen to succeed. */
    private boolean migrate(MigrationStatus migration) {
      JobView job = o.currentJob();
      if (job != null) {
        return followJob(job, migration);
      }
      boolean sameAttempt = Objects.equals(migration.getRetryToken(), o.retryToken());
      if (migration.getState() == MigrationState.Failed && sameAttempt) {
        failed(
            migration,
            "the Job is gone; set annotation " + RETRY_ANNOTATION + " to a new value to retry");
        return false;
      }
      if (jobWasCreated(migration) && sameAttempt) {
        migration.setState(MigrationState.Failed);
        migration.setReason("JobDeleted");
        migration.setMessage(
            "Job "
                + migration.getJobName()
                + " was deleted before it finished; the revision is not re-run on its own: set"
                + " annotation "
                + RETRY_ANNOTATION
                + " to a new value to retry");
        migration.setFinishedAt(o.now().toString());
        events.add(new Plan.Note(true, "MigrationJobDeleted", migration.getMessage()));
        record(migration);
        failed(migration, migration.getMessage());
        return false;
      }
      if (!checks.ran()) {
        // Before a Job runs it, ask the database whether this revision was migrated into it before
        // this AppDeployment knew it (deleted and created again, or deployed from another cluster).
        needsChecks = true;
        status.setPhase(Phase.Migrating);
        String message =
            "looking up revision "
                + o.revision()
                + " in the database's record of migrated revisions before migrating";
        condition(Conditions.MIGRATION_SUCCEEDED, false, "LookingUpRevision", message);
        progressing("LookingUpRevision", message);
        return false;
      }
      if (checks.revisionRecord() != null && checks.revisionRecord().migrated()) {
        return recordedInDatabase(migration, checks.revisionRecord().migratedAt());
      }
      if (stopTheWorld() && componentsStillRunning()) {
        status.setPhase(Phase.Migrating);
        condition(
            Conditions.MIGRATION_SUCCEEDED,
            false,
            "StoppingComponents",
            "StopTheWorld: waiting for every component's pods to be gone before migrating");
        progressing("StoppingComponents", "waiting for component pods to stop");
        return false;
      }
      actions.add(new CreateJob(migration.getJobName(), o.retryToken()));
      // Every Job created is a migration started: a retry's too (it is counted by this Event).
      events.add(
          new Plan.Note(
              false,
              "MigrationStarted",
              "Creating Job " + migration.getJobName() + " for revision " + o.revision()));
      migration.setState(MigrationState.Pending);
      migration.setRetryToken(o.retryToken());
      migration.setReason(null);
      migration.setMessage(null);
      migration.setLogTail(null);
      migration.setFinishedAt(null);
      migration.setStartedAt(o.now().toString());
      status.setPhase(Phase.Migrating);
      condition(
          Conditions.MIGRATION_SUCCEEDED,
          false,
          "Pending",
          "Job " + migration.getJobName() + " created");
      progressing("Migrating", "migration Job created");
      return false;
    }

    /**
     * The database records this revision as migrated: it is not run again (exactly once per
     * revision, also across re-creation and clusters), and is verified like any migrated revision.
     */
    private boolean recordedInDatabase(MigrationStatus migration, Instant migratedAt) {
      migration.setState(MigrationState.Succeeded);
      migration.setReason("RecordedInDatabase");
      migration.setMessage(
          "revision "
              + o.revision()
              + " was migrated into this database at "
              + migratedAt
              + " (table "
              + MigratedRevisions.TABLE
              + "): not run again");
      migration.setFinishedAt(migratedAt.toString());
      migration.setRetryToken(o.retryToken());
      events.add(new Plan.Note(false, "MigrationSkipped", migration.getMessage()));
      record(migration);
      return true;
    }

    /**
     * Status says this attempt's Job was created (Pending once the create went through, Running
     * once it was seen): if it is gone now, it was deleted, also when no reconcile saw it run.
     */
    private boolean jobWasCreated(MigrationStatus migration) {
      return migration.getState() == MigrationState.Running
          || (migration.getState() == MigrationState.Pending && migration.getStartedAt() != null);
    }

    private boolean followJob(JobView job, MigrationStatus migration) {
      migration.setJobName(job.name());
      if (job.startedAt() != null) {
        migration.setStartedAt(job.startedAt().toString());
      }
      switch (job.phase()) {
        case Succeeded -> {
          migration.setState(MigrationState.Succeeded);
          migration.setReason(null);
          migration.setMessage(null);
          migration.setFinishedAt(text(job.finishedAt()));
          events.add(
              new Plan.Note(false, "MigrationSucceeded", "Job " + job.name() + " succeeded"));
          record(migration);
          return true;
        }
        case Failed -> {
          if (!Objects.equals(job.retryToken(), o.retryToken())) {
            actions.add(new DeleteJob(job.name(), "retry requested through " + RETRY_ANNOTATION));
            migration.setState(MigrationState.Pending);
            migration.setMessage("retrying: deleting the failed Job " + job.name());
            status.setPhase(Phase.Migrating);
            condition(Conditions.MIGRATION_SUCCEEDED, false, "Retrying", migration.getMessage());
            progressing("Retrying", migration.getMessage());
            return false;
          }
          if (migration.getState() != MigrationState.Failed) {
            migration.setState(MigrationState.Failed);
            migration.setReason(job.reason());
            migration.setMessage(job.message());
            migration.setFinishedAt(text(job.finishedAt() != null ? job.finishedAt() : o.now()));
            migration.setRetryToken(job.retryToken());
            if (job.failedPod() != null) {
              actions.add(new CaptureLogTail(job.name(), job.failedPod()));
            }
            events.add(
                new Plan.Note(
                    true,
                    "MigrationFailed",
                    "Job " + job.name() + " failed: " + job.reason() + ": " + job.message()));
            record(migration);
          }
          failed(migration, migration.getMessage());
          return false;
        }
        default -> {
          migration.setState(MigrationState.Running);
          migration.setRetryToken(job.retryToken());
          status.setPhase(Phase.Migrating);
          condition(
              Conditions.MIGRATION_SUCCEEDED,
              false,
              "Running",
              "Job " + job.name() + " is running");
          progressing("Migrating", "Job " + job.name() + " is running");
          if (job.recheckAt() != null) {
            requeueAt(job.recheckAt());
          }
          return false;
        }
      }
    }

    /**
     * One migration at a time: stopping one midway leaves a half-migrated schema, so a superseded
     * revision's running Job is waited for - before this revision migrates, and before one that
     * migrated earlier (a revert) is verified again and rolled out on what it left.
     */
    private void waitFor(JobView other) {
      status.setPhase(Phase.Migrating);
      String message =
          "Job "
              + other.name()
              + " of revision "
              + other.revision()
              + " is still running; revision "
              + o.revision()
              + " waits for it to end";
      condition(Conditions.MIGRATION_SUCCEEDED, false, "WaitingForRunningMigration", message);
      progressing("WaitingForRunningMigration", message);
    }

    private JobView runningJobOfAnotherRevision() {
      return o.jobs().stream()
          .filter(j -> j.phase() == JobView.Phase.Running && !o.revision().equals(j.revision()))
          .findFirst()
          .orElse(null);
    }

    private void failed(MigrationStatus migration, String message) {
      condition(
          Conditions.MIGRATION_SUCCEEDED,
          false,
          migration.getReason() == null ? "Failed" : migration.getReason(),
          message);
      stalled("MigrationFailed", "migration of revision " + o.revision() + " failed: " + message);
    }

    private void record(MigrationStatus migration) {
      RevisionRecord entry = new RevisionRecord();
      entry.setRevision(migration.getRevision());
      entry.setImage(spec.getImage());
      entry.setOutcome(migration.getState().name());
      entry.setJobName(migration.getJobName());
      entry.setStartedAt(migration.getStartedAt());
      entry.setFinishedAt(migration.getFinishedAt());
      entry.setReason(migration.getReason());
      entry.setMessage(migration.getMessage());
      List<RevisionRecord> history = new ArrayList<>();
      history.add(entry);
      if (status.getHistory() != null) {
        status.getHistory().stream()
            .filter(
                h ->
                    !(Objects.equals(h.getRevision(), entry.getRevision())
                        && Objects.equals(h.getOutcome(), entry.getOutcome())))
            .limit(HISTORY_LENGTH - 1)
            .forEach(history::add);
      }
      status.setHistory(history);
    }

    private void deleteOldJobs() {
      o.jobs().stream()
          .filter(j -> !o.revision().equals(j.revision()))
          .filter(j -> j.phase() != JobView.Phase.Running)
          .sorted(
              Comparator.comparing(
                  JobView::createdAt, Comparator.nullsLast(Comparator.reverseOrder())))
          .skip(Math.max(0, jobsToKeep - 1))
          .forEach(
              j ->
                  actions.add(
                      new DeleteJob(
                          j.name(), "keeping the newest " + jobsToKeep + " revisions' Jobs")));
    }

    // ---- verification ----

    private boolean verified() {
      boolean recorded =
          status.getSchema() != null
              && o.revision().equals(status.getSchema().getRevision())
              && verificationKey().equals(status.getSchema().getCheckedFor())
              && Boolean.TRUE.equals(status.getSchema().getVerified())
              && conditionTrue(Conditions.DEPENDENCIES_READY);
      if (recorded) {
        return true;
      }
      if (!checks.ran()) {
        needsChecks = true;
        status.setPhase(Phase.Verifying);
        progressing("Verifying", "verifying the schema of revision " + o.revision());
        return false;
      }
      if (checks.revisionRecord() != null && checks.revisionRecord().problem() != null) {
        events.add(
            new Plan.Note(
                true,
                "RevisionNotRecorded",
                "revision "
                    + o.revision()
                    + " could not be recorded in "
                    + MigratedRevisions.TABLE
                    + " (an AppDeployment created again would migrate it again): "
                    + checks.revisionRecord().problem()));
      }
      if (checks.schemaStatus() != null) {
        status.setSchema(checks.schemaStatus());
        status.getSchema().setRevision(o.revision());
        status.getSchema().setCheckedFor(verificationKey());
        status.getSchema().setCheckedAt(o.now().toString());
      }
      CheckResult schema = checks.schema();
      boolean wasVerified = conditionTrue(Conditions.SCHEMA_VERIFIED);
      boolean schemaNews = isNews(Conditions.SCHEMA_VERIFIED, schema);
      condition(Conditions.SCHEMA_VERIFIED, schema.ok(), schema.reason(), schema.message());
      if (!schema.ok()) {
        return checkFailed(
            schema, "SchemaVerificationFailed", Conditions.SCHEMA_VERIFIED, schemaNews);
      }
      if (!wasVerified) {
        events.add(new Plan.Note(false, "SchemaVerified", schema.message()));
      }
      CheckResult redis =
          checks.redis() != null
              ? checks.redis()
              : new CheckResult(true, "NotConfigured", "no spec.redis to check", false);
      boolean redisNews = isNews(Conditions.DEPENDENCIES_READY, redis);
      condition(Conditions.DEPENDENCIES_READY, redis.ok(), redis.reason(), redis.message());
      if (!redis.ok()) {
        return checkFailed(
            redis, "DependencyUnavailable", Conditions.DEPENDENCIES_READY, redisNews);
      }
      return true;
    }

    /**
     * What a verification is made against: the spec's requirements and database reference, and the
     * last migration (of any revision) that finished before it. A migration that finishes later may
     * have changed the schema, so a revert to a revision verified earlier is checked again before
     * it rolls out; no clocks are compared, only which Job finished last.
     */
    private String verificationKey() {
      java.util.stream.Stream<Map.Entry<String, Instant>> fromJobs =
          o.jobs().stream()
              .filter(j -> j.finishedAt() != null)
              .map(j -> Map.entry(j.name(), j.finishedAt()));
      java.util.stream.Stream<Map.Entry<String, Instant>> fromHistory =
          status.getHistory() == null
              ? java.util.stream.Stream.empty()
              : status.getHistory().stream()
                  .filter(h -> h.getFinishedAt() != null && h.getJobName() != null)
                  .map(h -> Map.entry(h.getJobName(), Instant.parse(h.getFinishedAt())));
      String last =
          java.util.stream.Stream.concat(fromJobs, fromHistory)
              .max(
                  Map.Entry.<String, Instant>comparingByValue()
                      .thenComparing(Map.Entry.comparingByKey()))
              .map(e -> e.getKey() + "@" + e.getValue())
              .orElse("none");
      return Revision.hash(Map.<String, Object>of("checks", o.checksKey(), "lastMigration", last));
    }

    /** A check result differs from what its condition says: worth an Event, not a repeat. */
    private boolean isNews(String conditionType, CheckResult result) {
      Condition before = Conditions.find(status.getConditions(), conditionType);
      return before == null
          || !Objects.equals(before.getReason(), result.reason())
          || !Objects.equals(before.getMessage(), result.message());
    }

    private boolean checkFailed(
        CheckResult result, String eventReason, String conditionType, boolean news) {
      if (news) {
        events.add(new Plan.Note(true, eventReason, result.message()));
      }
      if (result.transientFailure()) {
        status.setPhase(Phase.Verifying);
        progressing(result.reason(), result.message());
        requeue = backoff(conditionType, MAX_BACKOFF);
      } else {
        stalled(result.reason(), result.message());
      }
      return false;
    }

    /** Doubles with the time the condition has been failing: 5 s, then up to max, forever. */
    private Duration backoff(String conditionType, Duration max) {
      Condition failing = Conditions.find(status.getConditions(), conditionType);
      Duration failingFor = Duration.ZERO;
      if (failing != null && failing.getLastTransitionTime() != null) {
        failingFor = Duration.between(Instant.parse(failing.getLastTransitionTime()), o.now());
      }
      Duration next = failingFor.dividedBy(2);
      if (next.compareTo(MIN_BACKOFF) < 0) {
        return MIN_BACKOFF;
      }
      return next.compareTo(max) > 0 ? max : next;
    }

    // ---- components ----

    private boolean stopTheWorld() {
      return spec.getRollout() != null
          && spec.getRollout().getStrategy() == RolloutStrategy.StopTheWorld;
    }

    private boolean heldAtZero(ComponentSpec component) {
      return stopTheWorld()
          || (spec.getRollout() != null
              && spec.getRollout().getStopDuringMigration() != null
              && spec.getRollout().getStopDuringMigration().contains(component.getName()));
    }

    private boolean componentsStillRunning() {
      return spec.getComponents().stream()
          .map(c -> o.deployments().get(c.getName()))
          .anyMatch(d -> d != null && (d.replicas() > 0 || d.pods() > 0));
    }

    /**
     * Before a revision is verified: nothing runs it; the previous one keeps serving. While the
     * migration runs ({@code migrating}), StopTheWorld and stopDuringMigration components are held
     * at 0; a failed verification after it stops nothing that runs.
     */
    private void holdComponents(boolean migrating) {
      for (ComponentSpec component : spec.getComponents()) {
        DeploymentView current = o.deployments().get(component.getName());
        if (current == null) {
          actions.add(new EnsureDeployment(component.getName(), 0, true));
        } else if (migrating && heldAtZero(component) && current.replicas() > 0) {
          actions.add(new EnsureDeployment(component.getName(), 0, false));
        }
      }
    }

    /**
     * Rolls the verified revision out; Ready only once every component's Deployment runs this
     * revision's pod template and has rolled it out completely ({@link DeploymentRollout}).
     */
    private void rollOut() {
      boolean newlyVerified = !o.revision().equals(status.getVerifiedRevision());
      if (newlyVerified) {
        events.add(
            new Plan.Note(
                false,
                "RollingOut",
                "Revision " + o.revision() + " verified: rolling out " + spec.getImage()));
      }
      status.setVerifiedRevision(o.revision());
      List<String> waiting = new ArrayList<>();
      List<String> stuck = new ArrayList<>();
      for (ComponentSpec component : spec.getComponents()) {
        int replicas = replicas(component);
        DeploymentView current = o.deployments().get(component.getName());
        actions.add(new EnsureDeployment(component.getName(), replicas, true));
        if (!runsWantedTemplate(component, current, replicas)) {
          waiting.add(component.getName() + ": updating its Deployment");
        } else if (current.rollout().state() == DeploymentRollout.State.DEADLINE_EXCEEDED) {
          stuck.add(
              "Deployment "
                  + current.name()
                  + " exceeded its progress deadline: "
                  + current.rollout().message());
        } else if (!current.rollout().complete()) {
          waiting.add(
              component.getName()
                  + ": "
                  + current.rollout().message()
                  + (current.problem() == null ? "" : " (" + current.problem() + ")"));
        }
      }
      if (newlyVerified) {
        actions.add(new Action.LogRolloutDiagnostics());
      }
      if (!stuck.isEmpty()) {
        stalled(
            DeploymentRollout.DEADLINE_EXCEEDED,
            "revision " + o.revision() + " did not roll out: " + String.join("; ", stuck));
      } else if (waiting.isEmpty()) {
        if (status.getPhase() != Phase.Ready) {
          events.add(new Plan.Note(false, "Ready", "Revision " + o.revision() + " is ready"));
        }
        status.setPhase(Phase.Ready);
        condition(
            Conditions.READY,
            true,
            "Ready",
            "revision " + o.revision() + " is migrated, verified and rolled out");
        condition(Conditions.RECONCILING, false, "Ready", "nothing to do");
        condition(Conditions.STALLED, false, "Ready", "nothing to do");
      } else {
        status.setPhase(Phase.RollingOut);
        progressing(
            "RollingOut",
            "rolling out revision " + o.revision() + ": " + String.join("; ", waiting));
      }
    }

    /** The Deployment exists with the replicas and the pod template of the wanted revision. */
    private boolean runsWantedTemplate(
        ComponentSpec component, DeploymentView current, int replicas) {
      return current != null
          && current.replicas() == replicas
          && o.revision().equals(current.revision())
          && Objects.equals(o.wantedTemplates().get(component.getName()), current.templateHash());
    }

    /**
     * Available: the application serves. Every component whose Deployment asks for replicas has
     * Kubernetes' minimum availability, whatever revision it runs (only verified revisions are ever
     * given replicas), and at least one does. Components at 0 replicas - held during a migration,
     * or not scaled up yet - are named, not counted: the previous revision serving during an
     * upgrade is available.
     */
    private void availability() {
      List<String> serving = new ArrayList<>();
      List<String> unavailable = new ArrayList<>();
      List<String> stopped = new ArrayList<>();
      for (ComponentSpec component : spec.getComponents()) {
        DeploymentView view = o.deployments().get(component.getName());
        if (view == null || view.replicas() == 0) {
          if (replicas(component) > 0) {
            stopped.add(component.getName());
          }
          continue;
        }
        String counts =
            component.getName()
                + " "
                + view.rollout().available()
                + "/"
                + view.replicas()
                + " available (revision "
                + view.revision()
                + ")";
        (view.rollout().minimumAvailable() ? serving : unavailable).add(counts);
      }
      String atZero = stopped.isEmpty() ? "" : "; at 0 replicas: " + String.join(", ", stopped);
      if (!unavailable.isEmpty()) {
        condition(
            Conditions.AVAILABLE,
            false,
            "ComponentsUnavailable",
            "below minimum availability: " + String.join(", ", unavailable) + atZero);
      } else if (serving.isEmpty()) {
        condition(
            Conditions.AVAILABLE,
            false,
            "NotServing",
            stopped.isEmpty() ? "no component asks for replicas" : "no component runs" + atZero);
      } else {
        condition(Conditions.AVAILABLE, true, "Serving", String.join(", ", serving) + atZero);
      }
    }

    private int replicas(ComponentSpec component) {
      return component.getReplicas() == null ? 1 : component.getReplicas();
    }

    private List<ComponentStatus> componentStatuses() {
      List<ComponentStatus> result = new ArrayList<>();
      int ready = 0;
      int desired = 0;
      for (ComponentSpec component : spec.getComponents()) {
        DeploymentView view = o.deployments().get(component.getName());
        ComponentStatus entry = new ComponentStatus();
        entry.setName(component.getName());
        entry.setDeployment(o.resource().getMetadata().getName() + "-" + component.getName());
        if (view != null) {
          entry.setImage(view.image());
          entry.setRevision(view.revision());
          entry.setReplicas(view.replicas());
          entry.setReadyReplicas(view.readyReplicas());
          entry.setUpdatedReplicas(view.rollout().updated());
          entry.setAvailableReplicas(view.rollout().available());
          entry.setRolledOut(view.rollout().complete());
          entry.setMessage(
              view.rollout().complete()
                  ? null
                  : view.problem() == null
                      ? view.rollout().message()
                      : view.rollout().message() + " (" + view.problem() + ")");
          ready += view.readyReplicas();
        }
        desired += replicas(component);
        result.add(entry);
      }
      status.setReady(ready + "/" + desired);
      return result;
    }

    // ---- conditions ----

    private void progressing(String reason, String message) {
      condition(Conditions.READY, false, reason, message);
      condition(Conditions.RECONCILING, true, reason, message);
      condition(Conditions.STALLED, false, reason, message);
    }

    /**
     * Needs a human: Stalled, with a Warning Event (and so a log line) when the reason or message
     * is new, unless this plan already records a Warning about it.
     */
    private void stalled(String reason, String message) {
      Condition before = Conditions.find(status.getConditions(), Conditions.STALLED);
      boolean news =
          before == null
              || !"True".equals(before.getStatus())
              || !Objects.equals(before.getReason(), reason)
              || !Objects.equals(before.getMessage(), message);
      if (news && events.stream().noneMatch(Plan.Note::warning)) {
        events.add(new Plan.Note(true, reason, message));
      }
      status.setPhase(Phase.Failed);
      condition(Conditions.READY, false, reason, message);
      condition(Conditions.RECONCILING, false, reason, message);
      condition(Conditions.STALLED, true, reason, message);
    }

    private void condition(String type, boolean value, String reason, String message) {
      status.setConditions(
          Conditions.set(
              status.getConditions(), type, value, reason, message, generation, o.now()));
    }

    private boolean conditionTrue(String type) {
      Condition condition = Conditions.find(status.getConditions(), type);
      return condition != null && "True".equals(condition.getStatus());
    }

    private void requeueAt(Instant when) {
      Duration wait = Duration.between(o.now(), when);
      requeue = wait.isNegative() ? Duration.ofSeconds(1) : wait.plusSeconds(1);
    }

    private Plan finish() {
      if (status.getPhase() == null) {
        status.setPhase(Phase.Pending);
      }
      // Status follows the Deployments in every phase, not only while rolling out.
      status.setComponents(componentStatuses());
      availability();
      return new Plan(List.copyOf(actions), needsChecks, status, List.copyOf(events), requeue);
    }
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
