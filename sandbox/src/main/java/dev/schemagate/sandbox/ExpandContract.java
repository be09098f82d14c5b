package dev.schemagate.sandbox;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ContractSpec;
import dev.schemagate.api.Phase;
import dev.schemagate.api.TableRequirement;
import dev.schemagate.lifecycle.Conditions;
import dev.schemagate.sandbox.Demo.Scene;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import dev.schemagate.testkit.KubeletSimulator.PodReadiness;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code expand-contract} scenario: calendar_routing_rules.question_text becomes prompt with no
 * downtime, in three releases of examples/prosaas. Release 2 adds the column (expand) while release
 * 1 keeps serving on a schema checked against its own requirements; a rollback to release 1 runs no
 * migration; release 3 backfills, reads the new column, and drops the old one in its contract phase
 * once no pod of release 2 is left; going back to release 2 is then refused.
 */
final class ExpandContract {

  static final String NAME = "expand-contract";

  static final String TABLE = "calendar_routing_rules";
  static final String EXPAND_FILE = "V118__routing_rules_prompt.sql";
  static final String EXPAND_SQL =
      "ALTER TABLE calendar_routing_rules ADD COLUMN IF NOT EXISTS prompt text;\n";
  static final String BACKFILL_FILE = "V119__backfill_routing_rules_prompt.sql";
  static final String BACKFILL_SQL =
      "UPDATE calendar_routing_rules SET prompt = question_text WHERE prompt IS NULL;\n";

  /** What release 3's contract command does, run by the demo as SQL. */
  static final String CONTRACT_SQL = "/demo/contract-drop-question-text.sql";

  static final List<String> CONTRACT_COMMAND = List.of("python", "-m", "server.db_contract");

  /** Holds one old API pod in Terminating, as a pod finishing its requests would be. */
  static final String DRAINING = "demo.schemagate.dev/draining";

  /** One release of the application: what its AppDeployment says. */
  private record Release(
      String name, String image, String configMap, List<String> columns, boolean contract) {}

  private final Scene scene;
  private final KubernetesClient client;
  private final Narrator narrator;
  private final Timeline timeline;
  private final String namespace;

  private ExpandContract(Scene scene) {
    this.scene = scene;
    this.client = scene.client();
    this.narrator = scene.narrator();
    this.timeline = scene.timeline();
    this.namespace = scene.appd().getMetadata().getNamespace();
  }

  static boolean run(Scene scene) {
    scene.timeline().section("4. expand/contract: question_text becomes prompt, no downtime");
    TableRequirement rules = rules(scene.appd());
    if (!scene.flyway()
        || rules == null
        || rules.getColumns() == null
        || !rules.getColumns().contains("question_text")) {
      scene
          .narrator()
          .step(
              "skipped: this scenario changes examples/prosaas's %s (Flyway); run it without"
                  + " --file",
              TABLE);
      return true;
    }
    return new ExpandContract(scene).walk();
  }

