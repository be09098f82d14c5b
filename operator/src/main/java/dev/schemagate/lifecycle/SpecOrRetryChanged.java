package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.workload.Labels;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of an AppDeployment start a reconcile: a new generation (the spec changed), a new
 * value of the retry annotation (which changes no generation), or deletion. Status updates - the
 * operator's own above all - start none, so a write never triggers the next check early.
 */
public final class SpecOrRetryChanged implements OnUpdateFilter<AppDeployment> {

  @Override
  public boolean accept(AppDeployment updated, AppDeployment previous) {
    return !Objects.equals(
            updated.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
        || !Objects.equals(retry(updated), retry(previous))
        || !Objects.equals(
            updated.getMetadata().getDeletionTimestamp(),
            previous.getMetadata().getDeletionTimestamp());
  }

  private static String retry(AppDeployment resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Labels.RETRY);
  }
}
