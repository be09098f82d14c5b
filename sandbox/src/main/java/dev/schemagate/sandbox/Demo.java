package dev.schemagate.sandbox;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.cli.LogFormat;
import dev.schemagate.cli.Logging;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.SchemagateOperator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: the operator against an in-process Kubernetes API, narrated. No cluster needed. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs schemagate's operator against an in-process Kubernetes API, applies an AppDeployment"
          + " and narrates what happens, as kubectl would show it."
    })
public final class Demo implements Callable<Integer> {

  static final String DEFAULT_EXAMPLE = "/examples/minimal/appdeployment.yaml";

  @Option(
      names = "--file",
      description = "An AppDeployment YAML file to apply instead of examples/minimal.")
  Path file;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      description = "Seconds to wait for the operator. Default: ${DEFAULT-VALUE}.")
  int timeoutSeconds;

  @Option(names = "--verbose", description = "Show the operator's own log lines.")
  boolean verbose;

  /** Held so the setting is not garbage-collected: the mock server logs every request via JUL. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  public static void main(String[] args) {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    System.exit(new CommandLine(new Demo()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    Logging.configure(LogFormat.text, verbose ? "INFO" : "WARN");
    try (InputStream yaml = file != null ? Files.newInputStream(file) : bundledExample()) {
      AppDeployment result = run(yaml, System.out, Duration.ofSeconds(timeoutSeconds));
      return result.getStatus() != null ? 0 : 1;
    }
  }

  private static InputStream bundledExample() {
    return Demo.class.getResourceAsStream(DEFAULT_EXAMPLE);
  }

  /** Runs the demo on one AppDeployment and returns it as last seen. */
  public static AppDeployment run(InputStream yaml, PrintStream out, Duration timeout) {
    Timeline timeline = new Timeline(out);
    timeline.section("schemagate demo");
    try (SandboxCluster cluster = SandboxCluster.start()) {
      KubernetesClient client = cluster.client();
      timeline.step("Kubernetes API (in-process) listening at %s", cluster.url());
      timeline.step("CRD appdeployments.schemagate.dev installed");

      Operator operator = SchemagateOperator.create(client, OperatorSettings.defaults(), new LiveDependencyChecks());
      try {
        operator.start();
        timeline.step("schemagate operator started");

        AppDeployment applied = apply(client, yaml);
        timeline.step(
            "kubectl apply: appdeployment.schemagate.dev/%s created in namespace %s",
            applied.getMetadata().getName(), applied.getMetadata().getNamespace());

        AppDeployment observed = awaitObserved(client, applied, timeout);
        if (observed.getStatus() == null) {
          timeline.step("no status after %ss: the operator did not reconcile", timeout.toSeconds());
          return observed;
        }
        timeline.step(
            "operator observed generation %d: phase %s",
            observed.getStatus().getObservedGeneration(), observed.getStatus().getPhase());

        timeline.section("kubectl get appd -n " + observed.getMetadata().getNamespace());
        timeline.text(KubectlView.get(List.of(observed), Instant.now()));
        timeline.section("kubectl describe appd " + observed.getMetadata().getName());
        timeline.text(KubectlView.conditions(observed));
        timeline.section("what comes next");
        timeline.text(
            "This build registers the AppDeployment, validates it with the CRD schema and writes"
                + " its first status\n(Ready=False, observedGeneration). The migration Job,"
                + " schema verification and rollout\nare not part of this build yet.");
        return observed;
      } finally {
        operator.stop();
      }
    }
  }

  private static AppDeployment apply(KubernetesClient client, InputStream yaml) {
    AppDeployment appd = client.resources(AppDeployment.class).load(yaml).item();
    String namespace = appd.getMetadata().getNamespace();
    if (namespace == null) {
      namespace = "default";
      appd.getMetadata().setNamespace(namespace);
    }
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .createOr(existing -> existing.update());
    return client.resource(appd).create();
  }

  private static AppDeployment awaitObserved(
      KubernetesClient client, AppDeployment applied, Duration timeout) {
    try {
      return Awaitility.await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> client.resource(applied).get(),
              current ->
                  current.getStatus() != null
                      && current.getStatus().getObservedGeneration() != null
                      && current
                          .getStatus()
                          .getObservedGeneration()
                          .equals(current.getMetadata().getGeneration()));
    } catch (ConditionTimeoutException e) {
      return client.resource(applied).get();
    }
  }
}
