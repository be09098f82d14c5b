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
import dev.schemagate.api.SchemaStatus;
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
 * a cycle in components[].after              -> Failed, Stalled: InvalidConfig; touch nothing
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
 *   a revision migrated before another (rollback) -> RollbackRefused, naming what is missing
 *   another revision serves (KeepRunning): its requirements checked too; lacking ->
 *     ServingRevisionIncompatible (condition, Warning); StopServing: its pods stop before rollout
 * verified, spec.drift.intervalSeconds passed -> re-check (status unchanged meanwhile)
 *   a required object gone (drift)           -> SchemaDrift: Stalled, hold rollouts and scale-ups
 *                                               (onDrift Report: Warning Event only); look again
 * checks: database / Redis unreachable       -> Verifying, retried with capped back-off
 * checks pass                                -> roll out R to every component
 * spec.rollout.hold (migrate ahead)        -> Held; components keep what they run
 * a component's "after" not rolled out yet   -> it keeps what it runs; RollingOut
 * every Deployment runs R's template, rolled out (kstatus rules):
 *   spec.migration.contract, not run for R   -> once no pod of another revision is left, its Job
 *     (Contracting; failure: Stalled ContractFailed, R keeps serving; StopTheWorld: before scale-up)
 * every Deployment runs R's template, rolled out, contract done -> Ready
 * a Deployment past its progress deadline    -> Failed, Stalled: ProgressDeadlineExceeded
 * "hold" = components keep their template; StopTheWorld and stopDuringMigration ones stay at 0
 *          while the migration runs.
 * Every path: component counts and Available (the application serves) follow the Deployments;
 *          a Stalled reason that is new gets a Warning Event.
 * </pre>
 *
 * <p>The rules of some rows are small classes of their own, which the decision asks: the component
 * order ({@link RolloutOrder}), the contract phase ({@link ContractPhase}), drift ({@link Drift}),
 * rollback ({@link Rollback}) and the serving revision's compatibility ({@link ServingRevision}).
 * What each component's Deployment and Service then need - created, rolled, scaled, nothing - is
 * resolved against what is observed by {@link ComponentWrites}: the plan's writes are all the
 * executor does.
 */
public final class LifecyclePlanner {

  /** The annotation a user sets to a new value to retry a failed revision. */
  static final int HISTORY_LENGTH = 10;

  static final Duration MIN_BACKOFF = Duration.ofSeconds(5);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  static final Duration CONFIG_RECHECK = Duration.ofMinutes(1);
  static final Duration DRIFT_RECHECK_RETRY = Duration.ofMinutes(1);
  static final String SCHEMA_DRIFT = "SchemaDrift";
  static final String ROLLBACK_REFUSED = "RollbackRefused";
  static final String SERVING_INCOMPATIBLE = "ServingRevisionIncompatible";
  static final String SUPERSEDED = "Superseded";

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

  /**
   * The contract-phase Job name of a revision ("post" for post-rollout: as short as "migrate", so
   * that it fits in 63 characters for every AppDeployment name the CRD accepts).
   */
  public static String contractJobName(String appName, String revision) {
    return appName + "-post-" + revision;
  }

  /** The two kinds of migration Job a revision may have, and what tells them apart. */
  private enum JobKind {
    MIGRATION("Migration", "migration", Phase.Migrating, "Migrating"),
    CONTRACT("Contract", "contract phase", Phase.Contracting, "Contracting");

    /** Events are named from it: MigrationStarted, ContractFailed, ... */
    final String event;

    final String noun;
    final Phase phase;

    /** The reason Ready and Reconciling give while it runs. */
    final String progress;

