package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.MigrationStatus;
import dev.schemagate.api.RevisionRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract phase ({@code spec.migration.contract}): a Job of the wanted revision run once it is
 * rolled out and no pod of another revision is left, exactly once per revision. Its Job is followed
 * like the migration's (the planner's); what is due, and what status and history remember of it, is
 * here. Pure: the planner asks.
 */
final class ContractPhase {

  private ContractPhase() {}

  static boolean configured(AppDeploymentSpec spec) {
    return spec.getMigration() != null && spec.getMigration().getContract() != null;
  }

  /**
   * The wanted revision's contract phase as status says it, or a new one: Pending, or Succeeded
   * when status.history remembers it done and its Job was cleaned up (exactly once).
   */
  static MigrationStatus ofWantedRevision(AppDeploymentStatus status, Observed o) {
    MigrationStatus recorded = status.getContract();
    if (recorded != null && o.revision().equals(recorded.getRevision())) {
      return recorded;
    }
    MigrationStatus contract = new MigrationStatus();
    contract.setRevision(o.revision());
    contract.setJobName(
        LifecyclePlanner.contractJobName(o.resource().getMetadata().getName(), o.revision()));
    contract.setState(MigrationState.Pending);
    // Exactly once: history remembers a contract phase whose Job was cleaned up.
    RevisionRecord done = LifecyclePlanner.succeededMigration(status, o.revision());
    if (done != null
        && MigrationState.Succeeded.name().equals(done.getContract())
        && o.currentContractJob() == null) {
      contract.setState(MigrationState.Succeeded);
      contract.setFinishedAt(done.getContractFinishedAt());
      contract.setRetryToken(o.retryToken());
    }
    return contract;
  }

  /** The revision's history entry remembers its contract phase's outcome. */
  static void record(AppDeploymentStatus status, String revision, MigrationStatus contract) {
    RevisionRecord entry = LifecyclePlanner.succeededMigration(status, revision);
    if (entry != null) {
      entry.setContract(contract.getState().name());
      entry.setContractFinishedAt(contract.getFinishedAt());
    }
  }

  /** Components with a pod of another revision, as "api (R1)": the pods, not the Deployment. */
  static List<String> olderPods(AppDeploymentSpec spec, Observed o) {
    List<String> older = new ArrayList<>();
    for (ComponentSpec component : spec.getComponents()) {
      DeploymentView view = o.deployments().get(component.getName());
      if (view == null) {
        continue;
      }
      List<String> others =
          view.podRevisions().stream().filter(r -> !o.revision().equals(r)).toList();
      if (!others.isEmpty()) {
        older.add(component.getName() + " (" + String.join(", ", others) + ")");
      }
    }
    return older;
  }
}
