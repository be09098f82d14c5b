package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Everything the planner decides from, read from informer caches (and one live read where a cache
 * could lie). No I/O happens after this is built, until the plan is carried out.
 *
 * @param resource the AppDeployment as the API server has it
 * @param revision the revision its spec asks for
 * @param retryToken the value of the schemagate.dev/retry annotation ("" when absent)
 * @param jobs every migration Job of this AppDeployment
 * @param contractJobs every contract-phase Job of this AppDeployment
 * @param deployments component name to its Deployment; a component without one is absent
 * @param wantedTemplates component name to the hash of the pod template the wanted revision gives
 *     it: a Deployment with another runs something else
 * @param checksKey what a verification of this spec is made against ({@link Revision#ofChecks})
 * @param configProblem what only the operator can see is wrong (a missing Secret or key), or null
 * @param conflicts objects with the names this AppDeployment's would have that another owner holds
 *     (a Deployment or Service it does not control); empty normally
 * @param now the time of this reconcile
 * @param services component name to its Service as observed and as the spec wants it, for every
 *     component that asks for one; a Service the informer cache does not hold counts as missing
 */
public record Observed(
    AppDeployment resource,
    String revision,
    String retryToken,
    List<JobView> jobs,
    List<JobView> contractJobs,
    Map<String, DeploymentView> deployments,
    Map<String, String> wantedTemplates,
    String checksKey,
    String configProblem,
    List<String> conflicts,
    Instant now,
    Map<String, ServiceView> services) {

  /** The newest Job of the wanted revision, or null. */
  public JobView currentJob() {
    return newestOfWantedRevision(jobs);
  }

  /** The newest contract-phase Job of the wanted revision, or null. */
  public JobView currentContractJob() {
    return newestOfWantedRevision(contractJobs);
  }

  private JobView newestOfWantedRevision(List<JobView> jobs) {
    return jobs.stream()
        .filter(j -> revision.equals(j.revision()))
        .max(
            Comparator.comparing(
                JobView::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())))
        .orElse(null);
  }
}
