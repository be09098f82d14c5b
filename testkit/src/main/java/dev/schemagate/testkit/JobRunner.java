package dev.schemagate.testkit;

import dev.schemagate.testkit.KubeletSimulator.Outcome;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a Job the way its pod would, for a simulated kubelet: the container's real arguments, given
 * to the in-process entry point of its command, with each ConfigMap's files where its volume would
 * be mounted (arguments naming a mount path name a local directory instead) and the environment its
 * literal values and Secrets give the container.
 */
public final class JobRunner {

  /**
   * The container's command, in-process: its arguments and environment, printing to {@code out};
   * returns the exit code.
   */
  @FunctionalInterface
  public interface EntryPoint {
    int run(List<String> args, Map<String, String> environment, PrintWriter out);
  }

  /** What the pod did: its exit code and what it printed (masked by the command itself). */
  public record Result(int exitCode, String output) {
    public Outcome outcome() {
      return exitCode == 0 ? Outcome.SUCCEED : Outcome.FAIL;
    }
  }

  private JobRunner() {}

  /**
   * Runs the Job's first container with {@code entryPoint}, its arguments followed by {@code
   * extraArgs} (e.g. a quieter log level, to keep a tool's own log lines out of a narration).
   */
  public static Result run(
      KubernetesClient client, Job job, EntryPoint entryPoint, String... extraArgs) {
    String namespace = job.getMetadata().getNamespace();
    var pod = job.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    // Each ConfigMap volume where the container mounts it: a directory of this JVM instead.
    Map<String, Path> mounts = new HashMap<>();
    try {
      for (Volume volume : pod.getVolumes()) {
        if (volume.getConfigMap() == null) {
          continue;
        }
        Path dir = createMountDirectory();
        writeFiles(configMapData(client, namespace, volume), dir);
        container.getVolumeMounts().stream()
            .filter(m -> m.getName().equals(volume.getName()))
            .forEach(m -> mounts.put(m.getMountPath(), dir));
      }
      List<String> args = new ArrayList<>();
      for (String arg : container.getArgs()) {
        args.add(local(arg, mounts));
      }
      args.addAll(List.of(extraArgs));
      StringWriter out = new StringWriter();
      int code =
          entryPoint.run(
              List.copyOf(args),
              environment(client, namespace, container),
              new PrintWriter(out, true));
      return new Result(code, out.toString());
    } finally {
      mounts.values().forEach(JobRunner::deleteMountDirectory);
    }
  }

  /** The argument with a mount path (or a path under one) pointing into the local directory. */
  private static String local(String arg, Map<String, Path> mounts) {
    for (Map.Entry<String, Path> mount : mounts.entrySet()) {
      String path = mount.getKey().endsWith("/") ? mount.getKey() : mount.getKey() + "/";
      if (arg.equals(mount.getKey()) || arg.equals(path)) {
        return mount.getValue().toString();
      }
      if (arg.startsWith(path)) {
        return mount.getValue().resolve(arg.substring(path.length())).toString();
      }
    }
    return arg;
  }

  /** Writes a ConfigMap's files into {@code dir}, as its volume would show them. */
  public static void writeFiles(Map<String, String> files, Path dir) {
    try {
      for (Map.Entry<String, String> file : files.entrySet()) {
        Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path createMountDirectory() {
    try {
      return Files.createTempDirectory("migrations");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteMountDirectory(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
      Files.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ConfigMap's text files ({@code data}); files in {@code binaryData} are left out. */
  private static Map<String, String> configMapData(
      KubernetesClient client, String namespace, Volume volume) {
    var configMap =
        client.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName()).get();
    return configMap == null || configMap.getData() == null ? Map.of() : configMap.getData();
  }

  /** The container's environment: literal values and Secret keys (the migration needs no more). */
  private static Map<String, String> environment(
      KubernetesClient client, String namespace, Container container) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar var : container.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
        String value = secretValue(client, namespace, var.getValueFrom().getSecretKeyRef());
        if (value != null) {
          env.put(var.getName(), value);
        }
      }
    }
    return env;
  }

  private static String secretValue(
      KubernetesClient client, String namespace, SecretKeySelector ref) {
    Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
    if (secret == null) {
      return null;
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(ref.getKey())) {
      return secret.getStringData().get(ref.getKey());
    }
    if (secret.getData() != null && secret.getData().containsKey(ref.getKey())) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(ref.getKey())), StandardCharsets.UTF_8);
    }
    return null;
  }
}
