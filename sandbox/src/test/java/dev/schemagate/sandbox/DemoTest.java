package dev.schemagate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import dev.schemagate.sandbox.Narrator.Step;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The demo runs headless: each scenario reaches the outcome it narrates, the timeline tells the
 * lifecycle's steps in order with the masked config block, no password is printed, and with
 * --keep-running everything stays up for clients of the printed kubeconfig until stopped.
 */
class DemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyScenarioReachesItsOutcomeThenKeepsRunningUntilStopped() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Demo demo = new Demo();
    demo.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
    AtomicInteger exit = new AtomicInteger(-1);
    Thread running =
        new Thread(() -> exit.set(new CommandLine(demo).execute("--keep-running")), "demo");
    running.start();

    Path kubeconfig;
    Set<String> passwords;
    try {
      kubeconfig = demo.session.kubeconfig().get(5, TimeUnit.MINUTES);
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        Map<String, Phase> phases =
            client.resources(AppDeployment.class).inAnyNamespace().list().getItems().stream()
                .collect(
                    Collectors.toMap(
                        a -> a.getMetadata().getNamespace(), a -> a.getStatus().getPhase()));
        assertThat(phases)
            .containsEntry("demo-install", Phase.Ready)
            .containsEntry("demo-half-built", Phase.Ready)
            .containsEntry("demo-failed-upgrade", Phase.Failed);
        assertWatchDelivers(client);
        assertWhatKubectlWouldGet(URI.create(config.getMasterUrl()));
        passwords = passwordsOf(client);
      }
    } finally {
      demo.session.stop();
      running.join(TimeUnit.MINUTES.toMillis(1));
    }

    String narration = captured.toString(StandardCharsets.UTF_8);
    assertThat(running.isAlive()).as("the demo stops when asked").isFalse();
    assertThat(exit.get()).as(narration).isZero();
    assertThat(kubeconfig).as("the kubeconfig is removed at the end").doesNotExist();
    assertThat(narration).contains(kubeconfig.toString());

    String install = section(narration, "== 1.", "== 2.");
    assertInOrder(
        install,
        Step.JOB_CREATED.marker(),
        Step.MIGRATION_APPLIED.marker(),
        Step.SCHEMA_VERIFIED.marker(),
        Step.REDIS_PING.marker(),
        Step.DEPLOYMENTS_SCALED.marker(),
        Step.READY.marker());
    assertThat(lineOf(install, Step.MIGRATION_APPLIED.marker())).contains("V115..V117");
    assertThat(install)
        .contains(Step.CONFIG.marker())
        .contains("DATABASE_URL: postgresql://postgres:***@localhost:")
        .containsPattern("REDIS_URL: redis://[^\\s@]*\\*\\*\\*@localhost:");

    String halfBuilt = section(narration, "== 2.", "== 3.");
    assertThat(halfBuilt).contains("SchemaVerificationFailed").contains("question_text");
    // The fix-forward revision goes through the steps again, from its own Job.
    assertInOrder(
        halfBuilt.substring(halfBuilt.indexOf("question_text")),
        Step.JOB_CREATED.marker(),
        Step.MIGRATION_APPLIED.marker(),
        Step.SCHEMA_VERIFIED.marker(),
        Step.DEPLOYMENTS_SCALED.marker(),
        Step.READY.marker());

    String failedUpgrade = section(narration, "== 3.", "== still running");
    assertThat(failedUpgrade).contains("MigrationFailed");

    assertThat(passwords).as("the demo's Secrets hold the databases' passwords").isNotEmpty();
    for (String password : passwords) {
      assertThat(narration).as("a password is printed").doesNotContain(password);
    }
  }

  @Test
  void fileOptionRunsTheObjectsOfAGivenDirectory() {
    Path prosaas = Path.of(System.getProperty("schemagate.repoRoot"), "examples", "prosaas");

    int exit =
        new CommandLine(new Demo()).execute("--file", prosaas.toString(), "--scenario", "install");

    assertThat(exit).isZero();
  }

  /** A Fabric8 watch (over WebSocket) through the kubeconfig sees a change. */
  private static void assertWatchDelivers(KubernetesClient client) throws InterruptedException {
    BlockingQueue<String> seen = new ArrayBlockingQueue<>(100);
    var appds = client.resources(AppDeployment.class).inNamespace("demo-install");
    try (Watch watch =
        appds.watch(
            new Watcher<>() {
              @Override
              public void eventReceived(Action action, AppDeployment resource) {
                seen.offer(action + " " + resource.getMetadata().getName());
              }

              @Override
              public void onClose(WatcherException cause) {}
            })) {
      appds
          .withName("prosaas")
          .edit(
              a -> {
                a.getMetadata().getAnnotations().put("demo-test/watched", "yes");
                return a;
              });
      // The mock server first replays what exists as ADDED, then sends the change.
      List<String> events = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!events.contains("MODIFIED prosaas") && System.nanoTime() < deadline) {
        String event = seen.poll(1, TimeUnit.SECONDS);
        if (event != null) {
          events.add(event);
        }
      }
      assertThat(events).contains("MODIFIED prosaas");
    }
  }

  /**
   * The requests kubectl get appd -A -w sends, sent by hand: what {@link KeepRunning#KUBECTL_NOTE}
   * says works does, and what it says does not, does not (update the note when this changes).
   */
  private static void assertWhatKubectlWouldGet(URI server) throws Exception {
    // HTTP/1.1 as kubectl speaks it over plain HTTP (Java's default would ask for an h2c upgrade).
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThat(kind(http, server, "/api"))
        .as("discovery of the core group: kubectl wants APIVersions")
        .isNotEqualTo("APIVersions");
    assertThat(kind(http, server, "/apis"))
        .as("discovery of the groups: kubectl wants APIGroupList")
        .isNotEqualTo("APIGroupList");
    HttpResponse<String> resources = get(http, server, "/apis/schemagate.dev/v1alpha1");
    assertThat(resources.statusCode()).isEqualTo(200);
    assertThat(resources.body()).contains("\"APIResourceList\"").contains("\"appdeployments\"");
    HttpResponse<String> list =
        get(http, server, "/apis/schemagate.dev/v1alpha1/appdeployments?limit=500");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("\"AppDeployment\"").contains("\"demo-install\"");
    HttpResponse<String> watch =
        get(
            http,
            server,
            "/apis/schemagate.dev/v1alpha1/appdeployments?watch=true&allowWatchBookmarks=true");
    assertThat(watch.statusCode()).as("kubectl's plain-HTTP watch").isEqualTo(400);
  }

  private static String kind(HttpClient http, URI server, String path) throws Exception {
    HttpResponse<String> response = get(http, server, path);
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body()).path("kind").asText();
  }

  private static HttpResponse<String> get(HttpClient http, URI server, String path)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(server.resolve(path))
            .header("Accept", "application/json")
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The passwords in the URLs the demo's Secrets hold. */
  private static Set<String> passwordsOf(KubernetesClient client) {
    Set<String> passwords = new HashSet<>();
    for (Secret secret : client.secrets().inAnyNamespace().list().getItems()) {
      List<String> values = new ArrayList<>();
      if (secret.getStringData() != null) {
        values.addAll(secret.getStringData().values());
      }
      if (secret.getData() != null) {
        secret
            .getData()
            .values()
            .forEach(
                v -> values.add(new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      }
      for (String value : values) {
        String userInfo = userInfo(value);
        if (userInfo != null && userInfo.indexOf(':') >= 0) {
          String password = userInfo.substring(userInfo.indexOf(':') + 1);
          if (!password.isEmpty()) {
            passwords.add(password);
          }
        }
      }
    }
    return passwords;
  }

  private static String userInfo(String value) {
    try {
      return URI.create(value.strip()).getUserInfo();
    } catch (IllegalArgumentException notAUrl) {
      return null;
    }
  }

  private static String section(String narration, String from, String to) {
    int start = narration.indexOf(from);
    int end = narration.indexOf(to, start);
    assertThat(start).as("section " + from).isNotNegative();
    assertThat(end).as("section " + to).isGreaterThan(start);
    return narration.substring(start, end);
  }

  private static void assertInOrder(String text, String... markers) {
    int at = 0;
    for (String marker : markers) {
      int next = text.indexOf(marker, at);
      assertThat(next).as("%s after position %d in:%n%s", marker, at, text).isNotNegative();
      at = next + marker.length();
    }
  }

  private static String lineOf(String text, String marker) {
    return text.lines().filter(l -> l.contains(marker)).findFirst().orElse("");
  }
}
