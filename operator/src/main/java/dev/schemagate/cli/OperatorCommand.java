package dev.schemagate.cli;

import dev.schemagate.runtime.LeaderElection;
import dev.schemagate.runtime.OperatorProcess;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.workload.PodPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

// Only settings here: the operator's wiring (JOSDK, Fabric8, Micrometer) lives in OperatorProcess,
// so that loading this class for the CLI (the schema gate starts the same jar) loads none of it.
/** Runs the controller until the process is stopped. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the AppDeployment controller. The Kubernetes connection is configured the standard way:"
          + " in-cluster service account, else KUBECONFIG or ~/.kube/config."
    })
final class OperatorCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;

  @Option(
      names = "--namespaces",
      split = ",",
      defaultValue = "${env:SCHEMAGATE_WATCH_NAMESPACES:-}",
      description =
          "Comma-separated namespaces to watch; empty watches all namespaces."
              + " Env: SCHEMAGATE_WATCH_NAMESPACES.")
  List<String> namespaces;

  @Option(
      names = "--reconcile-threads",
      defaultValue = "${env:SCHEMAGATE_RECONCILE_THREADS:-10}",
      description =
          "AppDeployments reconciled at once. Env: SCHEMAGATE_RECONCILE_THREADS."
              + " Default: ${DEFAULT-VALUE}.")
  int reconcileThreads;

  @Option(
      names = "--operator-image",
      defaultValue = "${env:SCHEMAGATE_IMAGE:-" + OperatorSettings.DEFAULT_IMAGE + "}",
      description =
          "schemagate's own image, for Flyway migration Jobs and the schema gate."
              + " Env: SCHEMAGATE_IMAGE. Default: ${DEFAULT-VALUE}.")
  String operatorImage;

  @Option(
      names = "--stuck-pod-grace",
      defaultValue = "${env:SCHEMAGATE_STUCK_POD_GRACE:-PT5M}",
      converter = DurationConverter.class,
      description =
          "How long a migration pod may wait on its image or configuration (ImagePullBackOff,"
              + " CreateContainerConfigError) before the migration fails; ISO-8601 (PT5M) or"
              + " seconds. Env: SCHEMAGATE_STUCK_POD_GRACE. Default: ${DEFAULT-VALUE}.")
  Duration stuckPodGrace;

  @Option(
      names = "--jobs-to-keep",
      defaultValue = "${env:SCHEMAGATE_JOBS_TO_KEEP:-3}",
      description =
          "Migration Jobs kept per AppDeployment, newest revisions first, so their logs can be"
              + " read. Env: SCHEMAGATE_JOBS_TO_KEEP. Default: ${DEFAULT-VALUE}.")
  int jobsToKeep;

  @Option(
      names = "--health-port",
      defaultValue = "${env:SCHEMAGATE_HEALTH_PORT:-8081}",
      description =
          "Port of /healthz, /readyz and /metrics (Prometheus); 0 picks a free port."
              + " Env: SCHEMAGATE_HEALTH_PORT. Default: ${DEFAULT-VALUE}.")
  int healthPort;

  @Option(
      names = "--leader-election",
      defaultValue = "${env:SCHEMAGATE_LEADER_ELECTION:-false}",
      fallbackValue = "true",
      arity = "0..1",
      description =
          "Elect a leader through a Lease so that only one replica reconciles; needed when more"
              + " than one replica runs. Env: SCHEMAGATE_LEADER_ELECTION. Default: ${DEFAULT-VALUE}.")
  boolean leaderElection;

  @Option(
      names = "--lease-namespace",
      defaultValue = "${env:SCHEMAGATE_LEASE_NAMESPACE:-}",
      description =
          "Namespace of the leader Lease, the operator's own; empty infers it from the in-cluster"
              + " service account. Env: SCHEMAGATE_LEASE_NAMESPACE.")
  String leaseNamespace;

  @Option(
      names = "--pod-policy-allow",
      split = ",",
      defaultValue = "${env:SCHEMAGATE_POD_POLICY_ALLOW:-}",
      description =
          "Pod settings tenants may use in an AppDeployment's components, refused by default"
              + " (docs/security.md): host-ports (hostPort, hostIP), probe-hosts (httpGet.host,"
              + " tcpSocket.host: the kubelet connects from the node), tolerate-all-taints"
              + " (operator Exists without a key). Env: SCHEMAGATE_POD_POLICY_ALLOW.")
  List<String> podPolicyAllow;

  @Override
  public Integer call() throws Exception {
    logging.apply();
    OperatorSettings settings =
        new OperatorSettings(namespaces, reconcileThreads, operatorImage, stuckPodGrace, jobsToKeep)
            .withPodPolicy(podPolicy(podPolicyAllow));
    LeaderElection election =
        leaderElection
            ? LeaderElection.in(
                leaseNamespace == null || leaseNamespace.isBlank() ? null : leaseNamespace)
            : LeaderElection.disabled();
    OperatorProcess.run(settings, election, healthPort);
    return ExitCodes.OK;
  }

  private static PodPolicy podPolicy(List<String> allow) {
    java.util.Set<PodPolicy.Allowance> allowed = new java.util.HashSet<>();
    for (String flag : allow == null ? List.<String>of() : allow) {
      if (flag.isBlank()) {
        continue;
      }
      try {
        allowed.add(PodPolicy.Allowance.ofFlag(flag));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(new OperatorCommand()),
            "--pod-policy-allow: unknown setting '"
                + flag.trim()
                + "'; one of host-ports, probe-hosts, tolerate-all-taints");
      }
    }
    return new PodPolicy(allowed);
  }
}
