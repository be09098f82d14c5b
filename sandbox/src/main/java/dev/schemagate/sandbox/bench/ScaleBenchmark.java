package dev.schemagate.sandbox.bench;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import dev.schemagate.cli.LogFormat;
import dev.schemagate.cli.Logging;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.metrics.LifecycleMetrics;
import dev.schemagate.runtime.LeaderElection;
import dev.schemagate.runtime.Leadership;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.sandbox.Databases;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scale: N AppDeployments applied at once, one real PostgreSQL database and one Redis shared by
 * all, and the real operator in this JVM; on the mock API server with the kubelet simulator, or on
 * a real control plane (etcd, kube-apiserver, kube-controller-manager) with a pod simulator per
 * namespace. Prints the time until all are Ready, where the CPU went meanwhile, heap and RSS idle
 * and with N, the operator's API requests to reach Ready and once steady, and the CPU time per
 * steady-state reconcile.
 */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description =
        "Applies N AppDeployments at once and measures time to Ready, memory, API requests and"
            + " reconcile cost.")
public final class ScaleBenchmark implements Callable<Integer> {

  private static final String RECONCILE_THREAD = "ReconcilerExecutor-";

  /** Where the benchmark's objects live. */
  enum ApiServer {
    mock,
    real
  }

  @Option(
      names = "--api-server",
      defaultValue = "mock",
      description =
          "mock: the Fabric8 mock API server in this JVM (one event-loop thread, no controllers;"
              + " kubelet simulators play the Job and Deployment controllers). real: etcd,"
              + " kube-apiserver and kube-controller-manager as child processes (binaries from"
              + " scripts/kube-binaries.sh or $SCHEMAGATE_KUBE_BIN), one pod simulator per"
              + " namespace as the kubelet. Default: ${DEFAULT-VALUE}.")
  ApiServer apiServer;

  @Option(
      names = "--controller-manager-flags",
      split = ",",
      defaultValue = RealScaleCluster.DEFAULT_CONTROLLER_MANAGER_FLAGS,
      description =
          "Real API server only: extra kube-controller-manager flags, comma-separated (empty for"
              + " none). The defaults lift its client rate limit (QPS 20, burst 30) and its 5"
              + " concurrent syncs per controller. Default: ${DEFAULT-VALUE}.")
  List<String> controllerManagerFlags;

  @Option(
      names = "--api-server-flags",
      split = ",",
      description =
          "Real API server only: extra kube-apiserver flags, comma-separated, e.g."
              + " --max-requests-inflight=800. Default: none.")
  List<String> apiServerFlags = new ArrayList<>();

  @Option(
      names = "--apps",
      defaultValue = "1000",
      description = "AppDeployments. Default: ${DEFAULT-VALUE}.")
  int apps;

  @Option(
      names = "--namespaces",
      defaultValue = "20",
      description = "Namespaces they are spread over. Default: ${DEFAULT-VALUE}.")
  int namespaces;

  @Option(
      names = "--simulators",
      defaultValue = "4",
      description =
          "Mock API server only: kubelet simulators (one worker thread each), the namespaces"
              + " split among them; a real API server gets one pod simulator per namespace."
              + " Default: ${DEFAULT-VALUE}.")
  int simulators;

  @Option(
      names = "--reconcile-threads",
      description = "The operator's reconcile threads. Default: the operator's default.")
  Integer reconcileThreads;

  @Option(
      names = "--steady-seconds",
      defaultValue = "60",
      description = "Length of the steady-state window. Default: ${DEFAULT-VALUE}.")
  int steadySeconds;

  @Option(
      names = "--timeout-seconds",
      defaultValue = "600",
      description = "Give up waiting for Ready after this. Default: ${DEFAULT-VALUE}.")
  int timeoutSeconds;

  private final Map<String, Phase> phases = new ConcurrentHashMap<>();
  private final Set<Long> reconcileThreadIds = ConcurrentHashMap.newKeySet();
  private volatile boolean sampling = true;

