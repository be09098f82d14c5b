package dev.schemagate.sandbox.bench;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.sandbox.SandboxCluster;
import dev.schemagate.testkit.ControlPlane;
import dev.schemagate.testkit.KubeletSimulator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/**
 * A real control plane ({@link ControlPlane}: etcd, kube-apiserver and kube-controller-manager as
 * child processes), one {@link KubeletSimulator} per namespace as the kubelet. The operator runs as
 * the chart's ServiceAccount (impersonated), so the API server classifies its requests as a
 * workload's would be; its requests are counted on its own client.
 */
final class RealScaleCluster implements ScaleCluster {

  /**
   * kube-controller-manager's defaults (client QPS 20, burst 30; 5 concurrent syncs per controller)
   * would throttle a thousand Jobs and Deployments at once.
   */
  static final String DEFAULT_CONTROLLER_MANAGER_FLAGS =
      "--kube-api-qps=1000,--kube-api-burst=2000,--concurrent-deployment-syncs=50,"
          + "--concurrent-replicaset-syncs=50,--concurrent-job-syncs=50";

  /** The chart's ServiceAccount (release schemagate in schemagate-system). */
  private static final String NAMESPACE = "schemagate-system";

  private static final String SERVICE_ACCOUNT =
      "system:serviceaccount:" + NAMESPACE + ":schemagate";
  private static final String COMPONENT = "app.kubernetes.io/component";
  private static final Duration JOB_RUN_TIME = Duration.ofMillis(50);
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

  private final List<String> apiServerFlags;
  private final List<String> controllerManagerFlags;
  private final ControlPlane plane;
  private final KubernetesClient kubeletClient;
  private final RequestCounter requests = RequestCounter.clientSide();
  private final List<KubeletSimulator> kubelets = new CopyOnWriteArrayList<>();
  private final Thread backlogSampler;
  private volatile boolean sampling = true;
  private volatile int peakBacklog;
  private Map<String, FlowControl.Level> lastFlowControl = Map.of();

  RealScaleCluster(List<String> apiServerFlags, List<String> controllerManagerFlags) {
    this.apiServerFlags = List.copyOf(apiServerFlags);
    this.controllerManagerFlags = List.copyOf(controllerManagerFlags);
    this.plane =
        ControlPlane.builder()
            .controllerManager(true)
            .apiServerFlags(apiServerFlags.toArray(String[]::new))
            .controllerManagerFlags(controllerManagerFlags.toArray(String[]::new))
            .start();
    try {
      installCrd();
      grantOperator();
    } catch (RuntimeException e) {
      plane.close();
      throw e;
    }
    this.kubeletClient = plane.newClient(ControlPlane.ADMIN_USER);
    this.backlogSampler = new Thread(this::sampleBacklog, "kubelet-simulator-backlog-sampler");
    backlogSampler.setDaemon(true);
    backlogSampler.start();
  }