  private boolean walk() {
    AppDeployment appd = scene.appd();
    String configMap = appd.getSpec().getMigration().getFlyway().getConfigMapRef().getName();
    Map<String, String> files =
        new TreeMap<>(
            client.configMaps().inNamespace(namespace).withName(configMap).get().getData());
    List<String> columns = rules(appd).getColumns();
    Release one = new Release("release 1", appd.getSpec().getImage(), configMap, columns, false);
    Release two =
        new Release(
            "release 2",
            withTag(one.image(), "2026.11.4"),
            configMap(configMap, "2026.11.4", files, Map.of(EXPAND_FILE, EXPAND_SQL)),
            plus(columns, "prompt"),
            false);
    Release three =
        new Release(
            "release 3",
            withTag(one.image(), "2026.11.5"),
            configMap(
                configMap,
                "2026.11.5",
                files,
                Map.of(EXPAND_FILE, EXPAND_SQL, BACKFILL_FILE, BACKFILL_SQL)),
            plus(columns.stream().filter(c -> !c.equals("question_text")).toList(), "prompt"),
            true);

    timeline.text("4a. " + one.name() + " reads and writes " + TABLE + ".question_text");
    scene.migrations("/demo/migrate.sql", this::contractPhase);
    scene.apply();
    AppDeployment first = narrator.awaitPhase(Phase.Ready);
    scene
        .databases()
        .execute(
            scene.database(),
            "INSERT INTO business (id, name) VALUES (1, 'Acme');"
                + " INSERT INTO business_calendars (id, business_id, name) VALUES (1, 1, 'Sales');"
                + " INSERT INTO calendar_routing_rules (calendar_id, question_text) VALUES"
                + " (1, 'What is your budget?'), (1, 'When do you want to start?');");
    narrator.step("%s is Ready; it wrote 2 routing rules: %s", one.name(), rulesNow());
    narrator.showGet(first);

    timeline.text(
        "4b. expand: "
            + two.name()
            + " adds prompt ("
            + EXPAND_FILE
            + ") and writes both columns;\n    "
            + one.name()
            + " keeps serving while the new API pods start (held unready here)");
    scene.kubelet().componentPods(d -> component(d, "api") ? PodReadiness.NEVER_READY : ready());
    release(two);
    AppDeployment rolling =
        narrator.awaitStatus(
            a ->
                a.getStatus().getPhase() == Phase.RollingOut
                    && Conditions.find(a.getStatus().getConditions(), Conditions.SERVING_COMPATIBLE)
                        != null
                    && "True".equals(status(a, Conditions.AVAILABLE))
                    && a.getStatus().getComponents().stream()
                        .allMatch(c -> a.getStatus().getRevision().equals(c.getRevision())));
    narrator.show(rolling);
    scene.kubelet().componentPods(d -> ready());
    narrator.step("the new API pods become ready");
    AppDeployment expanded = narrator.awaitPhase(Phase.Ready);
    narrator.showGet(expanded);
    String r1 = first.getStatus().getRevision();
    String r2 = expanded.getStatus().getRevision();

    timeline.text(
        "4c. rollback: back to "
            + one.name()
            + " (revision "
            + r1
            + ", Ready before): no migration, its requirements re-verified");
    release(one);
    AppDeployment back = narrator.awaitStatus(a -> ready(a, r1));
    narrator.show(back);
    timeline.text("    and forward again to " + two.name() + ": no migration either");
    release(two);
    narrator.showGet(narrator.awaitStatus(a -> ready(a, r2)));

    timeline.text(
        "4d. backfill and switch readers: "
            + three.name()
            + " backfills prompt ("
            + BACKFILL_FILE
            + ") and reads prompt only;\n    its contract phase ("
            + String.join(" ", CONTRACT_COMMAND)
            + ") drops question_text once no pod of "
            + two.name()
            + " is left");
    Pod draining = holdOneOldApiPod(r2);
    narrator.step(
        "API pod %s (revision %s) will take its time to finish its requests when it is stopped",
        draining.getMetadata().getName(), r2);
    release(three);
    AppDeployment waiting =
        narrator.awaitStatus(
            a ->
                a.getStatus().getPhase() == Phase.Contracting
                    && "WaitingForOlderPods".equals(reason(a, Conditions.READY)));
    narrator.show(waiting);
    releaseDrainingPod(draining);
    narrator.step("API pod %s finished its requests and is gone", draining.getMetadata().getName());
    AppDeployment contracted = narrator.awaitPhase(Phase.Ready);
    narrator.show(contracted);
    narrator.step("%s now: %s", TABLE, rulesNow());
    String r3 = contracted.getStatus().getRevision();

    timeline.text(
        "4e. rollback to "
            + two.name()
            + " (revision "
            + r2
            + ") once question_text is gone: refused, "
            + three.name()
            + " keeps serving");
    release(two);
    AppDeployment refused =
        narrator.awaitStatus(
            a ->
                a.getStatus().getPhase() == Phase.Failed
                    && "RollbackRefused".equals(reason(a, Conditions.STALLED)));
    narrator.show(refused);
    timeline.text("    back to " + three.name() + ": Ready again, nothing runs");
    release(three);
    AppDeployment done = narrator.awaitStatus(a -> ready(a, r3));
    narrator.showGet(done);
    return done.getStatus().getPhase() == Phase.Ready;
  }

  /** The contract-phase Job's pod: which component pods exist as it starts, then the drop. */
  private Outcome contractPhase(Job job) {
    narrator.jobSeen(job);
    String pods =
        client.pods().inNamespace(namespace).withLabel(Labels.COMPONENT).list().getItems().stream()
            .map(
                p ->
                    p.getMetadata().getLabels().get(Labels.COMPONENT)
                        + " "
                        + p.getMetadata().getAnnotations().get(Labels.REVISION))
            .sorted()
            .collect(Collectors.joining(", "));
    timeline.step("  %s | component pods as it starts: %s", job.getMetadata().getName(), pods);
    return scene.runSql(job, CONTRACT_SQL);
  }

