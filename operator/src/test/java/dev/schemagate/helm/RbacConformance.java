package dev.schemagate.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.testkit.ApiRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Every request the operator sent must be allowed by the chart's RBAC, in cluster mode and in
 * namespaced mode (watching the namespaces the requests went to); every permission the chart grants
 * must have been used, except the few listed here with the reason a test run does not use them.
 */
public final class RbacConformance {

  /** Granted, and needed, but not exercised by every test run. */
  static final Map<String, String> USED_OUTSIDE_THESE_TESTS =
      Map.of(
          "patch core/events",
          "reserved for aggregating repeated Events (the recorder creates today)");

  private RbacConformance() {}

  /** Asserts conformance; returns the report of unused grants for the build log. */
  public static String check(Collection<ApiRequest> requests) {
    assertThat(requests).as("requests recorded from the operator").isNotEmpty();
    List<String> namespaces =
        requests.stream()
            .map(ApiRequest::namespace)
            .filter(Objects::nonNull)
            .distinct()
            .sorted()
            .toList();
    Rbac cluster = Chart.render(Map.of()).rbac();
    Rbac namespaced = Chart.render(Map.of("watchNamespaces", namespaces)).rbac();
    assertThat(cluster.denied(requests))
        .as("requests the cluster-mode chart does not allow")
        .isEmpty();
    assertThat(namespaced.denied(requests))
        .as("requests the namespaced-mode chart does not allow")
        .isEmpty();
    TreeSet<String> unused = new TreeSet<>();
    for (String grant : cluster.unused(requests)) {
      unused.add(grant.substring(grant.indexOf(": ") + 2));
    }
    List<String> unexplained = new ArrayList<>(unused);
    unexplained.removeAll(USED_OUTSIDE_THESE_TESTS.keySet());
    assertThat(unexplained)
        .as("granted but never used: remove from the chart, or explain")
        .isEmpty();
    return "RBAC conformance: "
        + requests.size()
        + " requests, "
        + new TreeSet<>(requests.stream().map(r -> r.verb() + " " + r.ruleResource()).toList())
        + "; granted but unused here: "
        + unused;
  }
}
