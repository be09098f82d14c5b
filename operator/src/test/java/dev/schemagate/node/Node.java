package dev.schemagate.node;

import dev.schemagate.api.Crd;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The one-node cluster of {@code scripts/local-cluster.sh} with the images of {@code
 * scripts/images.sh}: an admin client, the kubeconfig, the image references, the real kubectl and
 * helm, and fresh PostgreSQL databases that pods reach on the bridge address.
 */
public final class Node implements AutoCloseable {

  /** System property: leave the node running after the tests (to look at it, or to rerun fast). */
  public static final String KEEP_PROPERTY = "schemagate.node.keep";

  /** Where pods reach the host's PostgreSQL (local-cluster.sh status). */
  public static final String POSTGRES_FROM_PODS = "10.244.0.1:15432";

  /** Where pods reach the host's Redis (local-cluster.sh status). */
  public static final String REDIS_FROM_PODS = "10.244.0.1:16379";

  private static final Duration UP_TIMEOUT = Duration.ofMinutes(45);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A finished command. */
  public record Result(List<String> command, int exit, String stdout, String stderr) {
    /** stdout, or fails with the command, its exit code and both outputs. */
    public String ok() {
      if (exit != 0) {
        throw new IllegalStateException(this.toString());
      }
      return stdout;
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + " exited "
          + exit
          + "\n--- stdout\n"
          + stdout
          + "\n--- stderr\n"
          + stderr;
    }
  }

  /** A database of its own with a role of its own, reachable from pods at {@link #url()}. */
  public record Database(String name, String user, String password) {
    /** The URL as pods reach the database: a Secret's value. */
    public String url() {
      return "postgresql://" + user + ":" + password + "@" + POSTGRES_FROM_PODS + "/" + name;
    }
  }

  private final Path repo;
  private final Path clusterDir;
  private final Path kubeconfig;
  private final Path binaries;
  private final String pauseImage;
  private final String busyboxImage;
  private final String schemagateImage;
  private final String prosaasImage;
  private final KubernetesClient admin;
  private final List<String> secretValues = new CopyOnWriteArrayList<>();
  private final Path helmHome;
  private volatile boolean closed;

  private Node(
      Path repo,
      Path kubeconfig,
      Path binaries,
      String pauseImage,
      String busyboxImage,
      String schemagateImage,
      String prosaasImage)
      throws IOException {
    this.repo = repo;
    this.clusterDir = kubeconfig.getParent();
    this.kubeconfig = kubeconfig;
    this.binaries = binaries;
    this.pauseImage = pauseImage;
    this.busyboxImage = busyboxImage;
    this.schemagateImage = schemagateImage;
    this.prosaasImage = prosaasImage;
    this.admin =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build();
    this.helmHome = Files.createTempDirectory("node-helm-home");
  }

