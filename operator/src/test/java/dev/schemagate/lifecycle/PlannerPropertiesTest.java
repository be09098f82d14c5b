package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.SchemaStatus;
import dev.schemagate.lifecycle.Action.CreateJob;
import dev.schemagate.lifecycle.Action.DeleteJob;
import dev.schemagate.lifecycle.Action.EnsureDeployment;
import dev.schemagate.lifecycle.Checks.CheckResult;
import dev.schemagate.testing.ShopApp;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The planner against random sequences of what can happen around it (Jobs finishing, failing or
 * deleted, new images, rollbacks, retries, status writes lost to conflicts, databases down, pods
 * becoming ready or lingering, a contract phase, a held rollout, a required object dropped by hand)
 * in a model of the cluster and the database. Whatever the order: never two migration Jobs (of
 * either phase) at once; never a revision rolled out whose schema lacks what it requires; each
 * phase's Job at most once per revision and retry token; a contract phase only once no pod of
 * another revision is left; nothing rolled while held; and Ready never stays True long on a schema
 * that drifted.
 */
class PlannerPropertiesTest {

  private static final String SEED = "20261125";
  private static final Duration DRIFT_FOUND = Duration.ofMinutes(13);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** What happens between two reconciles. */
  enum Step {
    RECONCILE,
    RECONCILE_STATUS_LOST,
    JOB_SUCCEEDS_BUILDING_THE_SCHEMA,
    JOB_SUCCEEDS_HALF_BUILT,
    JOB_FAILS,
    JOB_DELETED,
    NEW_IMAGE,
    PREVIOUS_IMAGE,
    RETRY_ANNOTATION,
    DATABASE_DOWN,
    DATABASE_UP,
    PODS_READY,
    NEW_PODS_NEVER_READY,
    PODS_PAST_PROGRESS_DEADLINE,
    POD_LOST,
    SCHEMA_REQUIREMENT_ADDED,
    TIME_PASSES,
    CONTRACT_ADDED,
    CONTRACT_JOB_SUCCEEDS,
    CONTRACT_JOB_FAILS,
    HOLD_ON,
    HOLD_OFF,
    OLD_POD_TERMINATING,
    REQUIRED_OBJECT_DROPPED_BY_HAND
  }