  public static void main(String[] args) {
    Harness.main(new ScaleBenchmark(), args);
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(LogFormat.text, "ERROR");
    try (ScaleCluster cluster = startCluster();
        Databases databases = Databases.start()) {
      KubernetesClient client = cluster.client();
      String database = databases.createDatabase();
      databases.migrate(database, "/demo/migrate.sql");
      List<String> names = new ArrayList<>();
      for (int i = 0; i < namespaces; i++) {
        names.add("scale-" + i);
        cluster.namespace(names.get(i), databases.url(database), databases.redisUrl());
      }
      cluster.startKubelets(names);
      SharedIndexInformer<AppDeployment> watch =
          client.resources(AppDeployment.class).inAnyNamespace().inform(phaseTracker());
      Thread sampler = new Thread(this::sampleReconcileThreads, "reconcile-thread-sampler");
      sampler.setDaemon(true);
      sampler.start();
      Thread.sleep(2000);
      double heapBase = ProcessMemory.heapAfterGcMiB();
      double rssBase = ProcessMemory.rssMiB();

      RequestCounter counter = cluster.requests();
      KubernetesClient operatorClient = cluster.newOperatorClient();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      LifecycleMetrics metrics = new LifecycleMetrics(registry);
      OperatorSettings settings = operatorSettings();
      Operator operator =
          SchemagateOperator.create(
              operatorClient,
              settings,
              new LiveDependencyChecks(metrics),
              metrics,
              LeaderElection.disabled(),
              Leadership.always());
      operator.start();
      Thread.sleep(3000);
      RequestCounter.Counts startup = counter.snapshot();
      double heapIdle = ProcessMemory.heapAfterGcMiB();
      double rssIdle = ProcessMemory.rssMiB();

      Map<String, ProcessHandle> processes = new LinkedHashMap<>(cluster.processes());
      processes.putAll(databaseProcesses(databases, database));
      cluster.report(); // from here on
      CpuUse cpuBefore = cpu(cluster, processes);
      long reconcilesBefore = reconcileCount(registry);
      double reconcileWallBefore = reconcileWallMillis(registry);
      long started = System.nanoTime();
      applyAll(client, names);
      long applied = System.nanoTime();
      boolean allReady = waitForReady(started);
      long ready = System.nanoTime();
      CpuUse cpuToReady = cpu(cluster, processes).minus(cpuBefore);
      long reconcilesToReady = reconcileCount(registry) - reconcilesBefore;
      double reconcileWallToReady = reconcileWallMillis(registry) - reconcileWallBefore;
      List<String> clusterToReady = cluster.report();
      RequestCounter.Counts toReady = counter.snapshot().minus(startup);

      Thread.sleep(10_000); // let the last events settle before the steady window
      RequestCounter.Counts steadyStart = counter.snapshot();
      Thread.sleep(steadySeconds * 1000L);
      RequestCounter.Counts steady = counter.snapshot().minus(steadyStart);
      double heapN = ProcessMemory.heapAfterGcMiB();
      double rssN = ProcessMemory.rssMiB();

      ReconcileCost cost = reconcileCost(client, registry, counter);

      sampling = false;
      Logging.configure(LogFormat.text, "OFF");
      operator.stop();
      operator = null;
      operatorClient.close();
      Thread.sleep(1000);
      double heapNoOperator = ProcessMemory.heapAfterGcMiB();
      watch.close();

      System.out.printf(
          "scale: %d AppDeployments in %d namespaces, one PostgreSQL database and one Redis"
              + " shared by all, %d cores, max heap %.0f MiB%n",
          apps,
          namespaces,
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() / 1048576.0);
      cluster.settings().forEach(line -> System.out.println("  " + line));
      System.out.printf(
          "  applied in %.1f s; all Ready: %s after %.1f s (from the first create)%n",
          (applied - started) / 1e9,
          allReady ? "yes" : "NO (" + phaseCounts() + ")",
          (ready - started) / 1e9);
      System.out.println("  " + cpuToReady.describe((ready - started) / 1e6));
      clusterToReady.forEach(line -> System.out.println("  " + line));
      System.out.printf(
          "  reconciles while reaching Ready: %d, wall %.1f ms mean (JOSDK timer), CPU %.1f ms"
              + " mean; the %d reconcile threads busy %.0f %% of the time%n",
          reconcilesToReady,
          reconcileWallToReady / Math.max(1, reconcilesToReady),
          cpuToReady.reconcile() / Math.max(1, reconcilesToReady),
          settings.reconcileThreads(),
          100 * reconcileWallToReady / (settings.reconcileThreads() * (ready - started) / 1e6));
      System.out.printf(
          "  heap after GC MiB: harness without operator %.1f | operator idle %.1f (+%.1f) |"
              + " with %d Ready %.1f | same objects, operator stopped %.1f => operator at %d:"
              + " %.1f%n",
          heapBase,
          heapIdle,
          heapIdle - heapBase,
          apps,
          heapN,
          heapNoOperator,
          apps,
          heapN - heapNoOperator);
      System.out.printf(
          "  process RSS MiB: harness without operator %.0f | operator idle %.0f | with %d Ready"
              + " %.0f%n",
          rssBase, rssIdle, apps, rssN);
      System.out.printf(
          "  operator requests at start-up: %d (%s)%n", startup.total(), startup.byKind());
      System.out.printf(
          "  operator requests to Ready: %d reads + %d writes = %.2f per AppDeployment"
              + " (%.2f reads, %.2f writes)%n    %s%n",
          toReady.reads(),
          toReady.writes(),
          toReady.total() / (double) apps,
          toReady.reads() / (double) apps,
          toReady.writes() / (double) apps,
          toReady.byKind());
      System.out.printf(
          "  steady state, %d s window: %.1f reads/min, %.1f writes/min %s%n",
          steadySeconds,
          steady.reads() * 60.0 / steadySeconds,
          steady.writes() * 60.0 / steadySeconds,
          steady.byKind());
      System.out.printf(
          "  steady-state reconcile (each Deployment touched once): %d reconciles, CPU %.2f ms"
              + " per reconcile on the reconcile threads, wall %.2f ms mean (JOSDK timer);"
              + " requests per reconcile %.2f reads, %.2f writes %s%n",
          cost.reconciles,
          cost.cpuMillis / Math.max(1, cost.reconciles),
          cost.wallMillis / Math.max(1, cost.reconciles),
          cost.requests.reads() / (double) Math.max(1, cost.reconciles),
          cost.requests.writes() / (double) Math.max(1, cost.reconciles),
          cost.requests.byKind());
      return allReady ? 0 : 1;
    }
  }

