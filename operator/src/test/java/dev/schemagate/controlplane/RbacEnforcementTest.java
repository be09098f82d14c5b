package dev.schemagate.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.schemagate.testkit.ControlPlane;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real API server authorizes with RBAC: a token user can do nothing until bound to a role. */
@RealKubernetes
class RbacEnforcementTest {

  private static final String NAMESPACE = "rbac-test";

  static ControlPlane plane;
  static KubernetesClient admin;

  @BeforeAll
  static void namespace() {
    plane.createNamespace(NAMESPACE);
  }

  @Test
  void theOperatorUserIsForbiddenUntilARoleBindingGrantsAccess() {
    String pods = "/api/v1/namespaces/" + NAMESPACE + "/pods";
    ControlPlane.Response forbidden = plane.request(ControlPlane.OPERATOR_USER, "GET", pods, null);
    assertThat(forbidden.status()).as(forbidden.body()).isEqualTo(403);
    assertThat(forbidden.body())
        .contains(
            "User \\\"" + ControlPlane.OPERATOR_USER + "\\\" cannot list resource \\\"pods\\\"");

    try (KubernetesClient operator = plane.newClient(ControlPlane.OPERATOR_USER)) {
      assertThatThrownBy(() -> operator.pods().inNamespace(NAMESPACE).list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

      admin
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName("pod-reader")
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .addNewRule()
                  .withApiGroups("")
                  .withResources("pods")
                  .withVerbs("get", "list", "watch")
                  .endRule()
                  .build())
          .create();
      admin
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName("operators-read-pods")
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "Role", "pod-reader")
                  .addNewSubject()
                  .withKind("Group")
                  .withApiGroup("rbac.authorization.k8s.io")
                  .withName(ControlPlane.OPERATORS_GROUP)
                  .endSubject()
                  .build())
          .create();

      // The authorizer reads RBAC objects through an informer: allow it a moment.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> plane.request(ControlPlane.OPERATOR_USER, "GET", pods, null).status() == 200);
      assertThat(operator.pods().inNamespace(NAMESPACE).list().getItems()).isEmpty();

      // Reading is granted, writing still is not; nor is any other namespace.
      assertThatThrownBy(() -> operator.configMaps().inNamespace(NAMESPACE).list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      assertThat(
              plane
                  .request(
                      ControlPlane.OPERATOR_USER, "GET", "/api/v1/namespaces/default/pods", null)
                  .status())
          .isEqualTo(403);
    }
  }

  @Test
  void anonymousAndImpersonatedUsersAreForbiddenTheAdminIsAllowed() {
    ControlPlane.Response anonymous = plane.request(null, "GET", "/api/v1/namespaces", null);
    assertThat(anonymous.status()).isEqualTo(403);
    assertThat(anonymous.body()).contains("system:anonymous");
    assertThat(plane.request(null, "GET", "/readyz", null).body()).isEqualTo("ok");
    assertThat(admin.getKubernetesVersion().getGitVersion()).isEqualTo("v1.34.12");
    assertThat(admin.namespaces().withName(NAMESPACE).get()).isNotNull();
    try (KubernetesClient impersonated =
        plane.newImpersonatingClient("someone-else", ControlPlane.OPERATORS_GROUP)) {
      assertThatThrownBy(() -> impersonated.secrets().inNamespace(NAMESPACE).list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }
}
