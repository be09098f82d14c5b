package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@link DeletionGuard#FINALIZER} on an AppDeployment or takes it off: a JSON Patch of {@code
 * /metadata/finalizers} alone, so that nothing else of the object is written - not a spec field a
 * newer CRD has and this operator does not know (a whole-object update would drop it) - and the
 * admission guard lets it through. The patch carries the resourceVersion it was made from, so a
 * resource read from a stale cache is refused (409) rather than patched. Only while this replica
 * leads.
 */
final class MigrationFinalizer {

  private static final Logger log = LoggerFactory.getLogger(MigrationFinalizer.class);

  /** 422: a {@code test} operation of the patch failed (the list changed meanwhile). */
  private static final int UNPROCESSABLE = 422;

  private final KubernetesClient client;
  private final BooleanSupplier leading;

  MigrationFinalizer(KubernetesClient client, BooleanSupplier leading) {
    this.client = client;
    this.leading = leading;
  }

  /**
   * The resource with the finalizer present or absent as {@code wanted}: {@code resource} itself
   * when it already is (or this replica does not lead), else the API server's answer to the patch.
   *
   * @return null when the patch was refused as stale, or the resource is gone: decide again on
   *     fresh data
   */
  AppDeployment ensure(AppDeployment resource, boolean wanted) {
    boolean present = resource.hasFinalizer(DeletionGuard.FINALIZER);
    if (present == wanted || !leading.getAsBoolean()) {
      return resource;
    }
    try {
      AppDeployment patched =
          client
              .resource(resource)
              .patch(PatchContext.of(PatchType.JSON), patch(resource.getMetadata(), wanted));
      log.debug(
          wanted
              ? "Finalizer {} added: a migration Job runs"
              : "Finalizer {} removed: no migration Job runs",
          DeletionGuard.FINALIZER);
      return patched;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT
          && e.getCode() != HttpURLConnection.HTTP_NOT_FOUND
          && e.getCode() != UNPROCESSABLE) {
        throw e;
      }
      log.debug("Finalizer patch refused as stale; reconciling again on fresh data");
      return null;
    }
  }

  /**
   * The JSON Patch: the resourceVersion it was made from (the API server refuses it with 409 when
   * the object has changed since), then the finalizer added at the end of the list, or removed at
   * the index where it was seen (and tested to be there).
   */
  private String patch(ObjectMeta metadata, boolean add) {
    List<Map<String, Object>> operations = new ArrayList<>();
    operations.add(
        Map.of(
            "op",
            "replace",
            "path",
            "/metadata/resourceVersion",
            "value",
            metadata.getResourceVersion()));
    List<String> finalizers =
        metadata.getFinalizers() == null ? List.of() : metadata.getFinalizers();
    if (add) {
      operations.add(
          finalizers.isEmpty()
              ? Map.of(
                  "op",
                  "add",
                  "path",
                  "/metadata/finalizers",
                  "value",
                  List.of(DeletionGuard.FINALIZER))
              : Map.of(
                  "op", "add", "path", "/metadata/finalizers/-", "value", DeletionGuard.FINALIZER));
    } else {
      String at = "/metadata/finalizers/" + finalizers.indexOf(DeletionGuard.FINALIZER);
      operations.add(Map.of("op", "test", "path", at, "value", DeletionGuard.FINALIZER));
      operations.add(Map.of("op", "remove", "path", at));
    }
    return client.getKubernetesSerialization().asJson(operations);
  }
}