  private void installCrd() {
    KubernetesClient admin = plane.adminClient();
    try (InputStream in = SandboxCluster.class.getResourceAsStream(SandboxCluster.CRD_RESOURCE)) {
      admin
          .resource(
              admin.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
          .create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Established does not yet mean every handler serves the endpoint: wait for a list.
    Awaitility.await("AppDeployment CRD served")
        .atMost(SETUP_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> admin.resources(AppDeployment.class).inAnyNamespace().list() != null);
  }

  /** The operator's ServiceAccount may do anything (its RBAC is not what is measured here). */
  private void grantOperator() {
    plane
        .adminClient()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("schemagate-bench")
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName("cluster-admin")
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("schemagate")
                .withNamespace(NAMESPACE)
                .endSubject()
                .build())
        .create();
    try (KubernetesClient operator = impersonatingOperator()) {
      Awaitility.await("the operator's ClusterRoleBinding in effect")
          .atMost(SETUP_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> operator.batch().v1().jobs().inAnyNamespace().list() != null);
    }
  }

  private KubernetesClient impersonatingOperator() {
    return plane.newImpersonatingClient(
        SERVICE_ACCOUNT,
        "system:serviceaccounts",
        "system:serviceaccounts:" + NAMESPACE,
        "system:authenticated");
  }

  @Override
  public KubernetesClient client() {
    return plane.adminClient();
  }

  @Override
  public void namespace(String name, String databaseUrl, String redisUrl) {
    plane.createNamespace(name); // waits for the ServiceAccount Pods need
    BenchApps.secret(plane.adminClient(), name, databaseUrl, redisUrl);
  }

  /** One simulator per namespace, on a client of their own. */
  @Override
  public void startKubelets(List<String> namespaces) {
    for (String namespace : namespaces) {
      kubelets.add(
          KubeletSimulator.pods(kubeletClient, namespace)
              .runFor(JOB_RUN_TIME)
              .start(
                  pod ->
                      "migration".equals(pod.getMetadata().getLabels().get(COMPONENT))
                          ? KubeletSimulator.PodOutcome.SUCCEEDED
                          : KubeletSimulator.PodOutcome.RUNNING_READY));
    }
  }

  /** {@link SchemagateOperator#newClient}'s configuration, plus the request counter. */
  @Override
  public KubernetesClient newOperatorClient() {
    try (KubernetesClient impersonating = impersonatingOperator();
        KubernetesClient operator = SchemagateOperator.newClient(impersonating)) {
      return new KubernetesClientBuilder()
          .withConfig(operator.getConfiguration())
          .withHttpClientBuilderConsumer(
              http -> http.addOrReplaceInterceptor("bench-request-counter", requests.interceptor()))
          .build();
    }
  }

  @Override
  public RequestCounter requests() {
    return requests;
  }

  @Override
  public Map<String, ProcessHandle> processes() {
    return plane.processes();
  }

  @Override
  public Map<String, Double> cpuMillis() {
    return Map.of("pod simulator threads", CpuTimes.ofThreads(KubeletSimulator.THREAD_PREFIX));
  }

  @Override
  public List<String> settings() {
    return List.of(
        "API server: real control plane, Kubernetes "
            + plane.adminClient().getKubernetesVersion().getGitVersion()
            + " (etcd, kube-apiserver, kube-controller-manager as child processes)",
        "kube-apiserver extra flags: "
            + flags(apiServerFlags)
            + " (defaults: --max-requests-inflight=400, --max-mutating-requests-inflight=200,"
            + " priority and fairness on)",
        "kube-controller-manager extra flags: "
            + flags(controllerManagerFlags)
            + " (defaults: --kube-api-qps=20, --kube-api-burst=30, 5 concurrent syncs)",
        "kubelet: one KubeletSimulator per namespace (one thread each), migration Pods Succeeded after "
            + JOB_RUN_TIME.toMillis()
            + " ms, component Pods Running and Ready",
        "operator: as ServiceAccount "
            + NAMESPACE
            + "/schemagate (impersonated, bound to cluster-admin), requests counted on its"
            + " client");
  }

  private static String flags(List<String> flags) {
    return flags.isEmpty() ? "none" : String.join(" ", flags);
  }

  /** API Priority and Fairness per level and the simulators' peak backlog, since the last call. */
  @Override
  public List<String> report() {
    Map<String, FlowControl.Level> now = flowControl();
    List<String> lines = new ArrayList<>();
    lines.add(
        "kube-apiserver priority and fairness: "
            + FlowControl.describe(FlowControl.since(lastFlowControl, now)));
    lines.add(
        "kubelet (KubeletSimulators): peak backlog "
            + peakBacklog
            + " status writes queued (sampled every 100 ms), "
            + kubelets.stream().mapToInt(k -> k.errors().size()).sum()
            + " write errors");
    lastFlowControl = now;
    peakBacklog = 0;
    return lines;
  }

  private Map<String, FlowControl.Level> flowControl() {
    ControlPlane.Response metrics = plane.request(ControlPlane.ADMIN_USER, "GET", "/metrics", null);
    if (metrics.status() != 200) {
      throw new IllegalStateException("GET /metrics: " + metrics.status() + " " + metrics.body());
    }
    return FlowControl.parse(metrics.body());
  }

  private void sampleBacklog() {
    while (sampling) {
      int backlog = kubelets.stream().mapToInt(KubeletSimulator::backlog).sum();
      peakBacklog = Math.max(peakBacklog, backlog);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    sampling = false;
    backlogSampler.interrupt();
    kubelets.forEach(KubeletSimulator::close);
    requests.close();
    kubeletClient.close();
    plane.close();
  }
}