    JobKind(String event, String noun, Phase phase, String progress) {
      this.event = event;
      this.noun = noun;
      this.phase = phase;
      this.progress = progress;
    }
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
    private String servingRequirements;

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
      String orderProblem = RolloutOrder.problem(spec.getComponents());
      if (orderProblem != null) {
        stalled("InvalidConfig", orderProblem);
        return finish();
      }
      deleteOldJobs();
      removeDroppedComponents();
      MigrationStatus migration = migrationOfWantedRevision();
      status.setMigration(migration);
      if (status.getContract() != null
          && !o.revision().equals(status.getContract().getRevision())) {
        status.setContract(null); // another revision's: this one's is set once it is due
      }
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
      if (stopTheWorld() && !contracted()) {
        // Nothing runs under StopTheWorld: the contract phase goes before the scale-up.
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
      if (recorded != null && jobWasCreated(recorded)) {
        // Its Job was created and not seen to finish: remembered, so that going back to that
        // revision does not create it again on its own.
        record(recorded, SUPERSEDED);
      }
      MigrationStatus migrated = migratedBefore();
      if (migrated != null && o.currentJob() == null) {
        return migrated;
      }
      MigrationStatus interrupted = unfinishedBefore();
      if (interrupted != null && o.currentJob() == null) {
        return interrupted;
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

    /**
     * The wanted revision's last attempt as status.history remembers it when it did not succeed -
     * it failed, or the spec moved on before its Job was seen to finish - with its retry token:
     * going back to it stays failed, or counts as a Job that went away, until the token changes
     * (never re-run silently). Null when not recorded.
     */
    private MigrationStatus unfinishedBefore() {
      if (status.getHistory() == null) {
        return null;
      }
      return status.getHistory().stream()
          .filter(h -> o.revision().equals(h.getRevision()))
          .filter(
              h ->
                  SUPERSEDED.equals(h.getOutcome())
                      || MigrationState.Failed.name().equals(h.getOutcome()))
          .findFirst()
          .map(
              h -> {
                MigrationStatus migration = new MigrationStatus();
                migration.setRevision(h.getRevision());
                migration.setJobName(h.getJobName());
                boolean failed = MigrationState.Failed.name().equals(h.getOutcome());
                migration.setState(failed ? MigrationState.Failed : MigrationState.Running);
                migration.setReason(h.getReason());
                migration.setMessage(h.getMessage());
                migration.setStartedAt(h.getStartedAt());
                migration.setFinishedAt(h.getFinishedAt());
                migration.setRetryToken(h.getRetryToken());
                return migration;
              })
          .orElse(null);
    }

    /** Returns true when the migration of the wanted revision has just been seen to succeed. */
    private boolean migrate(MigrationStatus migration) {
      JobView job = o.currentJob();
      if (job != null) {
        return follow(JobKind.MIGRATION, job, migration);
      }
      if (jobGone(JobKind.MIGRATION, migration)) {
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
      start(JobKind.MIGRATION, migration, new CreateJob(migration.getJobName(), o.retryToken()));
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

    /**
     * The Job of this kind went away without being seen to finish, or failed and is gone: never run
     * again on its own (a half-run migration needs a human). Returns true when so, with the status
     * saying it.
     */
    private boolean jobGone(JobKind kind, MigrationStatus attempt) {
      if (!Objects.equals(attempt.getRetryToken(), o.retryToken())) {
        return false;
      }
      if (attempt.getState() == MigrationState.Failed) {
        failed(
            kind,
            attempt,
            "the Job is gone; set annotation " + Labels.RETRY + " to a new value to retry");
        return true;
      }
      if (!jobWasCreated(attempt)) {
        return false;
      }
      attempt.setState(MigrationState.Failed);
      attempt.setReason("JobDeleted");
      attempt.setMessage(
          "Job "
              + attempt.getJobName()
              + " was deleted before it finished; it is not re-run on its own: set annotation "
              + Labels.RETRY
              + " to a new value to retry");
      attempt.setFinishedAt(o.now().toString());
      events.add(new Plan.Note(true, kind.event + "JobDeleted", attempt.getMessage()));
      recordOutcome(kind, attempt);
      failed(kind, attempt, attempt.getMessage());
      return true;
    }

    /** Creates the Job of this kind: every Job created is a start, a retry's too (counted). */
    private void start(JobKind kind, MigrationStatus attempt, Action create) {
      actions.add(create);
      events.add(
          new Plan.Note(
              false,
              kind.event + "Started",
              "Creating Job "
                  + attempt.getJobName()
                  + " for the "
                  + kind.noun
                  + " of revision "
                  + o.revision()));
      attempt.setState(MigrationState.Pending);
      attempt.setRetryToken(o.retryToken());
      attempt.setReason(null);
      attempt.setMessage(null);
      attempt.setLogTail(null);
      attempt.setFinishedAt(null);
      attempt.setStartedAt(o.now().toString());
      status.setPhase(kind.phase);
      kindCondition(kind, "Pending", "Job " + attempt.getJobName() + " created");
      progressing(kind.progress, "Job " + attempt.getJobName() + " created");
    }

    /** Follows a Job of this kind; true once it is seen to have succeeded. */
    private boolean follow(JobKind kind, JobView job, MigrationStatus attempt) {
      attempt.setJobName(job.name());
      if (job.startedAt() != null) {
        attempt.setStartedAt(job.startedAt().toString());
      }
      switch (job.phase()) {
        case Succeeded -> {
          attempt.setState(MigrationState.Succeeded);
          attempt.setReason(null);
          attempt.setMessage(null);
          attempt.setFinishedAt(text(job.finishedAt()));
          if (!recordedSucceeded(kind, job)) {
            // News only once: going back to a revision whose Job is kept ran nothing now.
            events.add(
                new Plan.Note(false, kind.event + "Succeeded", "Job " + job.name() + " succeeded"));
          }
          recordOutcome(kind, attempt);
          return true;
        }
        case Failed -> {
          if (!Objects.equals(job.retryToken(), o.retryToken())) {
            actions.add(new DeleteJob(job.name(), "retry requested through " + Labels.RETRY));
            attempt.setState(MigrationState.Pending);
            attempt.setMessage("retrying: deleting the failed Job " + job.name());
            status.setPhase(kind.phase);
            kindCondition(kind, "Retrying", attempt.getMessage());
            progressing("Retrying", attempt.getMessage());
            return false;
          }
          if (attempt.getState() != MigrationState.Failed) {
            attempt.setState(MigrationState.Failed);
            attempt.setReason(job.reason());
            attempt.setMessage(job.message());
            attempt.setFinishedAt(text(job.finishedAt() != null ? job.finishedAt() : o.now()));
            attempt.setRetryToken(job.retryToken());
            if (kind == JobKind.MIGRATION && job.failedPod() != null) {
              // status.migration.logTail: the migration's log says what the schema is left as.
              actions.add(new CaptureLogTail(job.name(), job.failedPod()));
            }
            events.add(
                new Plan.Note(
                    true,
                    kind.event + "Failed",
                    "Job " + job.name() + " failed: " + job.reason() + ": " + job.message()));
            recordOutcome(kind, attempt);
          }
          failed(kind, attempt, attempt.getMessage());
          return false;
        }
        default -> {
          attempt.setState(MigrationState.Running);
          attempt.setRetryToken(job.retryToken());
          status.setPhase(kind.phase);
          kindCondition(kind, "Running", "Job " + job.name() + " is running");
          progressing(kind.progress, "Job " + job.name() + " is running");
          if (job.recheckAt() != null) {
            requeueAt(job.recheckAt());
          }
          return false;
        }
      }
    }

    /** status.history already says this Job succeeded: seeing it again is no news. */
    private boolean recordedSucceeded(JobKind kind, JobView job) {
      RevisionRecord before = succeededMigration(status, o.revision());
      if (before == null) {
        return false;
      }
      return kind == JobKind.MIGRATION
          ? job.name().equals(before.getJobName())
          : MigrationState.Succeeded.name().equals(before.getContract());
    }

    private void recordOutcome(JobKind kind, MigrationStatus attempt) {
      if (kind == JobKind.MIGRATION) {
        record(attempt);
      } else {
        ContractPhase.record(status, o.revision(), attempt);
      }
    }

    /** The migration's own condition; the contract phase has none (status.contract says it). */
    private void kindCondition(JobKind kind, String reason, String message) {
      if (kind == JobKind.MIGRATION) {
        condition(Conditions.MIGRATION_SUCCEEDED, false, reason, message);
      }
    }

    /** A failure needs a human; after the contract phase, what was rolled out keeps serving. */
    private void failed(JobKind kind, MigrationStatus attempt, String message) {
      kindCondition(kind, attempt.getReason() == null ? "Failed" : attempt.getReason(), message);
      if (kind == JobKind.MIGRATION) {
        stalled("MigrationFailed", "migration of revision " + o.revision() + " failed: " + message);
      } else {
        stalled(
            "ContractFailed",
            "the contract phase of revision "
                + o.revision()
                + " failed: "
                + message
                + "; revision "
                + o.revision()
                + " keeps serving; set annotation "
                + Labels.RETRY
                + " to a new value to retry");
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
      return java.util.stream.Stream.concat(o.jobs().stream(), o.contractJobs().stream())
          .filter(j -> j.phase() == JobView.Phase.Running && !o.revision().equals(j.revision()))
          .findFirst()
          .orElse(null);
    }

    private void record(MigrationStatus migration) {
      record(migration, migration.getState().name());
    }

    private void record(MigrationStatus migration, String outcome) {
      RevisionRecord entry = new RevisionRecord();
      entry.setRevision(migration.getRevision());
      // The spec shows the wanted revision's image only; a superseded one's is not known here.
      entry.setImage(o.revision().equals(migration.getRevision()) ? spec.getImage() : null);
      entry.setOutcome(outcome);
      entry.setJobName(migration.getJobName());
      entry.setRetryToken(migration.getRetryToken());
      entry.setStartedAt(migration.getStartedAt());
      entry.setFinishedAt(migration.getFinishedAt());
      entry.setReason(migration.getReason());
      entry.setMessage(migration.getMessage());
      List<RevisionRecord> history = new ArrayList<>();
      history.add(entry);
      if (status.getHistory() != null) {
        // A Job seen again (a rollback while it is kept) keeps the time its revision was Ready.
        status.getHistory().stream()
            .filter(h -> Objects.equals(h.getRevision(), entry.getRevision()))
            .filter(h -> Objects.equals(h.getOutcome(), entry.getOutcome()))
            .map(RevisionRecord::getReadyAt)
            .filter(Objects::nonNull)
            .findFirst()
            .ifPresent(entry::setReadyAt);
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
      deleteOldJobs(o.jobs());
      deleteOldJobs(o.contractJobs());
    }

    private void deleteOldJobs(List<JobView> jobs) {
      jobs.stream()
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

    // ---- contract ----

    /**
     * The contract phase of the wanted revision, once it is rolled out: true when it succeeded (or
     * there is none), so the revision may say Ready. It starts only when no pod of another revision
     * is left, as the pods themselves say, and runs exactly once per revision.
     */
    private boolean contracted() {
      if (!ContractPhase.configured(spec)) {
        return true;
      }
      MigrationStatus contract = ContractPhase.ofWantedRevision(status, o);
      status.setContract(contract);
      if (contract.getState() == MigrationState.Succeeded) {
        return true;
      }
      JobView job = o.currentContractJob();
      if (job != null) {
        return follow(JobKind.CONTRACT, job, contract);
      }
      if (jobGone(JobKind.CONTRACT, contract)) {
        return false;
      }
      List<String> older = ContractPhase.olderPods(spec, o);
      if (!older.isEmpty()) {
        status.setPhase(Phase.Contracting);
        progressing(
            "WaitingForOlderPods",
            "the contract phase of revision "
                + o.revision()
                + " waits for the pods of older revisions to go: "
                + String.join(", ", older));
        return false;
      }
      start(
          JobKind.CONTRACT,
          contract,
          new Action.CreateContractJob(contract.getJobName(), o.retryToken()));
      return false;
    }

    // ---- verification ----

    private boolean verified() {
      SchemaStatus last = status.getSchema();
      boolean current =
          last != null
              && o.revision().equals(last.getRevision())
              && verificationKey().equals(last.getCheckedFor());
      // A verification that stands: passed, or a drift the user asked only to be told about.
      boolean standing =
          current
              && (Boolean.TRUE.equals(last.getVerified())
                      && conditionTrue(Conditions.DEPENDENCIES_READY)
                  || Drift.reportedOnly(spec, conditionReason(Conditions.SCHEMA_VERIFIED)));
      if (standing && !Drift.checkDue(spec, o.resource().getMetadata().getName(), last, o.now())) {
        scheduleDriftCheck(last);
        return true;
      }
      if (!checks.ran()) {
        needsChecks = true;
        if (standing) {
          // A re-check for drift: status stays as it is while it runs.
          return true;
        }
        if (current && SCHEMA_DRIFT.equals(conditionReason(Conditions.SCHEMA_VERIFIED))) {
          return false; // still drifted until the re-check says otherwise: status stays
        }
        ServingRevision serving = ServingRevision.of(spec, o);
        servingRequirements = serving == null ? null : serving.requirements();
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
      if (standing && !checks.schema().ok() && checks.schema().transientFailure()) {
        // The database did not answer a re-check: that is not drift; the verification stands.
        requeue = DRIFT_RECHECK_RETRY;
        return true;
      }
      if (checks.schemaStatus() != null) {
        status.setSchema(checks.schemaStatus());
        status.getSchema().setRevision(o.revision());
        status.getSchema().setCheckedFor(verificationKey());
        status.getSchema().setCheckedAt(o.now().toString());
      }
      if (!checks.schema().ok() && !checks.schema().transientFailure()) {
        if (o.revision().equals(status.getVerifiedRevision())) {
          return drifted(checks.schema());
        }
        if (Rollback.migratedBeforeAnother(status.getHistory(), o.revision())) {
          return rollbackRefused(checks.schema());
        }
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
      if (standing && !redis.ok() && redis.transientFailure()) {
        requeue = DRIFT_RECHECK_RETRY; // a re-check is about the schema; Redis is looked at again
        return true;
      }
      boolean redisNews = isNews(Conditions.DEPENDENCIES_READY, redis);
      condition(Conditions.DEPENDENCIES_READY, redis.ok(), redis.reason(), redis.message());
      if (!redis.ok()) {
        return checkFailed(
            redis, "DependencyUnavailable", Conditions.DEPENDENCIES_READY, redisNews);
      }
      servingCompatibility(checks.serving());
      return true;
    }

    /**
     * After a migration the serving revision's pods run on a schema they were not built for: if it
     * lacks what they need, they are failing now, and that is said loudly - and, with StopServing,
     * they are stopped before the new revision rolls out.
     */
    private void servingCompatibility(CheckResult result) {
      ServingRevision serving = ServingRevision.of(spec, o);
      if (result == null || serving == null || result.transientFailure()) {
        return;
      }
      if (result.ok()) {
        condition(
            Conditions.SERVING_COMPATIBLE, true, "Compatible", serving.compatible(o.revision()));
        return;
      }
      String message =
          serving.incompatible(o.revision(), result.message(), ServingRevision.stopServing(spec));
      CheckResult incompatible = new CheckResult(false, SERVING_INCOMPATIBLE, message, false);
      if (isNews(Conditions.SERVING_COMPATIBLE, incompatible)) {
        events.add(new Plan.Note(true, SERVING_INCOMPATIBLE, message));
      }
      condition(Conditions.SERVING_COMPATIBLE, false, SERVING_INCOMPATIBLE, message);
    }

    private String conditionReason(String type) {
      Condition condition = Conditions.find(status.getConditions(), type);
      return condition == null ? null : condition.getReason();
    }

    private void scheduleDriftCheck(SchemaStatus last) {
      Instant at = Drift.checkAt(spec, o.resource().getMetadata().getName(), last);
      if (at != null && requeue == null) {
        requeueAt(at);
      }
    }

    /**
     * A required object is gone after the revision the components run was verified: someone changed
     * the schema by hand, or restored an older backup. The gate refuses new pods of it meanwhile;
     * by default new rollouts and scale-ups wait until it is repaired.
     */
    private boolean drifted(CheckResult check) {
      String message = Drift.message(o.revision(), check.message());
      CheckResult drift = new CheckResult(false, SCHEMA_DRIFT, message, false);
      boolean news = schemaNotVerified(drift);
      if (Drift.reportOnly(spec)) {
        if (news) {
          events.add(new Plan.Note(true, SCHEMA_DRIFT, message));
        }
        scheduleDriftCheck(status.getSchema());
        return true;
      }
      checkFailed(drift, SCHEMA_DRIFT, Conditions.SCHEMA_VERIFIED, news);
      // Looked at again, so that a repair is seen without a change to the spec.
      Duration interval = Drift.interval(spec);
      requeue = backoff(Conditions.STALLED, interval == null ? MAX_BACKOFF : interval);
      return false;
    }

    private boolean rollbackRefused(CheckResult check) {
      String message = Rollback.refusal(o.revision(), check.message());
      CheckResult refused = new CheckResult(false, ROLLBACK_REFUSED, message, false);
      return checkFailed(
          refused, ROLLBACK_REFUSED, Conditions.SCHEMA_VERIFIED, schemaNotVerified(refused));
    }

    /** SchemaVerified=False as {@code result} says; true when that is news, worth an Event. */
    private boolean schemaNotVerified(CheckResult result) {
      boolean news = isNews(Conditions.SCHEMA_VERIFIED, result);
      condition(Conditions.SCHEMA_VERIFIED, false, result.reason(), result.message());
      return news;
    }

    /**
     * What a verification is made against: the spec's requirements and database reference, and the
     * last migration (of any revision) that finished before it. A migration that finishes later may
     * have changed the schema, so a revert to a revision verified earlier is checked again before
     * it rolls out; no clocks are compared, only which Job finished last.
     */
    private String verificationKey() {
      java.util.stream.Stream<Map.Entry<String, Instant>> fromJobs =
          java.util.stream.Stream.concat(o.jobs().stream(), o.contractJobs().stream())
              .filter(j -> j.finishedAt() != null)
              .map(j -> Map.entry(j.name(), j.finishedAt()));
      String app = o.resource().getMetadata().getName();
      java.util.stream.Stream<Map.Entry<String, Instant>> fromHistory =
          status.getHistory() == null
              ? java.util.stream.Stream.empty()
              : status.getHistory().stream()
                  .flatMap(
                      h ->
                          java.util.stream.Stream.of(
                              h.getFinishedAt() == null || h.getJobName() == null
                                  ? null
                                  : Map.entry(h.getJobName(), Instant.parse(h.getFinishedAt())),
                              h.getContractFinishedAt() == null
                                  ? null
                                  : Map.entry(
                                      contractJobName(app, h.getRevision()),
                                      Instant.parse(h.getContractFinishedAt()))))
                  .filter(Objects::nonNull);
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

    /** {@link ServingRevision#stopsFirst}: it goes to 0 before it is given the new revision. */
    private boolean stopsFirst(DeploymentView current) {
      return ServingRevision.stopsFirst(
          spec, o.revision(), current, conditionReason(Conditions.SERVING_COMPATIBLE));
    }

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
      if (held()) {
        holdRollout();
        return;
      }
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
        if (stopsFirst(current)) {
          if (current.replicas() > 0) {
            actions.add(new EnsureDeployment(component.getName(), 0, false));
          }
          waiting.add(
              component.getName()
                  + ": stopping revision "
                  + current.revision()
                  + " first (the schema no longer has what it needs)");
          continue;
        }
        List<String> before = RolloutOrder.waitsFor(component, this::rolledOutAndAvailable);
        if (!before.isEmpty()) {
          // Keeps the revision it runs (or is created at 0) until those before it are done.
          if (current == null) {
            actions.add(new EnsureDeployment(component.getName(), 0, true));
          }
          waiting.add(
              component.getName()
                  + ": waits for "
                  + String.join(", ", before)
                  + " to roll out and be available");
          continue;
        }
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
        if (!contracted()) {
          return;
        }
        if (status.getPhase() != Phase.Ready) {
          events.add(new Plan.Note(false, "Ready", "Revision " + o.revision() + " is ready"));
        }
        markReady();
        if (conditionReason(Conditions.SERVING_COMPATIBLE) != null) {
          // Whatever it said of the revision that served before, none but this one serves now.
          condition(
              Conditions.SERVING_COMPATIBLE,
              true,
              "Replaced",
              "every component runs revision " + o.revision());
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

    private boolean held() {
      return spec.getRollout() != null && Boolean.TRUE.equals(spec.getRollout().getHold());
    }

    /**
     * Migrate ahead: the revision is migrated and verified, and the user holds its rollout - every
     * component keeps the revision it runs, at its replicas (a missing one is created at 0, a new
     * revision's template stays at 0) until spec.rollout.hold is false. Nothing is wrong and
     * nothing is in progress; Ready stays False, since the revision does not run.
     */
    private void holdRollout() {
      for (ComponentSpec component : spec.getComponents()) {
        DeploymentView current = o.deployments().get(component.getName());
        if (current == null) {
          actions.add(new EnsureDeployment(component.getName(), 0, true));
        } else if (stopsFirst(current)) {
          if (current.replicas() > 0) {
            actions.add(new EnsureDeployment(component.getName(), 0, false));
          }
        } else if (!o.revision().equals(current.revision())
            && current.replicas() != replicas(component)) {
          // The revision it runs was verified (only those get replicas): back to its replicas
          // once the migration is over, as stopDuringMigration promises, and as the user scales.
          actions.add(new EnsureDeployment(component.getName(), replicas(component), false));
        }
      }
      String message =
          "revision "
              + o.revision()
              + " is migrated and verified; its rollout is held (spec.rollout.hold): set it to"
              + " false to roll it out";
      if (status.getPhase() != Phase.Held) {
        events.add(new Plan.Note(false, "RolloutHeld", message));
      }
      status.setPhase(Phase.Held);
      condition(Conditions.READY, false, "RolloutHeld", message);
      condition(Conditions.RECONCILING, false, "RolloutHeld", message);
      condition(Conditions.STALLED, false, "RolloutHeld", message);
    }

    /**
     * A component another may wait for ({@code after}) is done: its Deployment runs this revision's
     * template, rolled out completely, which includes every replica available.
     */
    private boolean rolledOutAndAvailable(String name) {
      ComponentSpec component =
          spec.getComponents().stream()
              .filter(c -> c.getName().equals(name))
              .findFirst()
              .orElse(null);
      if (component == null) {
        return true;
      }
      DeploymentView current = o.deployments().get(name);
      return runsWantedTemplate(component, current, replicas(component))
          && current.rollout().complete();
    }

    /** The revision's history entry says when it was first Ready: it can be rolled back to. */
    private void markReady() {
      if (status.getHistory() == null) {
        return;
      }
      status.getHistory().stream()
          .filter(h -> o.revision().equals(h.getRevision()))
          .filter(h -> MigrationState.Succeeded.name().equals(h.getOutcome()))
          .filter(h -> h.getReadyAt() == null)
          .forEach(h -> h.setReadyAt(o.now().toString()));
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
      return new Plan(
          List.copyOf(actions),
          needsChecks,
          status,
          List.copyOf(events),
          requeue,
          needsChecks ? servingRequirements : null,
          ComponentWrites.resolve(actions, o));
    }
  }

  /** The revision's successful migration in status.history, or null. */
  static RevisionRecord succeededMigration(AppDeploymentStatus status, String revision) {
    return status.getHistory() == null
        ? null
        : status.getHistory().stream()
            .filter(h -> revision.equals(h.getRevision()))
            .filter(h -> MigrationState.Succeeded.name().equals(h.getOutcome()))
            .findFirst()
            .orElse(null);
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
