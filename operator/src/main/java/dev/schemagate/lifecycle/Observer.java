package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.ContractSpec;
import dev.schemagate.api.FlywayConfigMapRef;
import dev.schemagate.api.FlywayMigrationSpec;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.MigrationStatus;
import dev.schemagate.env.Resolution;
import dev.schemagate.env.SecretResolver;
import dev.schemagate.schema.SchemaRequirements;
import dev.schemagate.workload.ComponentDeployments;
import dev.schemagate.workload.Labels;
import dev.schemagate.workload.PodPolicy;
import dev.schemagate.workload.SchemaGateContainer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds {@link Observed} from the informer caches. Two reads go to the API server: the Flyway
 * ConfigMaps (their content is part of the revision) and the referenced Secrets (are they there, do
 * they hold the key; schema requirements PostgreSQL cannot hold are a config problem too), plus one
 * GET of the migration Job when the cache has not seen a Job that status says was created, so a
 * stale cache is never taken for a deleted Job.
 */
final class Observer {

  private final Duration stuckPodGrace;
  private final String operatorImage;
  private final PodPolicy podPolicy;

  Observer(Duration stuckPodGrace, String operatorImage, PodPolicy podPolicy) {
    this.stuckPodGrace = stuckPodGrace;
    this.operatorImage = operatorImage;
    this.podPolicy = podPolicy;
  }

  /**
   * @param secrets the reconcile's Secrets, each read from the API server at most once per
   *     reconcile
   */
  Observed observe(
      AppDeployment resource, Context<AppDeployment> context, SecretResolver secrets, Instant now) {
    KubernetesClient client = context.getClient();
    String namespace = resource.getMetadata().getNamespace();
    AppDeploymentSpec spec = resource.getSpec();

    List<String> problems = new ArrayList<>();
    FlywayConfigMaps expand =
        FlywayConfigMaps.read(
            client, namespace, spec.getMigration().getFlyway(), "spec.migration.flyway", problems);
    ContractSpec contract = spec.getMigration().getContract();
    FlywayConfigMaps contractSql =
        FlywayConfigMaps.read(
            client,
            namespace,
            contract == null ? null : contract.getFlyway(),
            "spec.migration.contract.flyway",
            problems);
    Resolution database = secrets.databaseUrl(spec);
    if (!database.isFound()) {
      problems.add(database.reason());
    }
    secrets.redisUrl(spec).filter(r -> !r.isFound()).ifPresent(r -> problems.add(r.reason()));
    problems.addAll(podPolicy.violations(spec));
    try {
      // The gate's init container and the verification need them; found wanting, nothing runs.
      SchemaRequirements.from(spec.getSchema(), spec.getDatabase());
      if (SchemaGateContainer.enabled(spec)) {
        SchemaGateContainer.encodedRequirements(spec);
      }
    } catch (IllegalArgumentException e) { // InvalidRequirementsException, or too large
      problems.add(e.getMessage());
    }

    String revision =
        Revision.of(
            spec,
            expand.configMapRef(),
            expand.configMapRefs(),
            contractSql.configMapRef(),
            contractSql.configMapRefs());
    List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
    List<JobView> jobs = new ArrayList<>();
    List<JobView> contractJobs = new ArrayList<>();
    for (Job job : context.getSecondaryResources(Job.class)) {
      (Labels.isContract(job) ? contractJobs : jobs)
          .add(JobStates.view(job, podsOfJob(pods, job), now, stuckPodGrace));
    }
    Job uncached = jobTheCacheMayMiss(resource, revision, jobs, client);
    if (uncached != null) {
      jobs.add(JobStates.view(uncached, List.of(), now, stuckPodGrace));
    }
    return new Observed(
        resource,
        revision,
        retryToken(resource),
        jobs,
        contractJobs,
        deployments(context, pods),
        problems.isEmpty() ? wantedTemplates(resource, revision) : Map.of(),
        Revision.ofChecks(spec),
        problems.isEmpty() ? null : String.join("; ", problems),
        conflicts(resource, context),
        now,
        services(resource, byName(context.getSecondaryResources(Service.class))));
  }

