package dev.schemagate.sandbox;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import dev.schemagate.cli.LogFormat;
import dev.schemagate.cli.Logging;
import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.testkit.JobRunner;
import dev.schemagate.testkit.KubeletSimulator;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole lifecycle on one machine. An in-process Kubernetes API, a real PostgreSQL
 * and a real Redis, the real operator, and a kubelet simulator that runs each migration against the
 * database: a {@code migration.flyway} Job's real {@code schemagate migrate} with its ConfigMap's
 * SQL, or, for a {@code migration.command} the demo cannot run, SQL bundled with the demo. No
 * cluster, no Docker.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs schemagate's operator against an in-process Kubernetes API with a real PostgreSQL and"
          + " Redis, applies examples/prosaas and narrates what happens, as kubectl would show"
          + " it: a first install, a migration that leaves a half-built table, and an upgrade"
          + " whose migration fails while the old version keeps serving."
    })
public final class Demo implements Callable<Integer> {

  /** Held so the setting is not garbage-collected: the mock server logs every request via JUL. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  @Option(
      names = "--scenario",
      defaultValue = "all",
      description =
          "install, half-built, failed-upgrade, expand-contract or all. Default:"
              + " ${DEFAULT-VALUE}.")
  String scenario;

  @Option(
      names = "--file",
      description =
          "Your own AppDeployment instead of examples/prosaas: a YAML file or a directory of them,"
              + " which may also hold the ConfigMap of a migration.flyway (run for real) and"
              + " Secrets. A migration.command is simulated by running the demo's SQL. The Secrets"
              + " of database.urlSecretRef and redis.urlSecretRef point at the demo's databases.")
  Path file;

  @Option(names = "--verbose", description = "Show the operator's own log lines.")
  boolean verbose;

  @Option(
      names = "--keep-running",
      description =
          "After the scenarios, keep the in-process Kubernetes API, the databases and the operator"
              + " running until Ctrl-C, and print a kubeconfig for them. Fabric8 clients (get, list,"
              + " watch) and plain GETs (curl) work with it; kubectl does not: the in-process API"
              + " server serves neither kubectl's discovery (/api, /apis) nor its HTTP watch.")
  boolean keepRunning;

  /** Where the narration goes. */
  PrintStream out = System.out;

  /** Stops a demo started with --keep-running; Ctrl-C calls it through a shutdown hook. */
  final KeepRunning session = new KeepRunning();

