package dev.schemagate.node;

import static dev.schemagate.node.Shop.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The operator's pod goes away while a migration runs, as a node drain or an eviction does it: the
 * migration is not run twice (one Job for the revision) and the AppDeployment still becomes Ready.
 * With two replicas, another replica takes the leader Lease once it expired, and nothing runs
 * twice.
 */
@RealNode
@Order(4)
class RealNodeOperatorFailoverIT {

  static final String LEASE = "schemagate-operator";

  /** How often a standby tries to take the Lease (LeaderElection's Kubernetes timings). */
  static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

  /** A migration that runs long enough for the operator to go away in the middle of it. */
  private static final Map<String, String> SLOW_MIGRATION =
      Map.of("V118__slow.sql", "SELECT pg_sleep(8);\n");

  static Node node;
  static KubernetesClient admin;

  @Test
  void theOperatorPodDeletedMidMigrationLeavesOneJob() {
    Shop shop = Shop.create(node, "node-operator-deleted");
    shop.migrations("shop-migrations-slow", SLOW_MIGRATION);
    shop.apply("shop-migrations-slow");
    shop.awaitJob(RealNodeOperatorFailoverIT::running);
    Pod operator = OperatorChart.pods(node).get(0);

    long t0 = System.nanoTime();
    node.kubectl(
            "-n",
            OperatorChart.NAMESPACE,
            "delete",
            "pod",
            operator.getMetadata().getName(),
            "--wait=false")
        .ok();
    Pod replacement =
        Awaitility.await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    OperatorChart.pods(node).stream()
                        .filter(
                            p ->
                                !p.getMetadata().getName().equals(operator.getMetadata().getName()))
                        .filter(Shop::ready)
                        .findFirst()
                        .orElse(null),
                p -> p != null);
    long tOperator = System.nanoTime();
    shop.waitReady();
    long tReady = System.nanoTime();

    List<Job> jobs = shop.jobs();
    assertThat(jobs).as("one migration Job for the one revision").hasSize(1);
    assertThat(jobs.get(0).getStatus().getSucceeded()).isEqualTo(1);
    assertThat(jobs.get(0).getStatus().getFailed()).as("its pod ran once").isNull();
    assertThat(replacement.getMetadata().getName()).isNotEqualTo(operator.getMetadata().getName());
    System.out.printf(
        "%s operator pod deleted mid-migration: new operator pod Ready %.1f s, AppDeployment Ready"
            + " %.1f s after the deletion; %d Job%n",
        RealNodeIT.TIMING, (tOperator - t0) / 1e9, (tReady - t0) / 1e9, jobs.size());
  }

  @Test
  void withTwoReplicasAnotherTakesTheLeaseWithinItsDurationAndRunsNoSecondJob() {
    OperatorChart.scale(node, 2);
    try (LeaseHolders holders = new LeaseHolders()) {
      Lease lease =
          Awaitility.await()
              .atMost(Duration.ofMinutes(1))
              .until(
                  () -> admin.leases().inNamespace(OperatorChart.NAMESPACE).withName(LEASE).get(),
                  l -> l != null && l.getSpec().getHolderIdentity() != null);
      String leader = lease.getSpec().getHolderIdentity();
      Duration leaseDuration = Duration.ofSeconds(lease.getSpec().getLeaseDurationSeconds());
      List<String> pods =
          OperatorChart.pods(node).stream().map(p -> p.getMetadata().getName()).toList();
      assertThat(pods).hasSize(2).contains(leader);

      Shop shop = Shop.create(node, "node-leader-deleted");
      shop.migrations("shop-migrations-slow", SLOW_MIGRATION);
      shop.apply("shop-migrations-slow");
      shop.awaitJob(RealNodeOperatorFailoverIT::running);

      long t0 = System.nanoTime();
      node.kubectl("-n", OperatorChart.NAMESPACE, "delete", "pod", leader, "--wait=false").ok();
      String next =
          Awaitility.await()
              .atMost(leaseDuration.multipliedBy(3))
              .pollInterval(Duration.ofMillis(100))
              .until(holders::latest, h -> h != null && !h.isEmpty() && !h.equals(leader));
      long gap = (System.nanoTime() - t0) / 1_000_000;
      assertThat(holders.all().subList(holders.all().indexOf(leader), holders.all().size()))
          .as("the deleted leader gave the Lease up (an empty holder) before another took it")
          .contains("");
      // The leader gives the Lease up once it has stopped reconciling (an empty holder), and a
      // standby takes it at its next retry. The bound is what a leader that dies without
      // stopping would cost: the Lease's duration plus one retry period (2 s, with up to 20%
      // jitter, and the API calls) after its last renewal: within two retry periods of it.
      assertThat(Duration.ofMillis(gap))
          .as("from the leader's deletion to a new holder of the Lease")
          .isLessThanOrEqualTo(leaseDuration.plus(RETRY_PERIOD.multipliedBy(2)));
      // Whichever replica comes first after the Lease expired takes it: the standby, or the pod
      // the Deployment started in place of the deleted one.
      assertThat(OperatorChart.pods(node).stream().map(p -> p.getMetadata().getName()))
          .as("the new holder is a live replica")
          .contains(next);
      shop.waitReady();

      List<Job> jobs = shop.jobs();
      assertThat(jobs).as("one migration Job for the one revision").hasSize(1);
      assertThat(jobs.get(0).getStatus().getFailed()).as("its pod ran once").isNull();
      assertThat(condition(shop.appd(), "Ready").map(c -> c.getStatus())).contains("True");
      System.out.printf(
          "%s leader's pod deleted: Lease held by %s %d ms later (lease %d s); %d Job%n",
          RealNodeIT.TIMING,
          pods.contains(next) ? "the standby" : "the replacement pod",
          gap,
          leaseDuration.toSeconds(),
          jobs.size());
    } finally {
      OperatorChart.scale(node, 1);
    }
  }

  private static boolean running(Job job) {
    return job.getStatus() != null
        && job.getStatus().getActive() != null
        && job.getStatus().getActive() > 0
        && job.getStatus().getReady() != null
        && job.getStatus().getReady() > 0;
  }

  /** The holders of the operator's Lease, in the order a watch saw them. */
  private static final class LeaseHolders implements AutoCloseable {
    private final List<String> holders = new CopyOnWriteArrayList<>();
    private final Watch watch =
        admin
            .leases()
            .inNamespace(OperatorChart.NAMESPACE)
            .withName(LEASE)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Lease lease) {
                    holders.add(String.valueOf(lease.getSpec().getHolderIdentity()));
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });

    String latest() {
      return holders.isEmpty() ? null : holders.get(holders.size() - 1);
    }

    List<String> all() {
      return List.copyOf(holders);
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