  private OperatorSettings operatorSettings() {
    OperatorSettings defaults = OperatorSettings.defaults();
    if (reconcileThreads == null) {
      return defaults;
    }
    return new OperatorSettings(
        defaults.namespaces(),
        reconcileThreads,
        defaults.operatorImage(),
        defaults.stuckPodGrace(),
        defaults.jobsToKeep());
  }

  private ScaleCluster startCluster() {
    if (apiServer == ApiServer.real) {
      return new RealScaleCluster(nonBlank(apiServerFlags), nonBlank(controllerManagerFlags));
    }
    return new MockScaleCluster(simulators);
  }

  private static List<String> nonBlank(List<String> flags) {
    return flags.stream().map(String::strip).filter(f -> !f.isEmpty()).toList();
  }

  /** The PostgreSQL server (found through a connection's backend, whose parent it is), Redis. */
  private static Map<String, ProcessHandle> databaseProcesses(Databases databases, String db)
      throws SQLException {
    Map<String, ProcessHandle> processes = new LinkedHashMap<>();
    try (Connection c = databases.connect(db);
        Statement s = c.createStatement();
        ResultSet backend = s.executeQuery("SELECT pg_backend_pid()")) {
      backend.next();
      ProcessHandle.of(backend.getLong(1))
          .flatMap(ProcessHandle::parent)
          .ifPresent(p -> processes.put("PostgreSQL", p));
    }
    ProcessHandle.current()
        .children()
        .filter(p -> p.info().command().orElse("").contains("redis-server"))
        .findFirst()
        .ifPresent(p -> processes.put("Redis", p));
    return processes;
  }

  private CpuUse cpu(ScaleCluster cluster, Map<String, ProcessHandle> processes) {
    Map<String, Double> processCpu = new LinkedHashMap<>();
    processes.forEach((name, process) -> processCpu.put(name, CpuTimes.ofProcessTree(process)));
    return new CpuUse(
        processCpu,
        cluster.cpuMillis(),
        reconcileCpuMillis(),
        CpuTimes.ofProcess(ProcessHandle.current()),
        CpuTimes.threads(),
        Map.of(),
        CpuTimes.machineBusy());
  }

  private ResourceEventHandler<AppDeployment> phaseTracker() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(AppDeployment app) {
        onUpdate(null, app);
      }