  public static void main(String[] args) {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    System.exit(new CommandLine(new Demo()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    String level = verbose ? "INFO" : "WARN";
    Logging.configure(LogFormat.text, level);
    String yaml = file != null ? Manifest.yamlOf(file) : exampleYaml();
    List<String> scenarios =
        scenario.equals("all")
            ? List.of("install", "half-built", "failed-upgrade")
            : List.of(scenario);
    if (!keepRunning) {
      return run(yaml, scenarios, out, level, null) ? 0 : 1;
    }
    Thread ctrlC =
        new Thread(
            () -> {
              session.stop();
              try {
                session.awaitFinished(Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "demo-stop");
    Runtime.getRuntime().addShutdownHook(ctrlC);
    try {
      return run(yaml, scenarios, out, level, session) ? 0 : 1;
    } finally {
      session.finished();
      try {
        Runtime.getRuntime().removeShutdownHook(ctrlC);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is what is running now.
      }
    }
  }

  /**
   * The image's command, {@code schemagate}, in-process: what a migration Job's container runs,
   * with the container's environment in place of this process's.
   */
  static int schemagateCommand(
      List<String> args, Map<String, String> environment, PrintWriter out) {
    try (var env = GateEnvironment.override(environment)) {
      return SchemagateCli.execute(out, out, args.toArray(String[]::new));
    }
  }

  /** The objects of examples/prosaas, as one YAML stream: what the demo applies by default. */
  public static String exampleYaml() {
    return Manifest.prosaasYaml();
  }

  /**
   * Runs the scenarios on the objects of {@code yaml} (one AppDeployment, and the Secrets and
   * ConfigMaps it names, if any); true when each reached the outcome it shows.
   */
  public static boolean run(String yaml, List<String> scenarios, PrintStream out) {
    return run(yaml, scenarios, out, "WARN", null);
  }

  /**
   * @param keepRunning null, or what keeps everything running after the scenarios until stopped
   */
  static boolean run(
      String yaml,
      List<String> scenarios,
      PrintStream out,
      String logLevel,
      KeepRunning keepRunning) {
    Timeline timeline = new Timeline(out);
    timeline.section("schemagate demo");
    try (SandboxCluster cluster = SandboxCluster.start();
        Databases databases = Databases.start();
        RolloutDiagnosticsTap diagnostics = new RolloutDiagnosticsTap(logLevel.equals("INFO"))) {
      KubernetesClient client = cluster.client();
      timeline.step(
          "Kubernetes API (in-process) at %s, CRD appdeployments.schemagate.dev installed",
          cluster.url());
      timeline.step(
          "PostgreSQL %s and Redis on localhost (real servers, embedded)",
          databases.postgresVersion());
      // With --keep-running, each scenario's operator and kubelet stay up until the end.
      List<Runnable> running = new ArrayList<>();
      try {
        boolean ok = true;
        for (String name : scenarios) {
          ok &=
              scenario(
                  new Scenario(name, yaml, timeline, logLevel, diagnostics),
                  client,
                  databases,
                  keepRunning == null ? null : running);
        }
        if (keepRunning != null) {
          keepRunning.serve(cluster, "demo-" + scenarios.get(scenarios.size() - 1), timeline);
        }
        return ok;
      } finally {
        java.util.Collections.reverse(running);
        running.forEach(Runnable::run);
      }
    }
  }

  /** One scenario's name and what it narrates with. */
  private record Scenario(
      String name,
      String yaml,
      Timeline timeline,
      String logLevel,
      RolloutDiagnosticsTap diagnostics) {}

  /**
   * Runs a scenario; its operator and kubelet are stopped at the end, or, if {@code running} is
   * given, left running with what stops them added to it.
   */
  private static boolean scenario(
      Scenario scenario, KubernetesClient client, Databases databases, List<Runnable> running) {
    String name = scenario.name();
    String logLevel = scenario.logLevel();
    String namespace = "demo-" + name;
    Manifest manifest = Manifest.parse(scenario.yaml(), namespace);
    AppDeployment appd = manifest.appDeployment();
    String database = databases.createDatabase();
    prepareNamespace(client, namespace, manifest, databases, database);
    OperatorSettings settings = OperatorSettings.defaults().withNamespaces(List.of(namespace));
    Operator operator = SchemagateOperator.create(client, settings, new LiveDependencyChecks());
    KubeletSimulator kubelet =
        new KubeletSimulator(client, namespace, Map.of(Labels.MANAGED_BY, Labels.MANAGER)).start();
    Runnable stop =
        () -> {
          // A reconcile interrupted by the stop logs a warning with a stack trace: not news here.
          Logging.configure(LogFormat.text, "ERROR");
          operator.stop();
          Logging.configure(LogFormat.text, logLevel);
          kubelet.close();
        };
    try (Narrator narrator =
        new Narrator(
            client,
            namespace,
            appd.getMetadata().getName(),
            scenario.timeline(),
            scenario.diagnostics())) {
      operator.start();
      Scene scene =
          new Scene(
              client, appd, kubelet, databases, database, narrator, scenario.timeline(), logLevel);
      return switch (name) {
        case "install" -> install(scene);
        case "half-built" -> halfBuilt(scene);
        case "failed-upgrade" -> failedUpgrade(scene);
        case ExpandContract.NAME -> ExpandContract.run(scene);
        default ->
            throw new CommandLine.ParameterException(
                new CommandLine(new Demo()), "unknown scenario " + name);
      };
    } finally {
      if (running == null) {
        stop.run();
      } else {
        running.add(stop);
      }
    }
  }

  private static boolean install(Scene scene) {
    Narrator narrator = scene.narrator();
    scene.timeline().section("1. first install: migrate, verify, then scale up");
    scene.migrations("/demo/migrate.sql");
    scene.apply();
    narrator.step("kubectl apply -k examples/prosaas: AppDeployment %s", scene.name());
    // A --file of the user's may stall (its command-mode migration is simulated by the demo's own
    // SQL, which need not build what it requires): show why, instead of waiting for nothing.
    AppDeployment settled = narrator.awaitAnyPhase(Phase.Ready, Phase.Failed);
    narrator.show(settled);
    if (settled.getStatus().getPhase() != Phase.Ready) {
      narrator.step(
          "not Ready: the demo runs command-mode migrations as its own SQL"
              + " (examples/prosaas V115..V117); use migration.flyway to run yours");
    }
    return settled.getStatus().getPhase() == Phase.Ready;
  }

  private static boolean halfBuilt(Scene scene) {
    Narrator narrator = scene.narrator();
    scene.timeline().section("2. a migration that \"succeeds\" but leaves a half-built table");
    scene.migrations("/demo/migrate-half.sql");
    if (scene.flyway()) {
      scene.editSql(
          files -> {
            files.replaceAll((file, sql) -> withoutQuestionText(sql));
            narrator.step("migration 115 of this revision forgets question_text");
          });
    }
    scene.apply();
    narrator.step(
        "kubectl apply: the old migration 115 leaves calendar_routing_rules without question_text");
    AppDeployment failed = narrator.awaitPhase(Phase.Failed);
    narrator.show(failed);
    scene
        .timeline()
        .text(
            "The Job succeeded, but the schema check names the missing column: no component was"
                + " scaled up.\nFix forward with an image whose migration repairs the table:");
    scene.migrations("/demo/migrate.sql");
    if (scene.flyway()) {
      // An applied Flyway file is never edited (its checksum is recorded): a new one repairs.
      scene.editSql(files -> files.put("V118__repair_calendar_routing_rules.sql", REPAIR_SQL));
    }
    scene.changeImage("-fixed");
    narrator.step("kubectl set image: new revision whose migration repairs the table");
    AppDeployment ready = narrator.awaitPhase(Phase.Ready);
    narrator.show(ready);
    return failed.getStatus().getPhase() == Phase.Failed
        && ready.getStatus().getPhase() == Phase.Ready;
  }

  private static boolean failedUpgrade(Scene scene) {
    Narrator narrator = scene.narrator();
    scene.timeline().section("3. an upgrade whose migration fails: the old version keeps serving");
    scene.migrations("/demo/migrate.sql");
    scene.apply();
    narrator.awaitPhase(Phase.Ready);
    narrator.step("version %s is Ready", scene.appd().getSpec().getImage());
    if (scene.flyway()) {
      scene.editSql(files -> files.put("V118__invoice_due_dates.sql", BROKEN_SQL));
    } else {
      scene.kubelet().migrations(job -> Outcome.FAIL);
    }
    scene.changeImage("-next");
    narrator.step("kubectl set image: the next version's migration will fail");
    AppDeployment failed = narrator.awaitPhase(Phase.Failed);
    narrator.show(failed);
    scene
        .timeline()
        .text("The API still runs " + narrator.componentImages(failed) + ": nothing rolled.");
    return failed.getStatus().getPhase() == Phase.Failed
        && failed.getStatus().getVerifiedRevision() != null;
  }

  /** Repairs what the forgetful 115 left: the fix-forward revision's new migration. */
  static final String REPAIR_SQL =
      "ALTER TABLE calendar_routing_rules ADD COLUMN IF NOT EXISTS question_text text;\n";

  /** The next version's migration, which fails: there is no table invoices. */
  static final String BROKEN_SQL = "ALTER TABLE invoices ADD COLUMN due_date date;\n";

  private static final String QUESTION_TEXT =
      "ALTER TABLE calendar_routing_rules ADD COLUMN IF NOT EXISTS question_text text;";

  /** The example's SQL as an older 115 had it: without the line that adds question_text. */
  static String withoutQuestionText(String sql) {
    return sql.lines()
        .filter(line -> !line.strip().equals(QUESTION_TEXT))
        .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
  }

  /** Everything one scenario works with, and the few things a scenario does. */
  record Scene(
      KubernetesClient client,
      AppDeployment appd,
      KubeletSimulator kubelet,
      Databases databases,
      String database,
      Narrator narrator,
      Timeline timeline,
      String logLevel) {

    String name() {
      return appd.getMetadata().getName();
    }

    boolean flyway() {
      return appd.getSpec().getMigration().getFlyway() != null;
    }

    /**
     * From now on, migration Jobs run: a Flyway Job its real {@code schemagate migrate} on its
     * ConfigMap, any other this bundled SQL against the app's database.
     */
    void migrations(String sqlResource) {
      kubelet.migrations(migration(sqlResource));
    }

    /**
     * As {@link #migrations(String)}, and contract-phase Jobs (spec.migration.contract) run {@code
     * contract} instead.
     */
    void migrations(String sqlResource, KubeletSimulator.Migration contract) {
      KubeletSimulator.Migration migration = migration(sqlResource);
      kubelet.migrations(job -> Labels.isContract(job) ? contract.run(job) : migration.run(job));
    }

    private KubeletSimulator.Migration migration(String sqlResource) {
      if (flyway()) {
        return this::runFlywayJob;
      }
      return job -> runSql(job, sqlResource);
    }

    /** A Job whose command the demo cannot run: the bundled SQL it stands for, for real. */
    Outcome runSql(Job job, String sqlResource) {
      narrator.jobSeen(job);
      Outcome outcome = databases.migrate(database, sqlResource);
      if (outcome == Outcome.SUCCEED) {
        narrator.migrationApplied(job, "the demo's SQL " + sqlResource);
      }
      return outcome;
    }

    private Outcome runFlywayJob(Job job) {
      narrator.jobSeen(job);
      // The command sets up logging for its own process, as a pod would: at the demo's level.
      JobRunner.Result result =
          JobRunner.run(client, job, Demo::schemagateCommand, "--log-level", logLevel);
      result
          .output()
          .lines()
          .filter(line -> !line.isBlank())
          .forEach(line -> timeline.step("  %s | %s", job.getMetadata().getName(), line));
      if (result.outcome() == Outcome.SUCCEED) {
        narrator.migrationApplied(job, Narrator.appliedVersions(result.output()));
      }
      return result.outcome();
    }

    /** Changes the SQL files of the migration's ConfigMap (kubectl edit configmap). */
    void editSql(Consumer<Map<String, String>> change) {
      String configMap = appd.getSpec().getMigration().getFlyway().getConfigMapRef().getName();
      client
          .configMaps()
          .inNamespace(appd.getMetadata().getNamespace())
          .withName(configMap)
          .edit(
              c -> {
                Map<String, String> files = new TreeMap<>(c.getData());
                change.accept(files);
                c.setData(files);
                return c;
              });
    }

    void apply() {
      client.resource(appd).create();
    }

    /** kubectl set image: a new image is a new revision. */
    void changeImage(String suffix) {
      edit(a -> a.getSpec().setImage(a.getSpec().getImage() + suffix));
    }

    /** kubectl edit / kubectl apply of a changed AppDeployment. */
    void edit(Consumer<AppDeployment> change) {
      Demo.edit(client, appd, change);
    }
  }

  private static void prepareNamespace(
      KubernetesClient client,
      String namespace,
      Manifest manifest,
      Databases databases,
      String database) {
    var spec = manifest.appDeployment().getSpec();
    String databaseSecret = spec.getDatabase().getUrlSecretRef().getName();
    String redisSecret =
        spec.getRedis() == null ? null : spec.getRedis().getUrlSecretRef().getName();
    boolean namespaceGiven = false;
    for (HasMetadata object : manifest.others()) {
      namespaceGiven |= object instanceof Namespace;
      // The Secrets of the two URLs are written below, pointing at the demo's own servers.
      if (!(object instanceof Secret)
          || !(object.getMetadata().getName().equals(databaseSecret)
              || object.getMetadata().getName().equals(redisSecret))) {
        client.resource(object).create();
      }
    }
    if (!namespaceGiven) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
    putSecret(
        client,
        namespace,
        databaseSecret,
        spec.getDatabase().getUrlSecretRef().getKey(),
        databases.url(database));
    if (redisSecret != null) {
      putSecret(
          client,
          namespace,
          redisSecret,
          spec.getRedis().getUrlSecretRef().getKey(),
          databases.redisUrl());
    }
  }

  private static void putSecret(
      KubernetesClient client, String namespace, String name, String key, String value) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData(key, value)
                .build())
        .createOr(
            existing ->
                existing.edit(
                    s -> {
                      s.getStringData().put(key, value);
                      return s;
                    }));
  }

  private static void edit(
      KubernetesClient client, AppDeployment appd, Consumer<AppDeployment> change) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () ->
                // By name: edit the AppDeployment as the server holds it now, not as first applied.
                client
                    .resources(AppDeployment.class)
                    .inNamespace(appd.getMetadata().getNamespace())
                    .withName(appd.getMetadata().getName())
                    .edit(
                        a -> {
                          change.accept(a);
                          return a;
                        }),
            java.util.Objects::nonNull);
  }
}