  /**
   * local-cluster.sh up, images.sh (with the jar the build packaged, system property {@code
   * schemagate.jar}, when there is one), kube-binaries.sh for kubectl and helm. Fails with the
   * scripts' output.
   */
  static Node up() {
    Path repo = Crd.repoRoot();
    long t0 = System.nanoTime();
    script(repo, UP_TIMEOUT, "scripts/local-cluster.sh", "up").ok();
    long t1 = System.nanoTime();
    List<String> imagesArgs = new ArrayList<>();
    imagesArgs.add("scripts/images.sh");
    String jar = System.getProperty("schemagate.jar");
    if (jar != null && Files.isRegularFile(Path.of(jar))) {
      imagesArgs.add("--jar");
      imagesArgs.add(jar);
    }
    List<String> refs =
        script(repo, UP_TIMEOUT, imagesArgs.toArray(String[]::new)).ok().lines().toList();
    long t2 = System.nanoTime();
    Path kubeconfig =
        Path.of(
            script(repo, Duration.ofMinutes(1), "scripts/local-cluster.sh", "kubeconfig")
                .ok()
                .strip());
    String binaries = last(script(repo, UP_TIMEOUT, "scripts/kube-binaries.sh").ok());
    System.err.printf(
        "[real-node] up in %.1f s, images in %.1f s: %s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, refs);
    try {
      Node node =
          new Node(
              repo,
              kubeconfig,
              Path.of(binaries),
              ref(refs, "/pause:"),
              ref(refs, "/busybox:"),
              ref(refs, "localhost/schemagate:"),
              ref(refs, "/prosaas:"));
      Runtime.getRuntime().addShutdownHook(new Thread(node::close, "real-node-down"));
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String last(String output) {
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    return lines.get(lines.size() - 1).strip();
  }

  private static String ref(List<String> refs, String part) {
    return refs.stream()
        .filter(r -> r.contains(part))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("images.sh printed no " + part + ": " + refs));
  }

  private static Result script(Path repo, Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.addAll(List.of(args));
    return run(command, repo, Map.of(), timeout, true);
  }

  /** Runs a command; with {@code echo} its stderr is copied to ours as it comes (progress). */
  static Result run(
      List<String> command, Path dir, Map<String, String> env, Duration timeout, boolean echo) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(env);
      Process process = builder.start();
      CompletableFuture<String> out = read(process.getInputStream(), false);
      CompletableFuture<String> err = read(process.getErrorStream(), echo);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish in " + timeout + "\n" + err.getNow(""));
      }
      return new Result(command, process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  private static CompletableFuture<String> read(InputStream stream, boolean echo) {
    return CompletableFuture.supplyAsync(
        () -> {
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          byte[] buffer = new byte[8192];
          try (stream) {
            for (int n; (n = stream.read(buffer)) > 0; ) {
              all.write(buffer, 0, n);
              if (echo) {
                System.err.write(buffer, 0, n);
                System.err.flush();
              }
            }
          } catch (IOException e) {
            // the process is gone
          }
          return all.toString(StandardCharsets.UTF_8);
        });
  }

  public KubernetesClient admin() {
    return admin;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public Path repo() {
    return repo;
  }

  /** The components' logs (local-cluster.sh): containerd.log, kubelet.log, ... */
  public Path logs() {
    return clusterDir.resolve("logs");
  }

  /** scripts/kube-binaries.sh's directory: kubectl, helm, ... */
  public Path binaries() {
    return binaries;
  }

  public String pauseImage() {
    return pauseImage;
  }

  public String busyboxImage() {
    return busyboxImage;
  }

  /** The product image, from the project's Dockerfile. */
  public String schemagateImage() {
    return schemagateImage;
  }

  /** The example application of examples/prosaas (examples/prosaas/app). */
  public String prosaasImage() {
    return prosaasImage;
  }

  /**
   * Every secret value this node handed out (database and Redis passwords): none may show up in
   * what the cluster holds.
   */
  public List<String> secretValues() {
    return List.copyOf(secretValues);
  }

  /** The URL at which pods reach the host's Redis, with its password: a Secret's value. */
  public String redisUrl() {
    String password = clusterSecret("redis-password");
    secretValues.add(password);
    return "redis://:" + password + "@" + REDIS_FROM_PODS + "/0";
  }

  private String clusterSecret(String name) {
    try {
      return Files.readString(clusterDir.resolve("secrets").resolve(name)).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The real kubectl as the cluster's admin. */
  public Result kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binaries.resolve("kubectl").toString());
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    command.addAll(List.of(args));
    return run(command, repo, Map.of(), Duration.ofMinutes(5), false);
  }

  /** The real helm as the cluster's admin, without any user's helm configuration. */
  public Result helm(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binaries.resolve("helm").toString());
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    command.addAll(List.of(args));
    return run(
        command,
        repo,
        Map.of(
            "HELM_CONFIG_HOME", helmHome.resolve("config").toString(),
            "HELM_CACHE_HOME", helmHome.resolve("cache").toString(),
            "HELM_DATA_HOME", helmHome.resolve("data").toString()),
        Duration.ofMinutes(5),
        false);
  }

  /** A namespace with these labels (e.g. Pod Security), once its default ServiceAccount exists. */
  public void createNamespace(String name, Map<String, String> labels) {
    admin
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
    admin
        .serviceAccounts()
        .inNamespace(name)
        .withName("default")
        .waitUntilCondition(sa -> sa != null, 30, TimeUnit.SECONDS);
  }

  /** A fresh database owned by a fresh role with a random password. */
  public Database createDatabase(String name) {
    String password = HexFormat.of().formatHex(bytes());
    Database database = new Database(name, name + "_owner", password);
    secretValues.add(password);
    // PostgreSQL's data outlives the node (local-cluster.sh down keeps it): an earlier run's.
    sql(
        "postgres",
        "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)",
        "DROP ROLE IF EXISTS " + database.user(),
        "CREATE ROLE " + database.user() + " LOGIN PASSWORD '" + password + "'",
        "CREATE DATABASE " + name + " OWNER " + database.user());
    return database;
  }

  private static byte[] bytes() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** Runs statements as the PostgreSQL superuser in a database, from the host. */
  public void sql(String database, String... statements) {
    String password = clusterSecret("postgres-password");
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:15432/" + database, "schemagate", password);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("on " + database + ": " + String.join("; ", statements), e);
    }
  }

  /** local-cluster.sh down, unless {@value #KEEP_PROPERTY} is set. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    admin.close();
    if (Boolean.getBoolean(KEEP_PROPERTY)) {
      System.err.println("[real-node] left running (" + KEEP_PROPERTY + ")");
      return;
    }
    Result down = script(repo, Duration.ofMinutes(5), "scripts/local-cluster.sh", "down");
    if (down.exit() != 0) {
      System.err.println("[real-node] local-cluster.sh down failed: " + down);
    }
  }
}