      @Override
      public void onUpdate(AppDeployment old, AppDeployment app) {
        Phase phase = app.getStatus() == null ? null : app.getStatus().getPhase();
        String key = app.getMetadata().getNamespace() + "/" + app.getMetadata().getName();
        if (phase == null) {
          phases.remove(key);
        } else {
          phases.put(key, phase);
        }
      }

      @Override
      public void onDelete(AppDeployment app, boolean unknown) {}
    };
  }

  private void applyAll(KubernetesClient client, List<String> names) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> creates = new ArrayList<>();
      for (int i = 0; i < apps; i++) {
        AppDeployment app = BenchApps.app("app-" + i, names.get(i % namespaces), true);
        creates.add(pool.submit(() -> client.resource(app).create()));
      }
      for (Future<?> create : creates) {
        create.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private boolean waitForReady(long started) throws InterruptedException {
    long deadline = started + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (phases.values().stream().filter(p -> p == Phase.Ready).count() >= apps) {
        return true;
      }
      if (System.nanoTime() > nextProgress) {
        System.err.printf("  ... %.0f s: %s%n", (System.nanoTime() - started) / 1e9, phaseCounts());
        nextProgress += TimeUnit.SECONDS.toNanos(30);
      }
      Thread.sleep(20);
    }
    return false;
  }

  private String phaseCounts() {
    Map<Phase, Long> counts = new java.util.TreeMap<>();
    phases.values().forEach(p -> counts.merge(p, 1L, Long::sum));
    return counts.toString();
  }

  /** JOSDK renames its pool threads while they reconcile: note which threads those are. */
  private void sampleReconcileThreads() {
    while (sampling) {
      for (Thread thread : CpuTimes.allThreads()) {
        if (thread.getName().startsWith(RECONCILE_THREAD)) {
          reconcileThreadIds.add(thread.getId());
        }
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private record ReconcileCost(
      long reconciles, double cpuMillis, double wallMillis, RequestCounter.Counts requests) {}

  /**
   * Touches every component Deployment once (an annotation nothing reads): each touch is an
   * informer event and one reconcile that finds nothing to do.
   */
  private ReconcileCost reconcileCost(
      KubernetesClient client, SimpleMeterRegistry registry, RequestCounter counter)
      throws InterruptedException {
    List<Deployment> deployments =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel(Labels.MANAGED_BY, Labels.MANAGER)
            .list()
            .getItems();
    RequestCounter.Counts before = counter.snapshot();
    long countBefore = reconcileCount(registry);
    double wallBefore = reconcileWallMillis(registry);
    double cpuBefore = reconcileCpuMillis();
    for (Deployment d : deployments) {
      client
          .apps()
          .deployments()
          .inNamespace(d.getMetadata().getNamespace())
          .withName(d.getMetadata().getName())
          .edit(
              e -> {
                e.getMetadata()
                    .getAnnotations()
                    .put("bench.schemagate.dev/touched", Long.toString(System.nanoTime()));
                return e;
              });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    long last = -1;
    while (System.nanoTime() < deadline) {
      long now = reconcileCount(registry);
      if (now - countBefore >= deployments.size() && now == last) {
        break;
      }
      last = now;
      Thread.sleep(1000);
    }
    return new ReconcileCost(
        reconcileCount(registry) - countBefore,
        reconcileCpuMillis() - cpuBefore,
        reconcileWallMillis(registry) - wallBefore,
        counter.snapshot().minus(before));
  }

  private double reconcileCpuMillis() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long id : reconcileThreadIds) {
      long cpu = threads.getThreadCpuTime(id);
      if (cpu > 0) {
        total += cpu;
      }
    }
    return total / 1e6;
  }

  private static List<Timer> reconcileTimers(SimpleMeterRegistry registry) {
    List<Timer> timers = new ArrayList<>();
    for (Meter meter : registry.getMeters()) {
      if (meter instanceof Timer timer
          && meter.getId().getName().startsWith("operator.sdk.controllers.execution.reconcile")) {
        timers.add(timer);
      }
    }
    return timers;
  }

  private static long reconcileCount(SimpleMeterRegistry registry) {
    return reconcileTimers(registry).stream().mapToLong(Timer::count).sum();
  }

  private static double reconcileWallMillis(SimpleMeterRegistry registry) {
    return reconcileTimers(registry).stream()
        .mapToDouble(t -> t.totalTime(TimeUnit.MILLISECONDS))
        .sum();
  }
}
