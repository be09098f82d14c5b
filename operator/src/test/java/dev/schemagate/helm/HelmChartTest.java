package dev.schemagate.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Crd;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.testing.ShopApp;
import dev.schemagate.workload.ComponentDeployments;
import dev.schemagate.workload.MigrationJobs;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart, rendered and linted by helm's own code, read back as Kubernetes objects. */
class HelmChartTest {

  private static final String IMAGE = "ghcr.io/schemagate/schemagate:0.1.0";

  @Test
  void lintsCleanInStrictMode() {
    LintResult lint = new Helm(Chart.dir()).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void shipsTheCommittedCrdUnchanged() throws IOException {
    assertThat(Files.readString(Chart.dir().resolve("crds").resolve(Crd.FILE_NAME)))
        .isEqualTo(Files.readString(Crd.committed()));
  }

  @Test
  void appVersionIsTheProjectVersionAndTheOperatorsDefaultImage() throws IOException {
    String project = System.getProperty("schemagate.version", "").replace("-SNAPSHOT", "");
    Map<?, ?> chart = Crd.YAML.readValue(Chart.dir().resolve("Chart.yaml").toFile(), Map.class);
    assertThat(project).isNotEmpty();
    assertThat(chart.get("appVersion")).isEqualTo(project);
    assertThat(chart.get("version")).isEqualTo(project);
    assertThat(OperatorSettings.DEFAULT_IMAGE).endsWith(":" + project);
  }

  @Test
  void defaultsWatchAllNamespacesWithOneReplicaAndNoLease() {
    Chart.Rendered chart = Chart.render(Map.of());
    Deployment deployment = chart.one(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    // One replica without an election must never overlap with its successor.
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    Container operator = operatorContainer(deployment);
    assertThat(operator.getImage()).isEqualTo(IMAGE);
    assertThat(operator.getArgs()).containsExactly("operator");
    assertThat(env(operator))
        .containsEntry("SCHEMAGATE_WATCH_NAMESPACES", "")
        .containsEntry("SCHEMAGATE_LEADER_ELECTION", "false")
        .containsEntry("SCHEMAGATE_IMAGE", IMAGE)
        .containsEntry("SCHEMAGATE_LOG_FORMAT", "json")
        .containsEntry("SCHEMAGATE_RECONCILE_THREADS", "10")
        .containsEntry("SCHEMAGATE_STUCK_POD_GRACE", "PT5M")
        .containsEntry("SCHEMAGATE_JOBS_TO_KEEP", "3")
        .containsEntry("SCHEMAGATE_HEALTH_PORT", "8081");
    assertThat(operatorClusterRoles(chart)).hasSize(1);
    assertThat(chart.all(Role.class)).isEmpty();
    assertThat(chart.one(ServiceAccount.class).getMetadata().getNamespace())
        .isEqualTo(Chart.NAMESPACE);
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(chart.one(ServiceAccount.class).getMetadata().getName());
  }

  @Test
  void probesUseTheHealthEndpointsAndTheMetricsServiceTargetsTheSamePort() {
    Chart.Rendered chart = Chart.render(Map.of());
    Container operator = operatorContainer(chart.one(Deployment.class));
    assertThat(operator.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8081);
            });
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    Service metrics = chart.one(Service.class);
    assertThat(metrics.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
    assertThat(metrics.getSpec().getSelector())
        .isEqualTo(chart.one(Deployment.class).getSpec().getSelector().getMatchLabels());
    assertThat(chart.yaml()).doesNotContain("ServiceMonitor");
  }

  @Test
  void theOperatorPodMeetsTheRestrictedPodSecurityStandard() {
    PodSpec pod = Chart.render(Map.of()).one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(RestrictedProfile.violations(pod)).isEmpty();
    Container operator = pod.getContainers().get(0);
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(operator.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void userSecurityValuesAddToTheBaselineButCannotRemoveIt() {
    PodSpec pod =
        Chart.render(
                Map.of(
                    "podSecurityContext", Map.of("runAsUser", 20000),
                    "securityContext", Map.of("runAsGroup", 20000)))
            .one(Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(20000L);
    assertThat(pod.getContainers().get(0).getSecurityContext().getRunAsGroup()).isEqualTo(20000L);
    assertThat(RestrictedProfile.violations(pod)).isEmpty();
  }

  @Test
  void whatTheOperatorCreatesInUsersNamespacesIsRestrictedToo() {
    AppDeployment app = shop();
    PodSpec flywayJob =
        MigrationJobs.build(app, "shop-migrate-1", "abc", "", IMAGE)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(RestrictedProfile.violations(flywayJob)).isEmpty();

    PodSpec component =
        ComponentDeployments.build(app, app.getSpec().getComponents().get(0), "abc", 1, IMAGE)
            .getSpec()
            .getTemplate()
            .getSpec();
    // The application's own containers are the user's business; the gate schemagate adds is not.
    assertThat(component.getInitContainers())
        .extracting(Container::getName)
        .contains("schema-gate");
    assertThat(RestrictedProfile.violations(component, component.getInitContainers())).isEmpty();
  }

  @Test
  void theCheckerItselfCatchesAnUnrestrictedPod() {
    PodSpec pod = Chart.render(Map.of()).one(Deployment.class).getSpec().getTemplate().getSpec();
    pod.getContainers().get(0).getSecurityContext().setAllowPrivilegeEscalation(null);
    pod.getContainers().get(0).getSecurityContext().getCapabilities().setDrop(List.of());
    pod.setSecurityContext(null);
    pod.getContainers().get(0).getSecurityContext().setSeccompProfile(null);
    pod.setHostNetwork(true);
    assertThat(RestrictedProfile.violations(pod))
        .contains(
            "host namespaces",
            "container operator: allowPrivilegeEscalation must be false",
            "container operator: capabilities must drop ALL",
            "container operator: seccompProfile must be RuntimeDefault or Localhost");
  }

  @Test
  void clusterRbacGrantsOnlyWhatTheOperatorUses() {
    ClusterRole role = operatorClusterRoles(Chart.render(Map.of())).get(0);
    for (PolicyRule rule : role.getRules()) {
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
    }
    assertThat(verbs(role.getRules(), "", "secrets")).containsExactly("get");
    assertThat(verbs(role.getRules(), "", "configmaps")).containsExactly("get");
    assertThat(verbs(role.getRules(), "", "events")).containsExactlyInAnyOrder("create", "patch");
    // patch: schemagate's finalizer only, while a migration Job runs (FinalizerOnlyPolicyTest)
    assertThat(verbs(role.getRules(), "schemagate.dev", "appdeployments"))
        .containsExactlyInAnyOrder("list", "watch", "patch");
    assertThat(verbs(role.getRules(), "schemagate.dev", "appdeployments/status"))
        .containsExactly("update");
    assertThat(verbs(role.getRules(), "coordination.k8s.io", "leases")).isEmpty();
  }

  @Test
  void namespacedModeHasARoleInEachWatchedNamespaceAndNoClusterRole() {
    Chart.Rendered chart = Chart.render(Map.of("watchNamespaces", List.of("team-a", "team-b")));
    assertThat(operatorClusterRoles(chart)).isEmpty();
    assertThat(chart.all(Role.class))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(chart.all(RoleBinding.class))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    ClusterRole cluster = operatorClusterRoles(Chart.render(Map.of())).get(0);
    assertThat(chart.all(Role.class))
        .allSatisfy(r -> assertThat(r.getRules()).isEqualTo(cluster.getRules()));
    assertThat(env(operatorContainer(chart.one(Deployment.class))))
        .containsEntry("SCHEMAGATE_WATCH_NAMESPACES", "team-a,team-b");
  }

  @Test
  void twoReplicasElectALeaderWithALeaseRoleInTheReleaseNamespaceOnly() {
    Chart.Rendered chart = Chart.render(Map.of("replicaCount", 2));
    Deployment deployment = chart.one(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getStrategy()).isNull();
    Container operator = operatorContainer(deployment);
    assertThat(env(operator)).containsEntry("SCHEMAGATE_LEADER_ELECTION", "true");
    assertThat(operator.getEnv())
        .filteredOn(e -> e.getName().equals("SCHEMAGATE_LEASE_NAMESPACE"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("metadata.namespace"));
    Role lease = chart.one(Role.class);
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(lease.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
              assertThat(r.getResources()).containsExactly("leases");
              // patch: how the client renews and takes over the Lease (403 without it, seen on a
              // real node: the leader never renewed, no standby could ever take over).
              assertThat(r.getVerbs())
                  .containsExactlyInAnyOrder("get", "create", "update", "patch");
            });
  }

  @Test
  void settingsReachTheOperatorAsEnvironment() {
    Chart.Rendered chart =
        Chart.render(
            Map.of(
                "operator",
                Map.of(
                    "reconcileThreads", 4,
                    "stuckPodGrace", "PT90S",
                    "jobsToKeep", 5,
                    "jobImage", "registry.example.com/schemagate:patched",
                    "logFormat", "text"),
                "image",
                Map.of(
                    "repository",
                    "registry.example.com/schemagate",
                    "tag",
                    "0.1.0-r1",
                    "pullPolicy",
                    "Always")));
    Container operator = operatorContainer(chart.one(Deployment.class));
    assertThat(operator.getImage()).isEqualTo("registry.example.com/schemagate:0.1.0-r1");
    assertThat(env(operator))
        .containsEntry("SCHEMAGATE_RECONCILE_THREADS", "4")
        .containsEntry("SCHEMAGATE_STUCK_POD_GRACE", "PT90S")
        .containsEntry("SCHEMAGATE_JOBS_TO_KEEP", "5")
        .containsEntry("SCHEMAGATE_IMAGE", "registry.example.com/schemagate:patched")
        .containsEntry("SCHEMAGATE_LOG_FORMAT", "text");
  }

  @Test
  void aServiceMonitorOnRequest() {
    String yaml =
        Chart.renderYaml(
            Map.of(
                "metrics", Map.of("serviceMonitor", Map.of("enabled", true, "interval", "15s"))));
    assertThat(yaml).contains("kind: ServiceMonitor", "port: http-metrics", "interval: 15s");
  }

  static Stream<Arguments> invalidValues() {
    return Stream.of(
        Arguments.of(Map.of("replicaCount", 0), "/replicaCount", "minimum: got 0, want 1"),
        Arguments.of(
            Map.of("operator", Map.of("logFormat", "xml")),
            "/operator/logFormat",
            "value must be one of 'json', 'text'"),
        Arguments.of(
            Map.of("operator", Map.of("stuckPodGrace", "5 minutes")),
            "/operator/stuckPodGrace",
            "does not match pattern"),
        Arguments.of(
            Map.of("watchNamespaces", List.of("Team_A")), "/watchNamespaces/0", "does not match"),
        Arguments.of(Map.of("replicas", 2), "", "additional properties 'replicas' not allowed"),
        Arguments.of(
            Map.of("image", Map.of("repository", "x", "pullPolicy", "Sometimes")),
            "/image/pullPolicy",
            "value must be one of"),
        Arguments.of(
            Map.of("operator", Map.of("jobsToKeep", "three")),
            "/operator/jobsToKeep",
            "got string, want integer"));
  }

  @ParameterizedTest
  @MethodSource("invalidValues")
  void invalidValuesAreRefusedNamingTheField(Map<String, ?> values, String field, String why) {
    assertThatThrownBy(() -> Chart.render(values))
        .hasMessageContaining("at '" + field + "'")
        .hasMessageContaining(why);
  }

  @Test
  void twoReplicasWithoutAnElectionAreRefused() {
    assertThatThrownBy(
            () ->
                Chart.render(Map.of("replicaCount", 2, "leaderElection", Map.of("enabled", false))))
        .hasMessageContaining("replicaCount > 1 needs leaderElection.enabled");
  }

  private static AppDeployment shop() {
    AppDeployment app =
        Chart.SERIALIZATION.unmarshal(
            new ByteArrayInputStream(
                ShopApp.APP
                    .replace(
                        "migration: {command: [migrate]}",
                        "migration: {flyway: {configMapRef: {name: shop-sql}}}")
                    .getBytes(StandardCharsets.UTF_8)),
            AppDeployment.class);
    app.getMetadata().setNamespace("shop");
    app.getMetadata().setUid("uid-1");
    return app;
  }

  private static Container operatorContainer(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, String> env(Container container) {
    Map<String, String> values = new java.util.LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      if (e.getValue() != null) {
        values.put(e.getName(), e.getValue());
      } else if (e.getValueFrom() == null) {
        values.put(e.getName(), "");
      }
    }
    return values;
  }

  private static List<String> verbs(List<PolicyRule> rules, String group, String resource) {
    return rules.stream()
        .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .flatMap(r -> r.getVerbs().stream())
        .toList();
  }

  /** The operator's own ClusterRole(s): not those that aggregate into the cluster's roles. */
  private static List<ClusterRole> operatorClusterRoles(Chart.Rendered chart) {
    return chart.all(ClusterRole.class).stream()
        .filter(
            r ->
                r.getMetadata().getLabels().keySet().stream()
                    .noneMatch(l -> l.startsWith("rbac.authorization.k8s.io/aggregate-to-")))
        .toList();
  }

  @Test
  void appDeploymentsAggregateIntoTheClustersViewAndEditRoles() {
    List<ClusterRole> aggregated =
        Chart.render(Map.of()).all(ClusterRole.class).stream()
            .filter(r -> !operatorClusterRoles(Chart.render(Map.of())).contains(r))
            .toList();
    ClusterRole view =
        aggregated.stream()
            .filter(r -> r.getMetadata().getName().endsWith("-view"))
            .findFirst()
            .orElseThrow();
    ClusterRole edit =
        aggregated.stream()
            .filter(r -> r.getMetadata().getName().endsWith("-edit"))
            .findFirst()
            .orElseThrow();
    assertThat(view.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true");
    assertThat(verbs(view.getRules(), "schemagate.dev", "appdeployments"))
        .containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(edit.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
    assertThat(verbs(edit.getRules(), "schemagate.dev", "appdeployments"))
        .contains("create", "update", "delete");
    assertThat(verbs(edit.getRules(), "schemagate.dev", "appdeployments/status")).isEmpty();
    assertThat(
            operatorClusterRoles(
                Chart.render(Map.of("rbac", Map.of("aggregateToDefaultRoles", false)))))
        .hasSize(1);
    assertThat(
            Chart.render(Map.of("rbac", Map.of("aggregateToDefaultRoles", false)))
                .all(ClusterRole.class))
        .hasSize(1);
  }

  @Test
  void anEgressPolicyOnRequest() {
    assertThat(
            Chart.render(Map.of())
                .all(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class))
        .isEmpty();
    var policy =
        Chart.render(
                Map.of(
                    "networkPolicy",
                    Map.of(
                        "enabled",
                        true,
                        "apiServer",
                        Map.of("cidrs", List.of("10.0.0.1/32"), "port", 6443),
                        "egress",
                        List.of(
                            Map.of(
                                "to",
                                List.of(Map.of("ipBlock", Map.of("cidr", "10.20.0.0/16"))),
                                "ports",
                                List.of(Map.of("port", 5432)))))))
            .one(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Egress");
    assertThat(policy.getSpec().getEgress()).hasSize(3);
    assertThat(policy.getSpec().getEgress().get(1).getTo().get(0).getIpBlock().getCidr())
        .isEqualTo("10.0.0.1/32");
    assertThat(policy.getSpec().getEgress().get(2).getTo().get(0).getIpBlock().getCidr())
        .isEqualTo("10.20.0.0/16");
  }

  @Test
  void thePodPolicyReachesTheOperator() {
    Container operator =
        operatorContainer(
            Chart.render(Map.of("operator", Map.of("podPolicyAllow", List.of("probe-hosts"))))
                .one(Deployment.class));
    assertThat(env(operator)).containsEntry("SCHEMAGATE_POD_POLICY_ALLOW", "probe-hosts");
  }
}
