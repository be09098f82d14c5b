package dev.schemagate.testing;

import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/** A user's edit of an AppDeployment, as {@code kubectl edit} makes one. */
public final class UserEdit {

  private UserEdit() {}

  /** Retried on conflict, as kubectl edit would be, since the operator writes status too. */
  public static AppDeployment edit(
      KubernetesClient client, String namespace, String name, Consumer<AppDeployment> change) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(KubernetesClientException.class)
        .until(
            () ->
                client
                    .resources(AppDeployment.class)
                    .inNamespace(namespace)
                    .withName(name)
                    .edit(
                        a -> {
                          change.accept(a);
                          return a;
                        }),
            Objects::nonNull);
  }
}