  @Provide
  Arbitrary<List<Step>> histories() {
    // Reconciles and successes more often than the rest, so that many histories get to roll out.
    List<Step> weighted = new ArrayList<>(List.of(Step.values()));
    weighted.addAll(
        List.of(
            Step.RECONCILE,
            Step.RECONCILE,
            Step.RECONCILE,
            Step.PODS_READY,
            Step.JOB_SUCCEEDS_BUILDING_THE_SCHEMA,
            Step.JOB_SUCCEEDS_BUILDING_THE_SCHEMA));
    return Arbitraries.of(weighted).list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(seed = SEED, tries = 400)
  void neverRollsOutAnUnbuiltRevisionNorCreatesAJobTwice(
      @ForAll("histories") List<Step> steps, @ForAll boolean withContract) {
    Model model = new Model();
    if (withContract) {
      model.apply(Step.CONTRACT_ADDED);
    }
    for (Step step : steps) {
      model.apply(step);
    }
    model.apply(Step.RECONCILE);
    Statistics.label("rolled out").collect(model.rolledOut);
    Statistics.label("Jobs created").collect(Math.min(model.created.size(), 3));
    Statistics.label("contract phases started").collect(!model.contractsCreated.isEmpty());
    Statistics.label("drift found")
        .collect(
            model.resource.getStatus() != null
                && Conditions.find(model.resource.getStatus().getConditions(), Conditions.STALLED)
                    != null
                && "SchemaDrift"
                    .equals(
                        Conditions.find(
                                model.resource.getStatus().getConditions(), Conditions.STALLED)
                            .getReason()));
    assertThat(model.violations).isEmpty();
  }

  /** Histories of schema evolution: upgrades and rollbacks with a contract phase, holds, drift. */
  @Provide
  Arbitrary<List<Step>> evolutions() {
    return Arbitraries.of(
            Step.RECONCILE,
            Step.RECONCILE,
            Step.RECONCILE,
            Step.JOB_SUCCEEDS_BUILDING_THE_SCHEMA,
            Step.JOB_SUCCEEDS_BUILDING_THE_SCHEMA,
            Step.PODS_READY,
            Step.PODS_READY,
            Step.CONTRACT_JOB_SUCCEEDS,
            Step.CONTRACT_JOB_FAILS,
            Step.JOB_FAILS,
            Step.RETRY_ANNOTATION,
            Step.NEW_IMAGE,
            Step.PREVIOUS_IMAGE,
            Step.HOLD_ON,
            Step.HOLD_OFF,
            Step.OLD_POD_TERMINATING,
            Step.REQUIRED_OBJECT_DROPPED_BY_HAND,
            Step.TIME_PASSES,
            Step.RECONCILE_STATUS_LOST)
        .list()
        .ofMinSize(1)
        .ofMaxSize(60);
  }

  @Property(seed = SEED, tries = 300)
  void schemaEvolutionKeepsItsPromises(@ForAll("evolutions") List<Step> steps) {
    Model model = new Model();
    model.apply(Step.CONTRACT_ADDED);
    for (Step step : steps) {
      model.apply(step);
    }
    model.apply(Step.RECONCILE);
    Statistics.label("contract phases started").collect(model.contractsCreated.size() > 0);
    Statistics.label("rolled out").collect(model.rolledOut);
    assertThat(model.violations).isEmpty();
  }

  /** The model itself reaches the contract phase, so the property can see it. */
  @net.jqwik.api.Example
  void theModelReachesTheContractPhase() {
    Model model = new Model();
    for (Step step :
        List.of(
            Step.CONTRACT_ADDED,
            Step.RECONCILE,
            Step.JOB_SUCCEEDS_BUILDING_THE_SCHEMA,
            Step.RECONCILE,
            Step.PODS_READY,
            Step.RECONCILE,
            Step.CONTRACT_JOB_SUCCEEDS,
            Step.RECONCILE,
            Step.PODS_READY,
            Step.RECONCILE)) {
      model.apply(step);
    }
    assertThat(model.contractsCreated).hasSize(1);
    assertThat(model.violations).isEmpty();
    assertThat(model.resource.getStatus().getPhase()).isEqualTo(dev.schemagate.api.Phase.Ready);
  }

  /** The cluster and database as the planner cannot see them whole. */
  private static final class Model {
    final LifecyclePlanner planner = new LifecyclePlanner(3);
    final AppDeployment resource = JSON.unmarshal(ShopApp.APP, AppDeployment.class);
    final Map<String, JobView> jobs = new HashMap<>();
    final Map<String, JobView> contractJobs = new HashMap<>();
    final Set<String> contractsCreated = new HashSet<>();
    Instant droppedAt;
    final Map<String, DeploymentView> deployments = new HashMap<>();

    /** Revision to the number of requirements its migration built (all there were then). */
    final Map<String, Integer> built = new HashMap<>();

    final Set<String> created = new HashSet<>();
    final List<String> violations = new ArrayList<>();
    Instant now = Instant.parse("2026-11-25T00:00:00Z");
    int images = 1;
    int retries;
    int requirements;
    boolean databaseUp = true;
    boolean rolledOut;

    Model() {
      resource.getMetadata().setGeneration(1L);
    }

    String revision() {
      return Revision.of(resource.getSpec(), Map.of());
    }

    String retryToken() {
      return retries == 0 ? "" : Integer.toString(retries);
    }

    void apply(Step step) {
      now = now.plusSeconds(1);
      switch (step) {
        case RECONCILE -> reconcile(true);
        case RECONCILE_STATUS_LOST -> {
          // Refused as stale (409): nothing is recorded and the reconciler runs again 200 ms
          // later. (A Job deleted within those 200 ms would be created again: the status write
          // is the operator's only memory of having created it.)
          reconcile(false);
          reconcile(true);
        }
        case JOB_SUCCEEDS_BUILDING_THE_SCHEMA -> finish(jobs, true, true);
        case JOB_SUCCEEDS_HALF_BUILT -> finish(jobs, true, false);
        case JOB_FAILS -> finish(jobs, false, false);
        case CONTRACT_JOB_SUCCEEDS -> finish(contractJobs, true, false);
        case CONTRACT_JOB_FAILS -> finish(contractJobs, false, false);
        case CONTRACT_ADDED -> {
          var contract = new dev.schemagate.api.ContractSpec();
          contract.setCommand(List.of("contract", Integer.toString(images)));
          resource.getSpec().getMigration().setContract(contract);
          resource.getMetadata().setGeneration(resource.getMetadata().getGeneration() + 1);
        }
        case HOLD_ON, HOLD_OFF -> {
          if (resource.getSpec().getRollout() == null) {
            resource.getSpec().setRollout(new dev.schemagate.api.RolloutSpec());
          }
          resource.getSpec().getRollout().setHold(step == Step.HOLD_ON);
          resource.getMetadata().setGeneration(resource.getMetadata().getGeneration() + 1);
        }
        case OLD_POD_TERMINATING ->
            deployments.replaceAll(
                (c, d) -> d.pods() == 0 ? d : Views.withPodOf(d, "an-older-revision"));
        case REQUIRED_OBJECT_DROPPED_BY_HAND -> {
          built.clear(); // no revision finds all it requires any more
          droppedAt = now;
        }
        case JOB_DELETED -> jobs.remove(LifecyclePlanner.jobName("shop", revision()));
        case NEW_IMAGE -> {
          resource.getSpec().setImage("shop:" + ++images);
          resource.getMetadata().setGeneration(resource.getMetadata().getGeneration() + 1);
        }
        case PREVIOUS_IMAGE -> {
          resource.getSpec().setImage("shop:" + Math.max(1, images - 1));
          resource.getMetadata().setGeneration(resource.getMetadata().getGeneration() + 1);
        }
        case RETRY_ANNOTATION -> {
          retries++;
          resource.getMetadata().setAnnotations(Map.of(Labels.RETRY, retryToken()));
        }
        case DATABASE_DOWN -> databaseUp = false;
        case DATABASE_UP -> databaseUp = true;
        case PODS_READY ->
            deployments.replaceAll(
                (c, d) ->
                    Views.settled(
                        c, d.revision(), d.image(), d.replicas(), d.replicas(), d.pods()));
        case NEW_PODS_NEVER_READY -> rolling(DeploymentRollout.State.PROGRESSING);
        case PODS_PAST_PROGRESS_DEADLINE -> rolling(DeploymentRollout.State.DEADLINE_EXCEEDED);
        case POD_LOST ->
            deployments.replaceAll(
                (c, d) ->
                    d.replicas() == 0
                        ? d
                        : Views.settled(
                            c, d.revision(), d.image(), d.replicas(), d.replicas() - 1, d.pods()));
        case SCHEMA_REQUIREMENT_ADDED -> {
          requirements++;
          var table = new dev.schemagate.api.TableRequirement();
          table.setName("added_" + requirements);
          resource.getSpec().getSchema().getTables().add(table);
          resource.getMetadata().setGeneration(resource.getMetadata().getGeneration() + 1);
        }
        case TIME_PASSES -> now = now.plus(Duration.ofMinutes(10));
      }
    }

    /** The revision's migration built everything the spec requires now. */
    private boolean satisfied(String revision) {
      return built.getOrDefault(revision, -1) >= requirements;
    }

    /**
     * Ready=True only when every component's Deployment, as observed, runs the wanted revision's
     * template and has rolled it out completely.
     */
    private void checkReadyIsTrue(Plan plan, Observed observed) {
      var ready = Conditions.find(plan.status().getConditions(), Conditions.READY);
      if (ready == null || !"True".equals(ready.getStatus())) {
        return;
      }
      // A drift is found by the next re-check: 600 s after the last, plus at most a fifth.
      boolean driftFoundByNow =
          droppedAt == null || Duration.between(droppedAt, now).compareTo(DRIFT_FOUND) > 0;
      if (databaseUp && driftFoundByNow && !satisfied(observed.revision())) {
        violations.add(
            "Ready=True on a schema that lacks what revision requires, since " + droppedAt);
      }
      for (ComponentSpec component : resource.getSpec().getComponents()) {
        DeploymentView view = observed.deployments().get(component.getName());
        if (view == null
            || !Views.template(observed.revision()).equals(view.templateHash())
            || !view.rollout().complete()) {
          violations.add("Ready=True while component " + component.getName() + " is " + view);
        }
      }
    }

    /** New pods of the Deployments on the wanted template do not become ready. */
    private void rolling(DeploymentRollout.State state) {
      deployments.replaceAll(
          (c, d) ->
              d.replicas() == 0 || !d.revision().equals(revision())
                  ? d
                  : Views.rolling(c, d.revision(), d.replicas(), d.replicas(), state));
    }

    /** The running Job of a kind (at most one runs) ends; a successful one may build the schema. */
    private void finish(Map<String, JobView> jobs, boolean succeeded, boolean buildsSchema) {
      JobView job =
          jobs.values().stream()
              .filter(j -> j.phase() == JobView.Phase.Running)
              .findFirst()
              .orElse(null);
      if (job == null) {
        return;
      }
      String name = job.name();
      if (buildsSchema) {
        built.put(job.revision(), requirements);
      }
      JobView.Phase phase = succeeded ? JobView.Phase.Succeeded : JobView.Phase.Failed;
      jobs.put(
          name,
          new JobView(
              name,
              job.revision(),
              job.retryToken(),
              phase,
              succeeded ? null : "BackoffLimitExceeded",
              succeeded ? null : "exit 1",
              succeeded ? null : name + "-pod",
              job.startedAt(),
              now,
              null,
              job.createdAt()));
    }

    private void reconcile(boolean statusWritten) {
      Map<String, String> wanted = new HashMap<>();
      resource
          .getSpec()
          .getComponents()
          .forEach(c -> wanted.put(c.getName(), Views.template(revision())));
      Observed observed =
          new Observed(
              resource,
              revision(),
              retryToken(),
              List.copyOf(jobs.values()),
              List.copyOf(contractJobs.values()),
              Map.copyOf(deployments),
              wanted,
              Revision.ofChecks(resource.getSpec()),
              null,
              List.of(),
              now,
              Map.of());
      Plan plan = planner.plan(observed, Checks.NOT_RUN);
      if (plan.needsChecks()) {
        plan = planner.plan(observed, checks());
      }
      checkReadyIsTrue(plan, observed);
      for (Action action : plan.actions()) {
        carryOut(action);
      }
      if (statusWritten) {
        AppDeploymentStatus status = plan.status();
        resource.setStatus(status);
      }
    }

    private Checks checks() {
      if (!databaseUp) {
        return new Checks(
            new CheckResult(false, "DatabaseUnreachable", "Database did not answer", true),
            null,
            null);
      }
      boolean ok = satisfied(revision());
      SchemaStatus schema = new SchemaStatus();
      schema.setVerified(ok);
      return new Checks(
          new CheckResult(ok, ok ? "SchemaVerified" : "SchemaOutdated", "checked", false),
          schema,
          null);
    }

    private void noJobRuns(String name) {
      java.util.stream.Stream.concat(jobs.values().stream(), contractJobs.values().stream())
          .filter(j -> j.phase() == JobView.Phase.Running)
          .forEach(j -> violations.add("Job " + name + " created while " + j.name() + " runs"));
    }

    private JobView running(String name, String retryToken) {
      return new JobView(
          name,
          revision(),
          retryToken,
          JobView.Phase.Running,
          null,
          null,
          null,
          now,
          null,
          null,
          now);
    }

    private void carryOut(Action action) {
      if (action instanceof Action.CreateContractJob create) {
        if (contractJobs.containsKey(create.name())) {
          return;
        }
        noJobRuns(create.name());
        String key = revision() + "/" + create.retryToken();
        if (!contractsCreated.add(key)) {
          violations.add("contract phase of " + key + " started a second time");
        }
        deployments.forEach(
            (c, d) -> {
              if (!d.revision().equals(revision())
                  || d.podRevisions().stream().anyMatch(r -> !r.equals(revision()))) {
                violations.add("contract phase of " + key + " started while " + c + " is " + d);
              }
            });
        contractJobs.put(create.name(), running(create.name(), create.retryToken()));
        return;
      }
      if (action instanceof CreateJob create) {
        if (jobs.containsKey(create.name())) {
          return; // AlreadyExists: it is there
        }
        noJobRuns(create.name());
        String key = revision() + "/" + create.retryToken();
        if (!created.add(key)) {
          violations.add("Job of revision and retry token " + key + " created a second time");
        }
        jobs.put(create.name(), running(create.name(), create.retryToken()));
      } else if (action instanceof DeleteJob delete) {
        jobs.remove(delete.name());
        contractJobs.remove(delete.name());
      } else if (action instanceof EnsureDeployment ensure) {
        DeploymentView current = deployments.get(ensure.component());
        boolean newTemplate = ensure.newTemplate() || current == null;
        String revision = newTemplate ? revision() : current.revision();
        boolean idleCreation = current == null && ensure.replicas() == 0;
        boolean revisionChanges = current == null || !current.revision().equals(revision);
        boolean held =
            resource.getSpec().getRollout() != null
                && Boolean.TRUE.equals(resource.getSpec().getRollout().getHold());
        if (held && newTemplate && revisionChanges && ensure.replicas() > 0) {
          violations.add(
              "component " + ensure.component() + " rolled to " + revision + " while held");
        }
        // After a hand-made drop the revision that runs is kept (its gate refuses new pods);
        // anything else rolled onto an unsatisfying schema is a violation.
        boolean afterDrop = droppedAt != null && !revisionChanges;
        if (newTemplate && !idleCreation && !afterDrop && !satisfied(revision)) {
          violations.add(
              "component "
                  + ensure.component()
                  + " given revision "
                  + revision
                  + " whose schema lacks what the spec requires, with "
                  + ensure.replicas()
                  + " replicas");
        }
        rolledOut |= newTemplate && ensure.replicas() > 0;
        if (current != null && !revisionChanges && current.replicas() == ensure.replicas()) {
          return; // applied unchanged: its pods stay as they are
        }
        ComponentSpec component =
            resource.getSpec().getComponents().stream()
                .filter(c -> c.getName().equals(ensure.component()))
                .findFirst()
                .orElseThrow();
        deployments.put(
            ensure.component(),
            Views.settled(
                component.getName(),
                revision,
                newTemplate ? resource.getSpec().getImage() : current.image(),
                ensure.replicas(),
                0,
                current == null ? 0 : current.pods()));
      }
    }
  }
}
