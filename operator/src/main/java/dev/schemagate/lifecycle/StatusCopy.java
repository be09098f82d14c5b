package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeploymentStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** A deep copy of a status, so the planner never changes the cached resource it was given. */
final class StatusCopy {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private StatusCopy() {}

  static AppDeploymentStatus of(AppDeploymentStatus status) {
    if (status == null) {
      return new AppDeploymentStatus();
    }
    return SERIALIZATION.clone(status);
  }
}
