package dev.schemagate.workload;

import dev.schemagate.api.FlywayConfigMapRef;
import dev.schemagate.api.FlywayMigrationSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the Flyway Job finds its SQL files: each ConfigMap mounted in a directory of its own, and
 * each directory of the application image copied by an init container of that image into a scratch
 * volume (schemagate's image cannot read another image's files; the application image need not
 * contain Java). The migrate container gets every directory as a {@code --location}.
 *
 * @param volumes the pod's volumes for the migrations
 * @param mounts the migrate container's mounts of them, read-only
 * @param locations the directories migrate reads, in order
 * @param imageDirectories the directories of the application image to copy, in order
 */
record FlywaySources(
    List<Volume> volumes,
    List<VolumeMount> mounts,
    List<String> locations,
    List<String> imageDirectories) {

  /** Where {@code configMapRef} is mounted, as before there were several sources. */
  static final String CONFIG_MAP_MOUNT = "/schemagate/migrations";

  /** Where the directories of the application image are copied to, one subdirectory each. */
  static final String IMAGE_COPY_MOUNT = "/schemagate/image-migrations";

  static final String IMAGE_COPY_VOLUME = "image-migrations";

  /**
   * The bound of the scratch volume (node ephemeral storage): far above any set of SQL files, low
   * enough that a wrong directory (the whole image) fails the copy instead of filling the node.
   */
  static final Quantity IMAGE_COPY_LIMIT = new Quantity("256Mi");

  static FlywaySources of(FlywayMigrationSpec flyway) {
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    List<String> locations = new ArrayList<>();
    if (flyway.getConfigMapRef() != null) {
      addConfigMap(
          flyway.getConfigMapRef().getName(), "migrations", CONFIG_MAP_MOUNT, volumes, mounts);
      locations.add(CONFIG_MAP_MOUNT);
    }
    List<FlywayConfigMapRef> refs =
        flyway.getConfigMapRefs() == null ? List.of() : flyway.getConfigMapRefs();
    for (int i = 0; i < refs.size(); i++) {
      String path = CONFIG_MAP_MOUNT + "-" + (i + 1);
      addConfigMap(refs.get(i).getName(), "migrations-" + (i + 1), path, volumes, mounts);
      locations.add(path);
    }
    List<String> imageDirectories =
        flyway.getLocations() == null ? List.of() : List.copyOf(flyway.getLocations());
    if (!imageDirectories.isEmpty()) {
      volumes.add(
          new VolumeBuilder()
              .withName(IMAGE_COPY_VOLUME)
              .withNewEmptyDir()
              .withSizeLimit(IMAGE_COPY_LIMIT)
              .endEmptyDir()
              .build());
      mounts.add(
          new VolumeMountBuilder()
              .withName(IMAGE_COPY_VOLUME)
              .withMountPath(IMAGE_COPY_MOUNT)
              .withReadOnly(true)
              .build());
      for (int i = 0; i < imageDirectories.size(); i++) {
        locations.add(copyTarget(i));
      }
    }
    return new FlywaySources(
        List.copyOf(volumes), List.copyOf(mounts), List.copyOf(locations), imageDirectories);
  }

  /**
   * One init container of the application image per directory: {@code cp -R <dir>/. <target>}, no
   * shell, so the image needs {@code cp} only (coreutils or busybox). The copy keeps the
   * directory's tree, as Flyway reads it recursively.
   */
  List<Container> copyContainers(String applicationImage) {
    List<Container> containers = new ArrayList<>();
    for (int i = 0; i < imageDirectories.size(); i++) {
      String directory = imageDirectories.get(i).replaceAll("/+$", "");
      containers.add(
          new ContainerBuilder()
              .withName("copy-migrations-" + (i + 1))
              .withImage(applicationImage)
              .withCommand("cp", "-R", directory + "/.", copyTarget(i))
              .withSecurityContext(Restricted.containerSecurityContext())
              .addNewVolumeMount()
              .withName(IMAGE_COPY_VOLUME)
              .withMountPath(IMAGE_COPY_MOUNT)
              .endVolumeMount()
              .withNewResources()
              .addToRequests("cpu", new Quantity("10m"))
              .addToRequests("memory", new Quantity("16Mi"))
              .addToLimits("memory", new Quantity("64Mi"))
              .endResources()
              .build());
    }
    return containers;
  }

  private static String copyTarget(int index) {
    return IMAGE_COPY_MOUNT + "/" + (index + 1);
  }

  private static void addConfigMap(
      String configMap,
      String volume,
      String path,
      List<Volume> volumes,
      List<VolumeMount> mounts) {
    volumes.add(
        new VolumeBuilder()
            .withName(volume)
            .withNewConfigMap()
            .withName(configMap)
            .endConfigMap()
            .build());
    mounts.add(
        new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build());
  }
}
