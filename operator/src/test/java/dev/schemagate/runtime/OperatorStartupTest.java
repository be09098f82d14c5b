package dev.schemagate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.api.Phase;
import dev.schemagate.lifecycle.Conditions;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.testing.LifecycleHarness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator starts against an API server, reports health, and writes a first status. */
@EnableKubernetesMockClient(crud = true)
class OperatorStartupTest {

  static KubernetesClient client;

  private Operator operator;
  private HealthServer health;

  @BeforeEach
  void start() throws IOException {
    // The mock server honours the status subresource only once the CRD exists in it.
    LifecycleHarness.installCrd(client);
    operator =
        SchemagateOperator.create(client, OperatorSettings.defaults(), new LiveDependencyChecks());
    health =
        HealthServer.start(
            0, operator.getRuntimeInfo(), Leadership.always(), PrometheusMetrics.registry());
  }

  @AfterEach
  void stop() {
    health.close();
    operator.stop();
  }

  private HttpResponse<String> request(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private int get(String path) throws Exception {
    return request(path).statusCode();
  }

  private String body(String path) throws Exception {
    return request(path).body();
  }

  @Test
  void healthEndpointsFollowTheOperatorsState() throws Exception {
    assertThat(get("/healthz")).isEqualTo(503);
    assertThat(get("/readyz")).isEqualTo(503);
    operator.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(body("/readyz")).isEqualTo("ok\n"));
    assertThat(get("/healthz")).isEqualTo(200);
  }

  @Test
  void aNewAppDeploymentGetsReadyFalseAndObservedGenerationAtOnce() {
    // Its database Secret does not exist: the status must say so, naming the field.
    operator.start();
    AppDeployment created =
        client
            .resources(AppDeployment.class)
            .load(
                new ByteArrayInputStream(
                    InvalidAppDeployments.VALID.getBytes(StandardCharsets.UTF_8)))
            .create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              AppDeployment current = client.resource(created).get();
              assertThat(current.getStatus()).isNotNull();
              assertThat(current.getStatus().getObservedGeneration())
                  .isEqualTo(current.getMetadata().getGeneration());
              assertThat(current.getStatus().getPhase()).isEqualTo(Phase.Failed);
              Condition ready = Conditions.find(current.getStatus().getConditions(), "Ready");
              assertThat(ready.getStatus()).isEqualTo("False");
              Condition stalled = Conditions.find(current.getStatus().getConditions(), "Stalled");
              assertThat(stalled.getStatus()).isEqualTo("True");
              assertThat(stalled.getMessage()).contains("spec.database.urlSecretRef", "shop-db");
            });
  }
}
