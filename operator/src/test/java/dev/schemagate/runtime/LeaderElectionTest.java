package dev.schemagate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.api.Phase;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.metrics.LifecycleMetrics;
import dev.schemagate.testing.LifecycleHarness;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two replicas, one Lease: only the leader reconciles; when it stops, the other takes over. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {

  private static final String LEASE_NAMESPACE = "schemagate-system";

  static KubernetesClient client;
  static KubernetesMockServer server;

  private Replica first;
  private Replica second;

  /** One operator process: its own client, metrics and leadership. */
  private static final class Replica {
    final String name;
    final KubernetesClient client;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicBoolean lostWhileRunning = new AtomicBoolean();
    final Leadership leadership = Leadership.elected(() -> lostWhileRunning.set(true));
    final Operator operator;
    boolean stopped;

    Replica(String name, KubernetesClient server) {
      this.name = name;
      this.client = SchemagateOperator.newClient(server);
      LifecycleMetrics metrics = new LifecycleMetrics(registry);
      LeaderElection election =
          LeaderElection.in(LEASE_NAMESPACE)
              .withIdentity(name)
              .withTimings(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(250));
      this.operator =
          SchemagateOperator.create(
              client,
              OperatorSettings.defaults(),
              new LiveDependencyChecks(metrics),
              metrics,
              election,
              leadership);
    }

    /** Reconciles this replica ran, as JOSDK's own metrics count them. */
    long reconciles() {
      return registry.getMeters().stream()
          .filter(
              m -> m.getId().getName().startsWith("operator.sdk.controllers.execution.reconcile"))
          .filter(Timer.class::isInstance)
          .mapToLong(m -> ((Timer) m).count())
          .sum();
    }

    void stop() {
      if (!stopped) {
        stopped = true;
        leadership.stopping();
        operator.stop();
        client.close();
      }
    }
  }

  @BeforeEach
  void start() {
    LifecycleHarness.installCrd(client);
    // JOSDK asks the API server what it may do with Leases before it campaigns; the mock server
    // has no authorizer, so it answers as the chart's Lease Role would.
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update", "patch")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
    first = new Replica("replica-a", client);
    second = new Replica("replica-b", client);
    first.operator.start();
    await().atMost(Duration.ofSeconds(20)).until(first.leadership::isLeading);
    second.operator.start();
  }

  @AfterEach
  void stop() {
    first.stop();
    second.stop();
  }

  private AppDeployment apply(String name) {
    AppDeployment appd =
        client
            .resources(AppDeployment.class)
            .load(
                new ByteArrayInputStream(
                    InvalidAppDeployments.VALID.getBytes(StandardCharsets.UTF_8)))
            .item();
    appd.getMetadata().setName(name);
    appd.getMetadata().setNamespace("apps");
    return client.resource(appd).create();
  }

  private void awaitStatusWritten(String name) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              AppDeployment current =
                  client.resources(AppDeployment.class).inNamespace("apps").withName(name).get();
              // Its Secret does not exist: any reconcile writes Failed, naming the field.
              return current.getStatus() != null && current.getStatus().getPhase() == Phase.Failed;
            });
  }

  /**
   * A leader that stops on purpose gives its Lease up once it no longer reconciles: the standby
   * need not wait for it to expire (JOSDK keeps it; on a real node the takeover took the whole
   * Lease duration and more).
   */
  @Test
  void aLeaderThatStopsReleasesItsLeaseForTheStandby() {
    LeaderElection election = LeaderElection.in(LEASE_NAMESPACE).withIdentity("replica-a");
    first.stop();

    assertThat(LeaseRelease.release(client, election)).isTrue();
    Lease released =
        client
            .leases()
            .inNamespace(LEASE_NAMESPACE)
            .withName(LeaderElection.DEFAULT_LEASE_NAME)
            .get();
    assertThat(released.getSpec().getHolderIdentity()).isNullOrEmpty();

    await().atMost(Duration.ofSeconds(20)).until(second.leadership::isLeading);
    assertThat(LeaseRelease.release(client, election))
        .as("a Lease another replica holds is left alone")
        .isFalse();
    assertThat(
            client
                .leases()
                .inNamespace(LEASE_NAMESPACE)
                .withName(LeaderElection.DEFAULT_LEASE_NAME)
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo("replica-b");
  }

  @Test
  void onlyTheLeaderReconcilesAndTheStandbyTakesOverWhenItStops() {
    Lease lease =
        client
            .leases()
            .inNamespace(LEASE_NAMESPACE)
            .withName(LeaderElection.DEFAULT_LEASE_NAME)
            .get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");
    assertThat(second.leadership.isStandby()).isTrue();
    assertThat(HealthServer.ready(second.operator.getRuntimeInfo(), second.leadership).healthy())
        .as("a standby is ready: it is healthy, only waiting")
        .isTrue();

    apply("before-handover");
    awaitStatusWritten("before-handover");
    // JOSDK times a reconcile once it returned, just after its status write: wait for the count.
    await().atMost(Duration.ofSeconds(5)).until(() -> first.reconciles() > 0);
    assertThat(second.reconciles()).as("the standby never reconciles").isZero();
    assertThat(second.leadership.isLeading()).isFalse();

    first.stop();
    await().atMost(Duration.ofSeconds(20)).until(second.leadership::isLeading);
    apply("after-handover");
    awaitStatusWritten("after-handover");
    await().atMost(Duration.ofSeconds(5)).until(() -> second.reconciles() > 0);
    assertThat(
            client
                .leases()
                .inNamespace(LEASE_NAMESPACE)
                .withName(LeaderElection.DEFAULT_LEASE_NAME)
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo("replica-b");
    // Stopping on purpose is not losing the Lease: no exit requested.
    assertThat(List.of(first.lostWhileRunning.get(), second.lostWhileRunning.get()))
        .containsOnly(false);
  }
}