  /**
   * Per component that asks for a Service, the one of its name in the informer cache (missing when
   * the cache has none) and the ports the spec gives it.
   */
  static Map<String, ServiceView> services(AppDeployment resource, Map<String, Service> cached) {
    Map<String, ServiceView> views = new HashMap<>();
    for (ComponentSpec component : resource.getSpec().getComponents()) {
      Service wanted = ComponentDeployments.service(resource, component);
      if (wanted == null) {
        continue;
      }
      String name = wanted.getMetadata().getName();
      Service current = cached.get(name);
      views.put(
          component.getName(),
          new ServiceView(
              name,
              current != null,
              current != null && Labels.isControlledBy(current, resource),
              current == null ? null : ServiceView.ports(current),
              ServiceView.ports(wanted)));
    }
    return views;
  }

  /**
   * The files of one set of Flyway migrations' ConfigMaps, as the revision reads them.
   *
   * @param configMapRef the files of {@code configMapRef}, empty without one
   * @param configMapRefs the files of each of {@code configMapRefs}, by ConfigMap name
   */
  record FlywayConfigMaps(
      Map<String, String> configMapRef, Map<String, Map<String, String>> configMapRefs) {

    /**
     * Reads the ConfigMaps of {@code flyway} (null: none) from the API server; each one missing is
     * a problem, named after its field under {@code path}.
     */
    static FlywayConfigMaps read(
        KubernetesClient client,
        String namespace,
        FlywayMigrationSpec flyway,
        String path,
        List<String> problems) {
      Map<String, String> files = Map.of();
      Map<String, Map<String, String>> configMaps = new HashMap<>();
      if (flyway != null && flyway.getConfigMapRef() != null) {
        String name = flyway.getConfigMapRef().getName();
        ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(name).get();
        if (configMap == null) {
          problems.add(path + ".configMapRef: ConfigMap \"" + name + "\" not found");
        } else {
          files = flywayFiles(configMap);
        }
      }
      if (flyway != null && flyway.getConfigMapRefs() != null) {
        for (FlywayConfigMapRef ref : flyway.getConfigMapRefs()) {
          ConfigMap configMap =
              client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
          if (configMap == null) {
            problems.add(path + ".configMapRefs: ConfigMap \"" + ref.getName() + "\" not found");
          } else {
            configMaps.put(ref.getName(), flywayFiles(configMap));
          }
        }
      }
      return new FlywayConfigMaps(files, configMaps);
    }
  }

  /**
   * Every file of the Flyway ConfigMap, as it is mounted into the Job: {@code data} and {@code
   * binaryData} (where {@code kubectl create configmap --from-file} puts a file that is not UTF-8,
   * base64 here): a change in either is a new revision. Keys are unique across both.
   */
  static Map<String, String> flywayFiles(ConfigMap configMap) {
    Map<String, String> files = new HashMap<>();
    if (configMap.getData() != null) {
      files.putAll(configMap.getData());
    }
    if (configMap.getBinaryData() != null) {
      files.putAll(configMap.getBinaryData());
    }
    return files;
  }

