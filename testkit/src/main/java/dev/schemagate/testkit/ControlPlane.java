package dev.schemagate.testkit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Kubernetes control plane for tests: etcd, kube-apiserver and, on request,
 * kube-controller-manager, each a child process on free 127.0.0.1 ports, with every file
 * (certificates, tokens, data, logs) in one temporary directory.
 *
 * <p>Authentication is by static bearer tokens: {@value #ADMIN_USER} (group system:masters) and
 * every {@link User} given to the {@link Builder} before start, by default {@value #OPERATOR_USER}
 * in group {@value #OPERATORS_GROUP}. Authorization is RBAC, so those users can do nothing until an
 * admin binds them to a role.
 *
 * <p>There is no scheduler and no kubelet: Pods stay Pending unless a {@link KubeletSimulator}
 * plays the kubelet.
 *
 * <p>{@link #close()} stops the processes (SIGTERM, SIGKILL after a timeout) and deletes the
 * directory. A JVM shutdown hook closes every plane still running, and a small watchdog process per
 * plane kills the processes should the JVM die without running its hooks (SIGKILL).
 */
public final class ControlPlane implements AutoCloseable {

  public static final String ADMIN_USER = "admin";
  public static final String OPERATOR_USER = "schemagate-operator";
  public static final String OPERATORS_GROUP = "schemagate:operators";

  /** System property: keep the temporary directory (logs, certificates) after stopping. */
  public static final String KEEP_DIR_PROPERTY = "schemagate.controlplane.keep";

  private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int LOG_TAIL_LINES = 40;
  private static final String SERVICE_CIDR = "10.0.0.0/24";
  private static final Set<ControlPlane> RUNNING =
      Collections.synchronizedSet(new java.util.LinkedHashSet<>());

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  List<ControlPlane> planes;
                  synchronized (RUNNING) {
                    planes = new ArrayList<>(RUNNING);
                  }
                  planes.forEach(ControlPlane::close);
                },
                "control-plane-shutdown"));
  }

  /** A user known to the API server by a static token. */
  public record User(String name, List<String> groups) {
    public User {
      if (name.isBlank() || name.contains(",") || name.contains("\"")) {
        throw new IllegalArgumentException("bad user name: " + name);
      }
      for (String group : groups) {
        if (group.isBlank() || group.contains(",") || group.contains("\"")) {
          throw new IllegalArgumentException("bad group name: " + group);
        }
      }
      groups = List.copyOf(groups);
    }

    public static User of(String name, String... groups) {
      return new User(name, Arrays.asList(groups));
    }

    /** Parses {@code name} or {@code name:group1,group2}. */
    public static User parse(String spec) {
      int colon = spec.indexOf(':');
      if (colon < 0) {
        return new User(spec.strip(), List.of());
      }
      String groups = spec.substring(colon + 1).strip();
      return new User(
          spec.substring(0, colon).strip(),
          groups.isEmpty()
              ? List.of()
              : Arrays.stream(groups.split(",")).map(String::strip).toList());
    }
  }

  /** A raw HTTP answer of the API server. */
  public record Response(int status, String body, Map<String, List<String>> headers) {

    /** The values of a header (case-insensitive name), e.g. "Warning". */
    public List<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .toList();
    }
  }

  /** Options; {@link #start()} starts the plane. */
  public static final class Builder {
    private final Map<String, User> users = new LinkedHashMap<>();
    private boolean controllerManager;
    private final List<String> apiServerFlags = new ArrayList<>();
    private final List<String> controllerManagerFlags = new ArrayList<>();
    private Path binaries;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

    private Builder() {
      user(User.of(OPERATOR_USER, OPERATORS_GROUP));
    }

    /** Adds (or replaces) a token user; must happen before start. */
    public Builder user(User user) {
      if (user.name().equals(ADMIN_USER)) {
        throw new IllegalArgumentException(ADMIN_USER + " is reserved");
      }
      users.put(user.name(), user);
      return this;
    }

    public Builder user(String name, String... groups) {
      return user(User.of(name, groups));
    }

    /** Also starts kube-controller-manager (all controllers). */
    public Builder controllerManager(boolean start) {
      this.controllerManager = start;
      return this;
    }

    /**
     * Extra kube-apiserver flags, e.g. {@code --max-requests-inflight=800}, appended after the
     * plane's own (for a flag given twice, the last one wins).
     */
    public Builder apiServerFlags(String... flags) {
      apiServerFlags.addAll(Arrays.asList(flags));
      return this;
    }

    /**
     * Extra kube-controller-manager flags, e.g. {@code --kube-api-qps=200}, appended after the
     * plane's own (for a flag given twice, the last one wins).
     */
    public Builder controllerManagerFlags(String... flags) {
      controllerManagerFlags.addAll(Arrays.asList(flags));
      return this;
    }

    /** Directory with the binaries; default {@link KubeBinaries#directory()}. */
    public Builder binaries(Path directory) {
      this.binaries = directory;
      return this;
    }

    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Starts the plane. The free ports are picked just before launch, so another process may grab
     * one in between: a start that fails with "address already in use" is retried (twice).
     */
    public ControlPlane start() {
      Path bin = binaries != null ? binaries : KubeBinaries.directory();
      for (int attempt = 1; ; attempt++) {
        ControlPlane plane =
            new ControlPlane(
                bin,
                new ArrayList<>(users.values()),
                startupTimeout,
                apiServerFlags,
                controllerManagerFlags);
        try {
          plane.startCore();
          if (controllerManager) {
            plane.startControllerManager();
          }
          return plane;
        } catch (RuntimeException | Error e) {
          plane.close();
          if (attempt < 3 && String.valueOf(e.getMessage()).contains("address already in use")) {
            System.err.println(
                "[control-plane] port taken meanwhile, starting again: "
                    + e.getMessage().lines().findFirst().orElse(""));
            continue;
          }
          throw e;
        }
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  private final Path binaries;
  private final List<User> users;
  private final Duration startupTimeout;
  private final List<String> apiServerFlags;
  private final List<String> controllerManagerFlags;
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Path dir;
  private Process watchdog;
  private int apiPort;
  private SSLContext sslContext;
  private HttpClient http;
  private KubernetesClient adminClient;
  private boolean closed;
  private Duration coreStartup = Duration.ZERO;
  private Duration controllerManagerStartup = Duration.ZERO;

  private ControlPlane(
      Path binaries,
      List<User> users,
      Duration startupTimeout,
      List<String> apiServerFlags,
      List<String> controllerManagerFlags) {
    this.binaries = binaries;
    this.users = List.copyOf(users);
    this.startupTimeout = startupTimeout;
    this.apiServerFlags = List.copyOf(apiServerFlags);
    this.controllerManagerFlags = List.copyOf(controllerManagerFlags);
    try {
      this.dir = Files.createTempDirectory("schemagate-kube-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RUNNING.add(this);
  }

  // ------------------------------------------------------------------------------ accessors

  /** https://127.0.0.1:port */
  public URI apiServerUrl() {
    return URI.create("https://127.0.0.1:" + apiPort);
  }

  /** The temporary directory with certificates, tokens, data and the logs *.log. */
  public Path directory() {
    return dir;
  }

  public Path caCertFile() {
    return dir.resolve("ca.crt");
  }

  /** A kubeconfig for the admin (for helm, kubectl or a Fabric8 Config). */
  public Path kubeconfig() {
    return dir.resolve("kubeconfig");
  }

  public List<User> users() {
    return users;
  }

  public boolean hasUser(User user) {
    return users.contains(user);
  }

  /** The bearer token of {@value #ADMIN_USER} or of a user given to the builder. */
  public String token(String user) {
    String token = tokens.get(user);
    if (token == null) {
      throw new IllegalArgumentException("no token user " + user + "; known: " + tokens.keySet());
    }
    return token;
  }

  public String adminToken() {
    return token(ADMIN_USER);
  }

  /** Time from launching etcd to /readyz = ok of the API server. */
  public Duration coreStartup() {
    return coreStartup;
  }

  /** Time from launching kube-controller-manager to its first visible work. */
  public Duration controllerManagerStartup() {
    return controllerManagerStartup;
  }

  /** The running processes by name (etcd, kube-apiserver, kube-controller-manager). */
  public synchronized Map<String, ProcessHandle> processes() {
    Map<String, ProcessHandle> handles = new LinkedHashMap<>();
    processes.forEach((name, process) -> handles.put(name, process.toHandle()));
    return handles;
  }

  public synchronized boolean controllerManagerRunning() {
    Process kcm = processes.get("kube-controller-manager");
    return kcm != null && kcm.isAlive();
  }

  /** A Fabric8 config for a token user: trusts the plane's CA, authenticates with the token. */
  public Config config(String user) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(apiServerUrl().toString())
        .withCaCertFile(caCertFile().toString())
        .withOauthToken(token(user))
        .withNamespace("default")
        .withRequestTimeout(30_000)
        .withConnectionTimeout(10_000)
        .build();
  }

  /** The admin client; shared, closed by {@link #close()}: do not close it. */
  public synchronized KubernetesClient adminClient() {
    requireRunning();
    if (adminClient == null) {
      adminClient = newClient(ADMIN_USER);
    }
    return adminClient;
  }

  /** A new client for a token user; the caller closes it. */
  public KubernetesClient newClient(String user) {
    return new KubernetesClientBuilder().withConfig(config(user)).build();
  }

  /** A new admin client that impersonates a user and groups (no token needed); caller closes. */
  public KubernetesClient newImpersonatingClient(String user, String... groups) {
    Config config = config(ADMIN_USER);
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * A raw request with a token user's credentials, e.g. {@code request(ADMIN_USER, "POST",
   * "/api/v1/namespaces?fieldValidation=Strict", json)}. Returns any status, never throws on 4xx.
   * User {@code null}: anonymous.
   */
  public Response request(String user, String method, String path, String jsonBody) {
    HttpRequest.BodyPublisher body =
        jsonBody == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(apiServerUrl().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .method(method, body);
    if (user != null) {
      builder.header("Authorization", "Bearer " + token(user));
    }
    HttpRequest request = builder.build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + method + " " + path, e);
    }
  }

  /**
   * Creates a namespace (if missing) and, when kube-controller-manager runs, waits until its
   * ServiceAccount {@code default} exists: the ServiceAccount admission plugin refuses Pods before.
   */
  public void createNamespace(String name) {
    KubernetesClient admin = adminClient();
    if (admin.namespaces().withName(name).get() == null) {
      admin
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    if (controllerManagerRunning()) {
      waitFor(
          "ServiceAccount default in namespace " + name,
          Duration.ofSeconds(30),
          () -> admin.serviceAccounts().inNamespace(name).withName("default").get() != null);
    }
  }

  /** The last lines of a process log: "etcd", "kube-apiserver", "kube-controller-manager". */
  public String logTail(String process, int lines) {
    Path log = dir.resolve(process + ".log");
    if (!Files.isRegularFile(log)) {
      return "(no " + log.getFileName() + ")";
    }
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  // ------------------------------------------------------------------------------ start

  private void startCore() {
    long start = System.nanoTime();
    startWatchdog(); // first: from here on the directory is cleaned up even if the JVM dies
    Certificates.generate(dir);
    SecureRandom random = new SecureRandom();
    tokens.put(ADMIN_USER, randomToken(random));
    for (User user : users) {
      tokens.put(user.name(), randomToken(random));
    }
    writeTokenFile();
    sslContext = trusting(caCertFile());
    // HTTP/1.1: the API server ends HTTP/2 connections after an anonymous request (GOAWAY),
    // which would also break the requests sharing that connection.
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(sslContext)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    long deadline = System.nanoTime() + startupTimeout.toNanos();
    int etcdPort = freePort();
    int etcdPeerPort = freePort();
    apiPort = freePort();
    launch(
        "etcd",
        List.of(
            "--name=default",
            "--data-dir=" + dir.resolve("etcd-data"),
            "--listen-client-urls=http://127.0.0.1:" + etcdPort,
            "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
            "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort,
            "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
            "--initial-cluster=default=http://127.0.0.1:" + etcdPeerPort,
            "--unsafe-no-fsync=true",
            "--log-level=warn"));
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI etcdHealth = URI.create("http://127.0.0.1:" + etcdPort + "/health");
    awaitUntil(
        "etcd /health",
        deadline,
        "etcd",
        () -> body(plain, etcdHealth, null).contains("\"health\":\"true\""));

    launch(
        "kube-apiserver",
        withExtra(
            apiServerFlags,
            "--etcd-servers=http://127.0.0.1:" + etcdPort,
            "--bind-address=127.0.0.1",
            "--secure-port=" + apiPort,
            "--advertise-address=127.0.0.1",
            "--cert-dir=" + dir.resolve("apiserver-certs"),
            "--tls-cert-file=" + dir.resolve("apiserver.crt"),
            "--tls-private-key-file=" + dir.resolve("apiserver.key"),
            "--client-ca-file=" + caCertFile(),
            "--token-auth-file=" + dir.resolve("tokens.csv"),
            "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file=" + dir.resolve("sa.pub"),
            "--service-account-signing-key-file=" + dir.resolve("sa.key"),
            "--service-cluster-ip-range=" + SERVICE_CIDR,
            "--allow-privileged=true",
            "--endpoint-reconciler-type=none"));
    URI readyz = apiServerUrl().resolve("/readyz");
    awaitUntil(
        "kube-apiserver /readyz",
        deadline,
        "kube-apiserver",
        () -> body(http, readyz, adminToken()).equals("ok"));
    writeKubeconfig();
    coreStartup = Duration.ofNanos(System.nanoTime() - start);
    System.err.printf(
        "[control-plane] etcd + kube-apiserver ready at %s in %d ms (dir %s)%n",
        apiServerUrl(), coreStartup.toMillis(), dir);
  }

  /** Starts kube-controller-manager unless it runs; waits for its first work. */
  public synchronized void startControllerManager() {
    requireRunning();
    if (controllerManagerRunning()) {
      return;
    }
    long start = System.nanoTime();
    long deadline = start + startupTimeout.toNanos();
    launch(
        "kube-controller-manager",
        withExtra(
            controllerManagerFlags,
            "--kubeconfig=" + kubeconfig(),
            "--flex-volume-plugin-dir=" + dir.resolve("kcm-flexvolume"),
            "--secure-port=0",
            "--leader-elect=false",
            "--use-service-account-credentials=false",
            "--service-account-private-key-file=" + dir.resolve("sa.key"),
            "--root-ca-file=" + caCertFile(),
            "--cluster-signing-cert-file=" + caCertFile(),
            "--cluster-signing-key-file=" + dir.resolve("ca.key"),
            "--service-cluster-ip-range=" + SERVICE_CIDR,
            "--controllers=*"));
    // No health endpoint with --secure-port=0: the serviceaccount controller's first object.
    KubernetesClient admin = adminClient();
    awaitUntil(
        "kube-controller-manager (ServiceAccount default/default)",
        deadline,
        "kube-controller-manager",
        () -> admin.serviceAccounts().inNamespace("default").withName("default").get() != null);
    controllerManagerStartup = Duration.ofNanos(System.nanoTime() - start);
    System.err.printf(
        "[control-plane] kube-controller-manager working after %d ms%n",
        controllerManagerStartup.toMillis());
  }

  private static List<String> withExtra(List<String> extra, String... own) {
    List<String> args = new ArrayList<>(Arrays.asList(own));
    args.addAll(extra);
    return args;
  }

  private void launch(String name, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binaries.resolve(name).toString());
    command.addAll(args);
    Path log = dir.resolve(name + ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      synchronized (this) {
        processes.put(name, process);
      }
      Files.writeString(
          dir.resolve("pids"),
          process.pid() + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /**
   * A process outside the JVM that waits for the JVM to disappear and then kills the plane's
   * processes (only pids whose command line names this plane's directory) and deletes the
   * directory. It exits by itself once the directory is gone (a normal stop).
   */
  private void startWatchdog() {
    String script =
        """
        jvm=$1; dir=$2
        while kill -0 "$jvm" 2>/dev/null; do
          [ -d "$dir" ] || exit 0
          sleep 1
        done
        [ -f "$dir/pids" ] || { rm -rf "$dir"; exit 0; }
        ours() { tr '\\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$dir"; }
        for p in $(cat "$dir/pids"); do ours "$p" && kill -TERM "$p"; done
        sleep 3
        for p in $(cat "$dir/pids"); do ours "$p" && kill -KILL "$p"; done
        rm -rf "$dir"
        """;
    try {
      watchdog =
          new ProcessBuilder(
                  "bash",
                  "-c",
                  script,
                  "control-plane-watchdog",
                  Long.toString(ProcessHandle.current().pid()),
                  dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      System.err.println("[control-plane] no watchdog (bash missing?): " + e);
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  /** Polls every 100 ms; fails with the log tail of the process when it dies or time runs out. */
  private void awaitUntil(String what, long deadlineNanos, String process, Check check) {
    Exception last = null;
    while (true) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      Process p;
      synchronized (this) {
        p = processes.get(process);
      }
      if (p != null && !p.isAlive()) {
        throw startupFailure(
            what + ": " + process + " exited with code " + p.exitValue(), process, null);
      }
      if (System.nanoTime() > deadlineNanos) {
        throw startupFailure(
            what + " not reached within " + startupTimeout.toSeconds() + " s", process, last);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  private IllegalStateException startupFailure(String message, String process, Exception cause) {
    StringBuilder text = new StringBuilder("control plane did not start: ").append(message);
    if (cause != null) {
      text.append("\nlast error: ").append(cause);
    }
    List<String> logs = new ArrayList<>(List.of(process));
    if (!process.equals("kube-apiserver") && Files.exists(dir.resolve("kube-apiserver.log"))) {
      logs.add("kube-apiserver");
    }
    if (!process.equals("etcd")) {
      logs.add("etcd");
    }
    for (String name : logs) {
      text.append("\n---- last lines of ")
          .append(name)
          .append(".log ----\n")
          .append(logTail(name, LOG_TAIL_LINES));
    }
    text.append("\n---- (set -D")
        .append(KEEP_DIR_PROPERTY)
        .append("=true to keep ")
        .append(dir)
        .append(')');
    return new IllegalStateException(text.toString());
  }

  private static void waitFor(String what, Duration timeout, Check check) {
    org.awaitility.Awaitility.await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(check::ok);
  }

  private static String body(HttpClient client, URI uri, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString()).body().strip();
  }

  private void writeTokenFile() {
    StringBuilder csv = new StringBuilder();
    csv.append(tokens.get(ADMIN_USER)).append(",admin,admin,\"system:masters\"\n");
    for (User user : users) {
      csv.append(tokens.get(user.name()))
          .append(',')
          .append(user.name())
          .append(',')
          .append(user.name());
      if (!user.groups().isEmpty()) {
        csv.append(",\"").append(String.join(",", user.groups())).append('"');
      }
      csv.append('\n');
    }
    writeString(dir.resolve("tokens.csv"), csv.toString());
  }

  private void writeKubeconfig() {
    writeString(
        kubeconfig(),
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: admin
          user:
            token: %s
        contexts:
        - name: local
          context:
            cluster: local
            user: admin
            namespace: default
        current-context: local
        """
            .formatted(apiServerUrl(), caCertFile(), adminToken()));
  }

  private static String randomToken(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SSLContext trusting(Path caCert) {
    try (InputStream in = Files.newInputStream(caCert)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + caCert, e);
    }
  }

  private static void writeString(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized void requireRunning() {
    if (closed) {
      throw new IllegalStateException("control plane is stopped");
    }
  }

  // ------------------------------------------------------------------------------ stop

  /** Stops kube-controller-manager, kube-apiserver, etcd (in that order) and deletes the dir. */
  @Override
  public void close() {
    List<Map.Entry<String, Process>> toStop;
    KubernetesClient client;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = new ArrayList<>(processes.entrySet());
      Collections.reverse(toStop);
      client = adminClient;
      adminClient = null;
    }
    if (client != null) {
      try {
        client.close();
      } catch (RuntimeException ignored) {
        // stopping anyway
      }
    }
    long start = System.nanoTime();
    for (Map.Entry<String, Process> entry : toStop) {
      stop(entry.getKey(), entry.getValue());
    }
    if (!toStop.isEmpty()) {
      System.err.printf(
          "[control-plane] stopped %s in %d ms (%s)%n",
          apiPort == 0 ? "" : apiServerUrl(),
          (System.nanoTime() - start) / 1_000_000,
          Thread.currentThread().getName());
    }
    if (Boolean.getBoolean(KEEP_DIR_PROPERTY)) {
      System.err.println("[control-plane] kept " + dir);
    } else {
      deleteRecursively(dir);
    }
    if (watchdog != null) {
      watchdog.destroy();
    }
    RUNNING.remove(this);
  }

  private static void stop(String name, Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy(); // SIGTERM
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        System.err.println("[control-plane] " + name + " ignored SIGTERM; sending SIGKILL");
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("[control-plane] could not delete " + root + ": " + e);
    }
  }

  @Override
  public String toString() {
    return "ControlPlane[" + (apiPort == 0 ? "starting" : apiServerUrl()) + ", " + dir + "]";
  }
}
