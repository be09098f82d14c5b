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
 * deleted, new images, retries, status writes lost to conflicts, databases down, pods becoming
 * ready) in a model of the cluster and the database. Whatever the order, it never rolls a revision
 * out whose migration did not build the schema, and never creates a Job again for a revision and
 * retry token once it was created.
 */
class PlannerPropertiesTest {

  private static final String SEED = "20261125";
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
    TIME_PASSES
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
  void neverRollsOutAnUnbuiltRevisionNorCreatesAJobTwice(@ForAll("histories") List<Step> steps) {
    Model model = new Model();
    for (Step step : steps) {
      model.apply(step);
    }
    model.apply(Step.RECONCILE);
    Statistics.label("rolled out").collect(model.rolledOut);
    Statistics.label("Jobs created").collect(Math.min(model.created.size(), 3));
    assertThat(model.violations).isEmpty();
  }

  /** The cluster and database as the planner cannot see them whole. */
  private static final class Model {
    final LifecyclePlanner planner = new LifecyclePlanner(3);
    final AppDeployment resource = JSON.unmarshal(ShopApp.APP, AppDeployment.class);
    final Map<String, JobView> jobs = new HashMap<>();
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
        case JOB_SUCCEEDS_BUILDING_THE_SCHEMA -> finish(true, true);
        case JOB_SUCCEEDS_HALF_BUILT -> finish(true, false);
        case JOB_FAILS -> finish(false, false);
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
          resource
              .getMetadata()
              .setAnnotations(Map.of(LifecyclePlanner.RETRY_ANNOTATION, retryToken()));
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

    /** The running Job (at most one runs) ends; a successful one may build the schema. */
    private void finish(boolean succeeded, boolean buildsSchema) {
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
              List.of(),
              Map.copyOf(deployments),
              wanted,
              Revision.ofChecks(resource.getSpec()),
              null,
              List.of(),
              now);
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

    private void carryOut(Action action) {
      if (action instanceof CreateJob create) {
        if (jobs.containsKey(create.name())) {
          return; // AlreadyExists: it is there
        }
        jobs.values().stream()
            .filter(j -> j.phase() == JobView.Phase.Running)
            .forEach(
                j ->
                    violations.add(
                        "Job " + create.name() + " created while " + j.name() + " runs"));
        String key = revision() + "/" + create.retryToken();
        if (!created.add(key)) {
          violations.add("Job of revision and retry token " + key + " created a second time");
        }
        jobs.put(
            create.name(),
            new JobView(
                create.name(),
                revision(),
                create.retryToken(),
                JobView.Phase.Running,
                null,
                null,
                null,
                now,
                null,
                null,
                now));
      } else if (action instanceof DeleteJob delete) {
        jobs.remove(delete.name());
      } else if (action instanceof EnsureDeployment ensure) {
        DeploymentView current = deployments.get(ensure.component());
        boolean newTemplate = ensure.newTemplate() || current == null;
        String revision = newTemplate ? revision() : current.revision();
        boolean idleCreation = current == null && ensure.replicas() == 0;
        if (newTemplate && !idleCreation && !satisfied(revision)) {
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
