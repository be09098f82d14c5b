package dev.schemagate.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.testkit.ControlPlane;
import dev.schemagate.testkit.KubeBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token users and their groups, a clean stop, and a failed start that explains itself. This class
 * asks for extra users, so it gets a control plane of its own (stopped after the class).
 */
@RealKubernetes(users = {"alice:team-a,team-b", "bob"})
class ControlPlaneLifecycleTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static ControlPlane plane;

  @Test
  void tokenUsersAuthenticateWithTheirGroups() throws Exception {
    assertThat(plane.users())
        .extracting(ControlPlane.User::name)
        .containsExactlyInAnyOrder(ControlPlane.OPERATOR_USER, "alice", "bob");

    assertThat(whoAmI("alice").path("username").asText()).isEqualTo("alice");
    assertThat(groups("alice"))
        .containsExactlyInAnyOrder("team-a", "team-b", "system:authenticated");
    assertThat(groups("bob")).containsExactly("system:authenticated");
    assertThat(groups(ControlPlane.OPERATOR_USER))
        .containsExactlyInAnyOrder(ControlPlane.OPERATORS_GROUP, "system:authenticated");
    assertThat(groups(ControlPlane.ADMIN_USER)).contains("system:masters");
  }

  @Test
  void closeStopsEveryProcessAndDeletesTheDirectory() {
    ControlPlane own = ControlPlane.builder().controllerManager(true).start();
    Map<String, ProcessHandle> processes = own.processes();
    Path dir = own.directory();
    assertThat(processes).containsOnlyKeys("etcd", "kube-apiserver", "kube-controller-manager");
    assertThat(processes.values()).allMatch(ProcessHandle::isAlive);
    assertThat(dir.resolve("kube-apiserver.log")).isNotEmptyFile();

    own.close();

    assertThat(processes.values()).noneMatch(ProcessHandle::isAlive);
    assertThat(dir).doesNotExist();
    own.close(); // a second close does nothing
    assertThatThrownBy(own::adminClient).hasMessageContaining("stopped");
  }

  @Test
  void aFailedStartShowsTheApiServerLogAndLeavesNothingBehind(@TempDir Path fakeBinaries)
      throws Exception {
    Path real = KubeBinaries.directory();
    for (String name : List.of("etcd", "kube-controller-manager")) {
      executable(
          fakeBinaries.resolve(name), "#!/bin/sh\nexec '" + real.resolve(name) + "' \"$@\"\n");
    }
    Path apiServer = fakeBinaries.resolve("kube-apiserver");
    executable(
        apiServer,
        "#!/bin/sh\necho 'E0101 run.go:72] \"command failed\" err=\"fake failure for the test\"' >&2\nexit 1\n");

    assertThatThrownBy(() -> ControlPlane.builder().binaries(fakeBinaries).start())
        .isInstanceOfSatisfying(
            IllegalStateException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("kube-apiserver exited with code 1")
                  .contains("last lines of kube-apiserver.log")
                  .contains("fake failure for the test");
              Matcher dir = Pattern.compile("keep (\\S+)\\)").matcher(e.getMessage());
              assertThat(dir.find()).isTrue();
              assertThat(Path.of(dir.group(1))).doesNotExist();
              assertThat(ProcessHandle.current().descendants())
                  .noneMatch(
                      p ->
                          p.info().arguments().map(List::of).orElse(List.of()).stream()
                              .anyMatch(arg -> arg.contains(dir.group(1))));
            });
  }

  private static void executable(Path file, String script) throws java.io.IOException {
    Files.writeString(file, script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static JsonNode whoAmI(String user) throws Exception {
    ControlPlane.Response response =
        plane.request(
            user,
            "POST",
            "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body()).path("status").path("userInfo");
  }

  private static List<String> groups(String user) throws Exception {
    List<String> groups = new java.util.ArrayList<>();
    whoAmI(user).path("groups").forEach(g -> groups.add(g.asText()));
    return groups;
  }
}
