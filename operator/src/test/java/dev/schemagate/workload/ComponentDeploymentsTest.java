package dev.schemagate.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.api.SchemaGateSpec;
import dev.schemagate.schema.SchemaRequirements;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class ComponentDeploymentsTest {

  private static final String IMAGE = "ghcr.io/schemagate/schemagate:test";
  private final KubernetesSerialization json = new KubernetesSerialization();

  private AppDeployment shop() {
    AppDeployment appd = json.unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    appd.getMetadata().setUid("u-1");
    return appd;
  }

  private Deployment worker(AppDeployment appd) {
    return ComponentDeployments.build(
        appd, appd.getSpec().getComponents().get(1), "abcdef0123", 1, IMAGE);
  }

  private static String value(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }

  @Test
  void theGateStartsWithTheArchiveAndJarTheImageBuilds() throws java.io.IOException {
    String dockerfile =
        java.nio.file.Files.readString(dev.schemagate.api.Crd.repoRoot().resolve("Dockerfile"));
    String archive =
        SchemaGateContainer.COMMAND.stream()
            .filter(o -> o.startsWith("-XX:SharedArchiveFile="))
            .findFirst()
            .orElseThrow()
            .substring("-XX:SharedArchiveFile=".length());
    assertThat(dockerfile)
        .contains("gate-cds-archive.sh /opt/schemagate/schemagate.jar " + archive)
        .contains("schemagate-all.jar /opt/schemagate/schemagate.jar");
  }

  @Test
  void requirementsTooLargeForTheGatesEnvironmentAreRefusedNamingTheField() {
    AppDeployment appd = shop();
    java.util.Random random = new java.util.Random(7);
    java.util.List<dev.schemagate.api.TableRequirement> tables = new java.util.ArrayList<>();
    for (int t = 0; t < 5000; t++) {
      dev.schemagate.api.TableRequirement table = new dev.schemagate.api.TableRequirement();
      table.setName("t" + t + "_" + Long.toString(random.nextLong(), 36));
      java.util.List<String> columns = new java.util.ArrayList<>();
      for (int c = 0; c < 10; c++) {
        columns.add("c" + Long.toString(random.nextLong(), 36));
      }
      table.setColumns(columns);
      tables.add(table);
    }
    appd.getSpec().getSchema().setTables(tables);
    assertThatThrownBy(() -> worker(appd))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.schema: the schema gate's requirements take")
        .hasMessageContaining("spec.schemaGate.enabled=false");
  }

  @Test
  void everyComponentPodStartsWithTheSchemaGate() {
    Deployment deployment = worker(shop());
    Container gate = deployment.getSpec().getTemplate().getSpec().getInitContainers().get(0);
    assertThat(gate.getName()).isEqualTo("schema-gate");
    assertThat(gate.getImage()).isEqualTo(IMAGE);
    assertThat(gate.getArgs())
        .containsExactly("check-schema", "--database-url-env", "SCHEMAGATE_DATABASE_URL");
    assertThat(gate.getCommand())
        .startsWith("java")
        .contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
        .endsWith("-jar", "/opt/schemagate/schemagate.jar");
    EnvVar url =
        gate.getEnv().stream()
            .filter(e -> e.getName().equals("SCHEMAGATE_DATABASE_URL"))
            .findFirst()
            .orElseThrow();
    assertThat(url.getValue()).as("credentials only by reference").isNull();
    assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("shop-db");
    assertThat(url.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
    SchemaRequirements requirements =
        SchemaRequirements.fromJson(value(gate, "SCHEMAGATE_SCHEMA_REQUIREMENTS"));
    assertThat(requirements)
        .isEqualTo(
            SchemaRequirements.from(shop().getSpec().getSchema(), shop().getSpec().getDatabase()));
    assertThat(value(gate, "SERVICE_ROLE")).isEqualTo("worker");
    assertThat(value(gate, "SCHEMAGATE_SECRET_ENV_NAMES"))
        .contains("DATABASE_URL", "SCHEMAGATE_DATABASE_URL");
    assertThat(gate.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void theGateMeetsTheRestrictedPodSecurityStandard() {
    var context =
        worker(shop())
            .getSpec()
            .getTemplate()
            .getSpec()
            .getInitContainers()
            .get(0)
            .getSecurityContext();
    assertThat(context.getRunAsNonRoot()).isTrue();
    assertThat(context.getAllowPrivilegeEscalation()).isFalse();
    assertThat(context.getReadOnlyRootFilesystem()).isTrue();
    assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void theGateCanBeSwitchedOff() {
    AppDeployment appd = shop();
    SchemaGateSpec off = new SchemaGateSpec();
    off.setEnabled(false);
    appd.getSpec().setSchemaGate(off);
    assertThat(worker(appd).getSpec().getTemplate().getSpec().getInitContainers()).isEmpty();
  }

  @Test
  void theAppContainerGetsTheImageTheRevisionAndItsRole() {
    Deployment deployment = worker(shop());
    Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(app.getImage()).isEqualTo("registry.example.com/shop:1.0.0");
    assertThat(value(app, "SERVICE_ROLE")).isEqualTo("worker");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("schemagate.dev/revision", "abcdef0123");
    assertThat(deployment.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getController()).isTrue());
  }

  @Test
  void theTemplateHashIsStableAndFollowsTheSpec() {
    AppDeployment appd = shop();
    String first = worker(appd).getMetadata().getAnnotations().get(Labels.TEMPLATE_HASH);
    assertThat(worker(shop()).getMetadata().getAnnotations().get(Labels.TEMPLATE_HASH))
        .isEqualTo(first);
    appd.getSpec().getComponents().get(1).setCommand(java.util.List.of("python", "-m", "worker"));
    assertThat(worker(appd).getMetadata().getAnnotations().get(Labels.TEMPLATE_HASH))
        .isNotEqualTo(first);
  }

  @Test
  void podsCarryNoServiceAccountTokenUnlessTheComponentAsks() {
    AppDeployment appd = shop();
    assertThat(worker(appd).getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
        .isFalse();
    appd.getSpec().getComponents().get(1).setAutomountServiceAccountToken(true);
    appd.getSpec().getComponents().get(1).setServiceAccountName("reports-reader");
    var pod = worker(appd).getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo("reports-reader");
    assertThat(
            dev.schemagate.workload.MigrationJobs.build(appd, "j", "abcdef0123", "", IMAGE)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAutomountServiceAccountToken())
        .as("a migration Job never gets one")
        .isFalse();
  }

  @Test
  void theInjectedServiceRoleComesFirstSoThatLaterEntriesCanUseIt() {
    AppDeployment appd = shop();
    var worker = appd.getSpec().getComponents().get(1);
    worker.setRole(" ");
    worker.setEnv(java.util.List.of(new EnvVar("QUEUE", "jobs-$(SERVICE_ROLE)", null)));
    java.util.List<EnvVar> env =
        worker(appd).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env.get(0)).isEqualTo(new EnvVar("SERVICE_ROLE", worker.getName(), null));
    assertThat(env.stream().map(EnvVar::getName).toList())
        .as("Kubernetes expands $(SERVICE_ROLE) only from entries before it")
        .containsSubsequence("SERVICE_ROLE", "QUEUE");
  }

  @Test
  void aComponentCanMeetTheRestrictedStandardAndTheGateSaysWhyItRefuses() {
    AppDeployment appd = shop();
    var worker = appd.getSpec().getComponents().get(1);
    worker.setSecurityContext(
        new io.fabric8.kubernetes.api.model.SecurityContextBuilder()
            .withAllowPrivilegeEscalation(false)
            .withRunAsNonRoot(true)
            .build());
    worker.setPodSecurityContext(
        new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder().withFsGroup(2000L).build());
    var pod = worker(appd).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(2000L);
    assertThat(pod.getInitContainers().get(0).getTerminationMessagePolicy())
        .isEqualTo("FallbackToLogsOnError");
  }
}