  /**
   * Gives one API pod of {@code revision} a finalizer: stopped, it stays Terminating (as a pod in
   * its termination grace period does) until {@link #releaseDrainingPod} lets it go.
   */
  private Pod holdOneOldApiPod(String revision) {
    Pod pod =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(Labels.COMPONENT, "api")
            .list()
            .getItems()
            .stream()
            .filter(p -> revision.equals(p.getMetadata().getAnnotations().get(Labels.REVISION)))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no API pod of revision " + revision));
    return client
        .resource(pod)
        .edit(
            p -> {
              p.getMetadata().getFinalizers().add(DRAINING);
              return p;
            });
  }

  private void releaseDrainingPod(Pod pod) {
    Pod current = client.resource(pod).get();
    if (current != null) {
      client
          .resource(current)
          .edit(
              p -> {
                p.getMetadata().getFinalizers().remove(DRAINING);
                return p;
              });
      client.resource(current).delete();
    }
  }

  /** kubectl apply of one release's AppDeployment. */
  private void release(Release release) {
    scene.edit(
        a -> {
          a.getSpec().setImage(release.image());
          a.getSpec().getMigration().getFlyway().getConfigMapRef().setName(release.configMap());
          rules(a).setColumns(release.columns());
          ContractSpec contract = null;
          if (release.contract()) {
            contract = new ContractSpec();
            contract.setCommand(CONTRACT_COMMAND);
          }
          a.getSpec().getMigration().setContract(contract);
        });
    narrator.step(
        "kubectl apply: %s, image %s, Flyway ConfigMap %s%s",
        release.name(),
        release.image(),
        release.configMap(),
        release.contract() ? ", contract " + CONTRACT_COMMAND : "");
  }

  /**
   * A release's Flyway files in a ConfigMap of its own (as kustomize's configMapGenerator makes
   * them), so that the files and the AppDeployment that names them change in one apply.
   */
  private String configMap(
      String base, String tag, Map<String, String> files, Map<String, String> added) {
    Map<String, String> data = new TreeMap<>(files);
    data.putAll(added);
    String name = base + "-" + tag;
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .withData(data)
            .build();
    client.resource(map).create();
    return name;
  }

  /** The rows of calendar_routing_rules as the database holds them now. */
  private String rulesNow() {
    try (Connection c = scene.databases().connect(scene.database());
        Statement s = c.createStatement();
        ResultSet columns =
            s.executeQuery(
                "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position)"
                    + " FROM information_schema.columns WHERE table_name = '"
                    + TABLE
                    + "'")) {
      columns.next();
      String names = columns.getString(1);
      String read = names.contains("prompt") ? "prompt" : "question_text";
      List<String> values = new ArrayList<>();
      try (ResultSet rows = s.executeQuery("SELECT " + read + " FROM " + TABLE + " ORDER BY id")) {
        while (rows.next()) {
          values.add(String.valueOf(rows.getString(1)));
        }
      }
      return "columns (" + names + "), " + read + " " + values;
    } catch (SQLException e) {
      return "(cannot read: " + e.getMessage() + ")";
    }
  }

  private static TableRequirement rules(AppDeployment appd) {
    if (appd.getSpec().getSchema() == null || appd.getSpec().getSchema().getTables() == null) {
      return null;
    }
    return appd.getSpec().getSchema().getTables().stream()
        .filter(t -> TABLE.equals(t.getName()))
        .findFirst()
        .orElse(null);
  }

  private static boolean ready(AppDeployment a, String revision) {
    return a.getStatus().getPhase() == Phase.Ready && revision.equals(a.getStatus().getRevision());
  }

  private static PodReadiness ready() {
    return PodReadiness.READY;
  }

  private static boolean component(
      io.fabric8.kubernetes.api.model.apps.Deployment deployment, String name) {
    return name.equals(deployment.getMetadata().getLabels().get(Labels.COMPONENT));
  }

  private static String status(AppDeployment appd, String type) {
    var condition = Conditions.find(appd.getStatus().getConditions(), type);
    return condition == null ? null : condition.getStatus();
  }

  private static String reason(AppDeployment appd, String type) {
    var condition = Conditions.find(appd.getStatus().getConditions(), type);
    return condition == null ? null : condition.getReason();
  }

  private static List<String> plus(List<String> columns, String column) {
    List<String> more = new ArrayList<>(columns);
    more.add(column);
    return more;
  }

  /** The image with another tag. */
  static String withTag(String image, String tag) {
    int colon = image.lastIndexOf(':');
    return (colon > image.lastIndexOf('/') ? image.substring(0, colon) : image) + ":" + tag;
  }
}
