package dev.schemagate.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The scale benchmark's pure parts: parsing /proc and /metrics, counting requests, options. */
class ScaleMeasurementsTest {

  @Test
  void procStatFieldsAreCountedFromTheLastParenthesis() {
    String stat =
        "4242 (C2 Compiler) Thread) S 1 2 3 4 5 6 7 8 9 10 250 40 7 3 20 0 1 0 100 200 300";
    assertThat(CpuTimes.statTicks(stat, false)).isEqualTo(290);
    assertThat(CpuTimes.statTicks(stat, true)).isEqualTo(300);
  }

  @Test
  void machineBusyTimeLeavesOutIdleAndIoWait() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    assertThat(CpuTimes.busyMillis("cpu  100 5 20 9000 300 1 2 3 50 0")).isEqualTo(1310.0);
  }

  @Test
  void threadCpuIsSummedPerPoolBusiestFirst() {
    Map<Long, CpuTimes.ThreadCpu> before =
        Map.of(1L, new CpuTimes.ThreadCpu("worker-1", 100), 2L, new CpuTimes.ThreadCpu("gc", 50));
    Map<Long, CpuTimes.ThreadCpu> after =
        Map.of(
            1L, new CpuTimes.ThreadCpu("worker-1", 300),
            2L, new CpuTimes.ThreadCpu("gc", 60),
            3L, new CpuTimes.ThreadCpu("worker-2", 50));
    assertThat(CpuTimes.byPool(before, after))
        .containsExactly(Map.entry("worker-#", 250.0), Map.entry("gc", 10.0));
  }

  @Test
  void cpuUseIsDiffedAndShowsWhatRanOutsideTheBenchmark() {
    CpuUse before =
        new CpuUse(
            Map.of("etcd", 1000.0),
            Map.of("pod simulator threads", 100.0),
            500,
            2000,
            Map.of(1L, new CpuTimes.ThreadCpu("worker-1", 100)),
            Map.of(),
            10_000);
    CpuUse after =
        new CpuUse(
            Map.of("etcd", 3000.0),
            Map.of("pod simulator threads", 400.0),
            1500,
            6000,
            Map.of(1L, new CpuTimes.ThreadCpu("worker-1", 900)),
            Map.of(),
            20_000);
    CpuUse used = after.minus(before);
    assertThat(used.processes()).containsExactly(Map.entry("etcd", 2000.0));
    assertThat(used.pools()).containsExactly(Map.entry("worker-#", 800.0));
    // 10 s busy of the machine, 2 s etcd, 4 s this JVM: 4 s elsewhere.
    assertThat(used.describe(10_000))
        .contains("etcd 2.0 s, this JVM 4.0 s, in which pod simulator threads 0.3 s")
        .contains("operator reconcile threads 1.0 s")
        .contains("worker-# 0.8 s")
        .contains("machine busy 10.0 s")
        .contains("of that, 4.0 s outside this benchmark's processes");
  }

  @Test
  void flowControlFiguresArePerPriorityLevelAndDiffed() {
    String before =
        """
        # HELP apiserver_flowcontrol_dispatched_requests_total [BETA] Number of requests executed
        apiserver_flowcontrol_dispatched_requests_total{flow_schema="service-accounts",priority_level="workload-low"} 10
        apiserver_flowcontrol_nominal_limit_seats{priority_level="workload-low"} 245
        apiserver_flowcontrol_request_wait_duration_seconds_sum{execute="true",flow_schema="service-accounts",priority_level="workload-low"} 0.5
        apiserver_flowcontrol_dispatched_requests_total{flow_schema="exempt",priority_level="exempt"} 7
        """;
    String after =
        before.replace("workload-low\"} 10", "workload-low\"} 110").replace("} 0.5", "} 2.5")
            + "apiserver_flowcontrol_rejected_requests_total{flow_schema=\"service-accounts\","
            + "priority_level=\"workload-low\",reason=\"queue-full\"} 3\n";
    Map<String, FlowControl.Level> diff =
        FlowControl.since(FlowControl.parse(before), FlowControl.parse(after));
    assertThat(diff).containsOnlyKeys("workload-low");
    assertThat(diff.get("workload-low")).isEqualTo(new FlowControl.Level(100, 2.0, 3, 245));
    assertThat(FlowControl.describe(diff))
        .isEqualTo("workload-low: 100 requests, waited 2.00 s in all, 3 rejected, limit 245 seats");
  }

  @Test
  void requestsAreCountedByVerbAndResource() throws InterruptedException {
    try (RequestCounter counter = RequestCounter.clientSide()) {
      counter.record("GET", "/api/v1/namespaces/a/secrets/app-db");
      counter.record("GET", "/apis/apps/v1/deployments?watch=true&resourceVersion=1");
      counter.record("PUT", "/apis/schemagate.dev/v1alpha1/namespaces/a/appdeployments/x/status");
      counter.record("GET", "/version");
      RequestCounter.Counts counts = counter.snapshot();
      assertThat(counts.byKind())
          .containsExactly(
              Map.entry("get secrets", 1L),
              Map.entry("update appdeployments/status", 1L),
              Map.entry("watch deployments", 1L));
      assertThat(counts.reads()).isEqualTo(2);
      assertThat(counts.writes()).isEqualTo(1);
    }
  }

  @Test
  void controllerManagerFlagsDefaultToLiftingItsRateLimits() {
    ScaleBenchmark scale = new ScaleBenchmark();
    new CommandLine(scale).parseArgs("--api-server=real");
    assertThat(scale.apiServer).isEqualTo(ScaleBenchmark.ApiServer.real);
    assertThat(scale.controllerManagerFlags)
        .contains("--kube-api-qps=1000", "--concurrent-job-syncs=50");
    assertThat(scale.apiServerFlags).isEmpty();

    ScaleBenchmark custom = new ScaleBenchmark();
    new CommandLine(custom)
        .parseArgs("--controller-manager-flags=--kube-api-qps=50,--kube-api-burst=100");
    assertThat(custom.controllerManagerFlags)
        .isEqualTo(List.of("--kube-api-qps=50", "--kube-api-burst=100"));
  }
}
