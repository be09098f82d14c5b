package dev.schemagate.sandbox;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import dev.schemagate.cli.LogFormat;
import dev.schemagate.cli.Logging;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.testing.KubeletSimulator;
import dev.schemagate.testing.KubeletSimulator.Outcome;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole lifecycle on one machine. An in-process Kubernetes API, a real PostgreSQL
 * and a real Redis, the real operator, and a kubelet simulator that runs each migration's SQL
 * against the database. No cluster, no Docker.
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

  static final String DEFAULT_EXAMPLE = "/examples/prosaas/appdeployment.yaml";

  /** Held so the setting is not garbage-collected: the mock server logs every request via JUL. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  @Option(
      names = "--scenario",
      defaultValue = "all",
      description = "install, half-built, failed-upgrade or all. Default: ${DEFAULT-VALUE}.")
  String scenario;

  @Option(
      names = "--file",
      description =
          "Your own AppDeployment YAML instead of examples/prosaas; its migration is simulated by"
              + " running the demo's SQL, and its Secrets are created for the demo's databases.")
  Path file;

  @Option(names = "--verbose", description = "Show the operator's own log lines.")
  boolean verbose;

  public static void main(String[] args) {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    System.exit(new CommandLine(new Demo()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    Logging.configure(LogFormat.text, verbose ? "INFO" : "WARN");
    String yaml;
    try (InputStream in =
        file != null
            ? Files.newInputStream(file)
            : Demo.class.getResourceAsStream(DEFAULT_EXAMPLE)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> scenarios =
        scenario.equals("all")
            ? List.of("install", "half-built", "failed-upgrade")
            : List.of(scenario);
    boolean ok = run(yaml, scenarios, System.out, verbose ? "INFO" : "WARN");
    return ok ? 0 : 1;
  }

  /** Runs the scenarios on one AppDeployment; true when each reached the outcome it shows. */
  public static boolean run(String yaml, List<String> scenarios, PrintStream out) {
    return run(yaml, scenarios, out, "WARN");
  }

  static boolean run(String yaml, List<String> scenarios, PrintStream out, String logLevel) {
    Timeline timeline = new Timeline(out);
    timeline.section("schemagate demo");
    try (SandboxCluster cluster = SandboxCluster.start();
        Databases databases = Databases.start()) {
      KubernetesClient client = cluster.client();
      timeline.step(
          "Kubernetes API (in-process) at %s, CRD appdeployments.schemagate.dev installed",
          cluster.url());
      timeline.step(
          "PostgreSQL %s and Redis on localhost (real servers, embedded)",
          databases.postgresVersion());
      boolean ok = true;
      for (String name : scenarios) {
        ok &= scenario(name, yaml, client, databases, timeline, logLevel);
      }
      return ok;
    }
  }

  private static boolean scenario(
      String name,
      String yaml,
      KubernetesClient client,
      Databases databases,
      Timeline timeline,
      String logLevel) {
    AppDeployment appd = client.getKubernetesSerialization().unmarshal(yaml, AppDeployment.class);
    String namespace = "demo-" + name;
    appd.getMetadata().setNamespace(namespace);
    String database = databases.createDatabase();
    prepareNamespace(client, namespace, appd, databases, database);
    OperatorSettings settings = OperatorSettings.defaults().withNamespaces(List.of(namespace));
    Operator operator = SchemagateOperator.create(client, settings, new LiveDependencyChecks());
    try (KubeletSimulator kubelet = new KubeletSimulator(client, namespace).start();
        Narrator narrator =
            new Narrator(client, namespace, appd.getMetadata().getName(), timeline)) {
      operator.start();
      Scene scene = new Scene(client, appd, kubelet, databases, database, narrator, timeline);
      return switch (name) {
        case "install" -> install(scene);
        case "half-built" -> halfBuilt(scene);
        case "failed-upgrade" -> failedUpgrade(scene);
        default ->
            throw new CommandLine.ParameterException(
                new CommandLine(new Demo()), "unknown scenario " + name);
      };
    } finally {
      // A reconcile interrupted by the stop logs a warning with a stack trace: not news here.
      Logging.configure(LogFormat.text, "ERROR");
      operator.stop();
      Logging.configure(LogFormat.text, logLevel);
    }
  }

  private static boolean install(Scene scene) {
    Narrator narrator = scene.narrator();
    scene.timeline().section("1. first install: migrate, verify, then scale up");
    scene.migrations("/demo/migrate.sql");
    scene.apply();
    narrator.step("kubectl apply -f examples/prosaas/appdeployment.yaml");
    AppDeployment ready = narrator.awaitPhase(Phase.Ready);
    narrator.show(ready);
    return ready.getStatus().getPhase() == Phase.Ready;
  }

  private static boolean halfBuilt(Scene scene) {
    Narrator narrator = scene.narrator();
    scene.timeline().section("2. a migration that \"succeeds\" but leaves a half-built table");
    scene.migrations("/demo/migrate-half.sql");
    scene.apply();
    narrator.step(
        "kubectl apply: the old migration 115 skips calendar_routing_rules because it exists");
    AppDeployment failed = narrator.awaitPhase(Phase.Failed);
    narrator.show(failed);
    scene
        .timeline()
        .text(
            "The Job succeeded, but the schema check names the missing column: no component was"
                + " scaled up.\nFix forward with an image whose migration repairs the table:");
    scene.migrations("/demo/migrate.sql");
    scene.changeImage("-fixed");
    narrator.step("kubectl set image: new revision with the idempotent migration");
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
    scene.kubelet().migrations(job -> Outcome.FAIL);
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

  /** Everything one scenario works with, and the few things a scenario does. */
  private record Scene(
      KubernetesClient client,
      AppDeployment appd,
      KubeletSimulator kubelet,
      Databases databases,
      String database,
      Narrator narrator,
      Timeline timeline) {

    /** From now on, migration Jobs run this bundled SQL against the app's database. */
    void migrations(String sqlResource) {
      kubelet.migrations(job -> databases.migrate(database, sqlResource));
    }

    void apply() {
      client.resource(appd).create();
    }

    /** kubectl set image: a new image is a new revision. */
    void changeImage(String suffix) {
      edit(client, appd, a -> a.getSpec().setImage(a.getSpec().getImage() + suffix));
    }
  }

  private static void prepareNamespace(
      KubernetesClient client,
      String namespace,
      AppDeployment appd,
      Databases databases,
      String database) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    var spec = appd.getSpec();
    putSecret(
        client,
        namespace,
        spec.getDatabase().getUrlSecretRef().getName(),
        spec.getDatabase().getUrlSecretRef().getKey(),
        databases.url(database));
    if (spec.getRedis() != null) {
      putSecret(
          client,
          namespace,
          spec.getRedis().getUrlSecretRef().getName(),
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
                client
                    .resource(appd)
                    .edit(
                        a -> {
                          change.accept(a);
                          return a;
                        }),
            java.util.Objects::nonNull);
  }
}
