package dev.schemagate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The certificates and keys of a control plane, made with the openssl command line (the JDK alone
 * cannot issue X.509 certificates). Same commands as "Starting the control plane" in
 * scripts/kube-binaries.md:
 *
 * <ul>
 *   <li>{@code ca.crt}/{@code ca.key}: the CA; clients trust ca.crt
 *   <li>{@code apiserver.crt}/{@code apiserver.key}: serving certificate for 127.0.0.1/localhost
 *       and the in-cluster names
 *   <li>{@code admin.crt}/{@code admin.key}: client certificate O=system:masters, CN=admin
 *   <li>{@code sa.key}/{@code sa.pub}: the ServiceAccount token signing key pair
 * </ul>
 */
final class Certificates {

  private static final String SERVER_SANS =
      "subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,"
          + "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local";

  private Certificates() {}

  static void generate(Path dir) {
    write(
        dir.resolve("apiserver.ext"),
        "basicConstraints=CA:FALSE\n"
            + "keyUsage=critical,digitalSignature,keyEncipherment\n"
            + "extendedKeyUsage=serverAuth\n"
            + SERVER_SANS
            + "\n");
    write(
        dir.resolve("admin.ext"),
        "basicConstraints=CA:FALSE\n"
            + "keyUsage=critical,digitalSignature,keyEncipherment\n"
            + "extendedKeyUsage=clientAuth\n");
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-sha256",
        "-days",
        "3650",
        "-subj",
        "/CN=schemagate-test-ca",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt");
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=kube-apiserver",
        "-keyout",
        "apiserver.key",
        "-out",
        "apiserver.csr");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        "apiserver.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "3650",
        "-sha256",
        "-extfile",
        "apiserver.ext",
        "-out",
        "apiserver.crt");
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/O=system:masters/CN=admin",
        "-keyout",
        "admin.key",
        "-out",
        "admin.csr");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        "admin.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "3650",
        "-sha256",
        "-extfile",
        "admin.ext",
        "-out",
        "admin.crt");
    openssl(dir, "genrsa", "-out", "sa.key", "2048");
    openssl(dir, "rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub");
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new java.util.ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("openssl hung: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "failed (exit "
                + process.exitValue()
                + "): "
                + String.join(" ", command)
                + "\n"
                + Files.readString(log, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl (is it installed?): " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
