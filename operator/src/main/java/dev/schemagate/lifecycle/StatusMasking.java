package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.masking.Masker;
import io.fabric8.kubernetes.api.model.Condition;

/** Passes every free-text field of a status through the masker before it is written. */
final class StatusMasking {

  private StatusMasking() {}

  static void mask(AppDeploymentStatus status, Masker masker) {
    if (status.getMigration() != null) {
      status.getMigration().setMessage(masker.maskText(status.getMigration().getMessage()));
      status.getMigration().setLogTail(masker.maskText(status.getMigration().getLogTail()));
    }
    if (status.getSchema() != null) {
      status.getSchema().setMessage(masker.maskText(status.getSchema().getMessage()));
    }
    if (status.getHistory() != null) {
      status.getHistory().forEach(h -> h.setMessage(masker.maskText(h.getMessage())));
    }
    if (status.getComponents() != null) {
      status.getComponents().forEach(c -> c.setMessage(masker.maskText(c.getMessage())));
    }
    if (status.getConditions() != null) {
      for (Condition condition : status.getConditions()) {
        condition.setMessage(masker.maskText(condition.getMessage()));
      }
    }
  }
}
