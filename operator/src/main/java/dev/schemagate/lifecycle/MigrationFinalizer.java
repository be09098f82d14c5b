package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@link DeletionGuard#FINALIZER} on an AppDeployment or takes it off: an update of its
 * metadata with optimistic locking, so that a resource read from a stale cache is refused (409)
 * rather than written, and never a change to its spec (the admission guard refuses one). Only while
 * this replica leads.
 */
final class MigrationFinalizer {

  private static final Logger log = LoggerFactory.getLogger(MigrationFinalizer.class);

  private final KubernetesClient client;
  private final BooleanSupplier leading;

  MigrationFinalizer(KubernetesClient client, BooleanSupplier leading) {
    this.client = client;
    this.leading = leading;
  }

  /**
   * The resource with the finalizer present or absent as {@code wanted}: {@code resource} itself
   * when it already is (or this replica does not lead), else the API server's answer to the update.
   *
   * @return null when the update was refused as stale, or the resource is gone: decide again on
   *     fresh data
   */
  AppDeployment ensure(AppDeployment resource, boolean wanted) {
    boolean present = resource.hasFinalizer(DeletionGuard.FINALIZER);
    if (present == wanted || !leading.getAsBoolean()) {
      return resource;
    }
    AppDeployment copy = client.getKubernetesSerialization().clone(resource);
    List<String> finalizers =
        new ArrayList<>(
            copy.getMetadata().getFinalizers() == null
                ? List.of()
                : copy.getMetadata().getFinalizers());
    if (wanted) {
      finalizers.add(DeletionGuard.FINALIZER);
    } else {
      finalizers.remove(DeletionGuard.FINALIZER);
    }
    copy.getMetadata().setFinalizers(finalizers);
    try {
      AppDeployment updated = client.resource(copy).update();
      log.debug(
          wanted
              ? "Finalizer {} added: a migration Job runs"
              : "Finalizer {} removed: no migration Job runs",
          DeletionGuard.FINALIZER);
      return updated;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT
          && e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      log.debug("Finalizer update refused as stale; reconciling again on fresh data");
      return null;
    }
  }
}
