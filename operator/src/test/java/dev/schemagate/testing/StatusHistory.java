package dev.schemagate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every version of the AppDeployments of a namespace, as a watch delivered them - what Flux and
 * Argo CD would have seen - judged by their real engines ({@link HealthJudges}): kstatus and the
 * Argo CD health check.
 */
public final class StatusHistory implements AutoCloseable {

  /** One version of an AppDeployment and when it arrived. */
  public record Seen(Instant at, AppDeployment appd, String json) {
    long generation() {
      return appd.getMetadata().getGeneration() == null ? 0 : appd.getMetadata().getGeneration();
    }
  }

  private final KubernetesClient client;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final SharedIndexInformer<AppDeployment> informer;

  private StatusHistory(KubernetesClient client, String namespace) {
    this.client = client;
    this.informer =
        client
            .resources(AppDeployment.class)
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(AppDeployment obj) {
                    record(obj);
                  }

                  @Override
                  public void onUpdate(AppDeployment oldObj, AppDeployment newObj) {
                    record(newObj);
                  }

                  @Override
                  public void onDelete(AppDeployment obj, boolean deletedFinalStateUnknown) {}
                });
  }

  public static StatusHistory watch(KubernetesClient client, String namespace) {
    return new StatusHistory(client, namespace);
  }

  private void record(AppDeployment appd) {
    seen.add(new Seen(Instant.now(), appd, client.getKubernetesSerialization().asJson(appd)));
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /**
   * Neither Flux (kstatus) nor Argo CD took any version of generation {@code fromGeneration} or
   * later, seen before {@code until}, for done: the new revision was not available then.
   *
   * @return how many versions were judged, so that a test can tell it judged some
   */
  public int assertNeitherSaidDone(long fromGeneration, Instant until) {
    int judged = 0;
    for (Seen version : seen) {
      if (version.generation() < fromGeneration || !version.at().isBefore(until)) {
        continue;
      }
      judged++;
      String what = version.appd().getStatus() == null ? "no status" : version.json();
      assertThat(HealthJudges.kstatus(version.json()).status())
          .as("kstatus of %s", what)
          .isNotEqualTo("Current");
      assertThat(HealthJudges.argoCd(version.json()).status())
          .as("Argo CD health of %s", what)
          .isNotEqualTo("Healthy");
    }
    return judged;
  }

  /** Both say done for the AppDeployment as it is now. */
  public static void assertBothSayDone(KubernetesClient client, AppDeployment current) {
    String json = client.getKubernetesSerialization().asJson(current);
    assertThat(HealthJudges.kstatus(json).status()).as("kstatus of %s", json).isEqualTo("Current");
    assertThat(HealthJudges.argoCd(json).status()).as("Argo CD of %s", json).isEqualTo("Healthy");
  }

  @Override
  public void close() {
    informer.close();
  }
}