  /**
   * The Deployments and Services this AppDeployment would create or change, held by another owner:
   * taking them over would break someone else's workload. Read from the informer caches; an object
   * of the name the cache does not hold (it lacks schemagate's labels) is read once.
   */
  private static List<String> conflicts(AppDeployment resource, Context<AppDeployment> context) {
    KubernetesClient client = context.getClient();
    String namespace = resource.getMetadata().getNamespace();
    Map<String, Deployment> deployments = byName(context.getSecondaryResources(Deployment.class));
    Map<String, Service> services = byName(context.getSecondaryResources(Service.class));
    List<String> conflicts = new ArrayList<>();
    for (ComponentSpec component : resource.getSpec().getComponents()) {
      String name = ComponentDeployments.name(resource, component.getName());
      Deployment deployment =
          deployments.containsKey(name)
              ? deployments.get(name)
              : client.apps().deployments().inNamespace(namespace).withName(name).get();
      if (deployment != null && !Labels.isControlledBy(deployment, resource)) {
        conflicts.add("Deployment " + name + " exists and is not owned by this AppDeployment");
      }
      if (component.getService() == null) {
        continue;
      }
      Service service =
          services.containsKey(name)
              ? services.get(name)
              : client.services().inNamespace(namespace).withName(name).get();
      if (service != null && !Labels.isControlledBy(service, resource)) {
        conflicts.add("Service " + name + " exists and is not owned by this AppDeployment");
      }
    }
    return conflicts;
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Map<String, T> byName(
      java.util.Set<T> objects) {
    Map<String, T> byName = new HashMap<>();
    objects.forEach(o -> byName.put(o.getMetadata().getName(), o));
    return byName;
  }

  /** Built only for a valid spec: the gate's container cannot be built from an invalid one. */
  private Map<String, String> wantedTemplates(AppDeployment resource, String revision) {
    Map<String, String> hashes = new HashMap<>();
    for (ComponentSpec component : resource.getSpec().getComponents()) {
      hashes.put(
          component.getName(),
          ComponentDeployments.templateHash(resource, component, revision, operatorImage));
    }
    return hashes;
  }

  private static String retryToken(AppDeployment resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? "" : annotations.getOrDefault(Labels.RETRY, "");
  }

  private static Job jobTheCacheMayMiss(
      AppDeployment resource, String revision, List<JobView> jobs, KubernetesClient client) {
    MigrationStatus recorded =
        resource.getStatus() == null ? null : resource.getStatus().getMigration();
    boolean created =
        recorded != null
            && revision.equals(recorded.getRevision())
            && (recorded.getState() == MigrationState.Pending
                || recorded.getState() == MigrationState.Running);
    boolean cached = jobs.stream().anyMatch(j -> revision.equals(j.revision()));
    if (!created || cached) {
      return null;
    }
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(resource.getMetadata().getNamespace())
        .withName(recorded.getJobName())
        .get();
  }

  private static List<Pod> podsOfJob(List<Pod> pods, Job job) {
    String uid = job.getMetadata().getUid();
    return pods.stream()
        .filter(
            p ->
                p.getMetadata().getOwnerReferences() != null
                    && p.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> Objects.equals(uid, o.getUid())))
        .toList();
  }

  private static java.util.Set<String> revisionsOf(List<Pod> pods) {
    java.util.Set<String> revisions = new java.util.TreeSet<>();
    for (Pod pod : pods) {
      Map<String, String> annotations = pod.getMetadata().getAnnotations();
      revisions.add(annotations == null ? "" : annotations.getOrDefault(Labels.REVISION, ""));
    }
    return revisions;
  }

  private static Map<String, DeploymentView> deployments(
      Context<AppDeployment> context, List<Pod> pods) {
    Map<String, DeploymentView> views = new HashMap<>();
    for (Deployment deployment : context.getSecondaryResources(Deployment.class)) {
      Map<String, String> labels = deployment.getMetadata().getLabels();
      String component = labels == null ? null : labels.get(Labels.COMPONENT);
      if (component == null) {
        continue;
      }
      Map<String, String> annotations =
          deployment.getMetadata().getAnnotations() == null
              ? Map.of()
              : deployment.getMetadata().getAnnotations();
      List<Pod> componentPods =
          pods.stream()
              .filter(
                  p ->
                      p.getMetadata().getLabels() != null
                          && component.equals(p.getMetadata().getLabels().get(Labels.COMPONENT)))
              .toList();
      views.put(
          component,
          new DeploymentView(
              deployment.getMetadata().getName(),
              annotations.get(Labels.TEMPLATE_HASH),
              annotations.get(Labels.REVISION),
              deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
              valueOrZero(deployment.getSpec().getReplicas()),
              deployment.getStatus() == null
                  ? 0
                  : valueOrZero(deployment.getStatus().getReadyReplicas()),
              componentPods.size(),
              DeploymentRollout.of(deployment),
              PodProblems.of(deployment, componentPods),
              SchemaGateContainer.requirementsOf(deployment.getSpec().getTemplate().getSpec()),
              revisionsOf(componentPods),
              deployment.getSpec().getProgressDeadlineSeconds()));
    }
    return views;
  }

  private static int valueOrZero(Integer value) {
    return value == null ? 0 : value;
  }
}
