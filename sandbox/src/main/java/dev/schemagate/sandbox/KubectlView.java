package dev.schemagate.sandbox;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Prints AppDeployments the way {@code kubectl get appd} and {@code kubectl describe} do. */
final class KubectlView {

  private KubectlView() {}

  /** The printer columns of the CRD: NAME PHASE VERIFIED MIGRATION SCHEMA READY AVAILABLE AGE. */
  static String get(List<AppDeployment> items, Instant now) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "NAME", "PHASE", "VERIFIED", "MIGRATION", "SCHEMA", "READY", "AVAILABLE", "AGE"
        });
    for (AppDeployment item : items) {
      AppDeploymentStatus status =
          Objects.requireNonNullElseGet(item.getStatus(), AppDeploymentStatus::new);
      Condition schema = condition(status, "SchemaVerified");
      Condition available = condition(status, "Available");
      rows.add(
          new String[] {
            item.getMetadata().getName(),
            text(status.getPhase()),
            text(status.getVerifiedRevision()),
            text(status.getMigration() == null ? null : status.getMigration().getState()),
            text(schema == null ? null : schema.getReason()),
            text(status.getReady()),
            text(available == null ? null : available.getStatus()),
            age(item.getMetadata().getCreationTimestamp(), now)
          });
    }
    return table(rows);
  }

  private static Condition condition(AppDeploymentStatus status, String type) {
    return status.getConditions() == null
        ? null
        : status.getConditions().stream()
            .filter(c -> type.equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  /** The status part of {@code kubectl describe appd} that explains a state. */
  static String describe(AppDeployment item) {
    AppDeploymentStatus status = item.getStatus();
    StringBuilder out = new StringBuilder();
    out.append("Status:\n  Phase:              ").append(text(status.getPhase())).append('\n');
    out.append("  Revision:           ").append(text(status.getRevision())).append('\n');
    out.append("  Verified Revision:  ").append(text(status.getVerifiedRevision())).append('\n');
    if (status.getMigration() != null) {
      out.append("  Migration:          ")
          .append(text(status.getMigration().getJobName()))
          .append(" ")
          .append(text(status.getMigration().getState()));
      if (status.getMigration().getReason() != null) {
        out.append(" (").append(status.getMigration().getReason()).append(")");
      }
      out.append('\n');
    }
    if (status.getContract() != null) {
      out.append("  Contract:           ")
          .append(text(status.getContract().getJobName()))
          .append(" ")
          .append(text(status.getContract().getState()));
      if (status.getContract().getReason() != null) {
        out.append(" (").append(status.getContract().getReason()).append(")");
      }
      out.append('\n');
    }
    if (status.getSchema() != null) {
      out.append("  Schema:             ")
          .append(text(status.getSchema().getMessage()))
          .append('\n');
    }
    if (status.getComponents() != null) {
      status
          .getComponents()
          .forEach(
              c ->
                  out.append("  Component ")
                      .append(c.getName())
                      .append(": ")
                      .append(text(c.getImage()))
                      .append(", ")
                      .append(text(c.getReadyReplicas()))
                      .append("/")
                      .append(text(c.getReplicas()))
                      .append(" ready\n"));
    }
    return out + history(status) + conditions(item);
  }

  /** status.history: each revision's outcome, and readyAt for those that can be rolled back to. */
  private static String history(AppDeploymentStatus status) {
    if (status.getHistory() == null || status.getHistory().isEmpty()) {
      return "";
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"  Revision", "Image", "Outcome", "Contract", "Ready At"});
    rows.add(new String[] {"  --------", "-----", "-------", "--------", "--------"});
    status
        .getHistory()
        .forEach(
            h ->
                rows.add(
                    new String[] {
                      "  " + text(h.getRevision()),
                      text(h.getImage()),
                      text(h.getOutcome()),
                      text(h.getContract()),
                      text(h.getReadyAt())
                    }));
    return "History:\n" + table(rows);
  }

  /** The Conditions part of {@code kubectl describe appd}. */
  static String conditions(AppDeployment item) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"  Type", "Status", "Reason", "Message"});
    rows.add(new String[] {"  ----", "------", "------", "-------"});
    for (Condition c : item.getStatus().getConditions()) {
      rows.add(new String[] {"  " + c.getType(), c.getStatus(), c.getReason(), c.getMessage()});
    }
    return "Conditions:\n" + table(rows);
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  private static String age(String created, Instant now) {
    if (created == null) {
      return "<unknown>";
    }
    long seconds = Duration.between(Instant.parse(created), now).getSeconds();
    return seconds < 120 ? seconds + "s" : (seconds / 60) + "m";
  }

  private static String table(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        out.append(i == columns - 1 ? row[i] : String.format("%-" + (widths[i] + 3) + "s", row[i]));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
