package dev.schemagate.schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How the requirements JSON travels to the schema gate in one environment variable. Linux refuses
 * to start a process with a single environment string over 128 KiB, and the requirements of a large
 * schema (up to 5,000 tables) pass that: above {@value #PLAIN_LIMIT} characters the JSON is gzipped
 * and base64-encoded behind the prefix {@value #GZIP_PREFIX} (JSON never starts with it).
 */
public final class RequirementsEncoding {

  static final int PLAIN_LIMIT = 16 * 1024;
  static final String GZIP_PREFIX = "gzip:";

  /** What still starts a process, with room for the other variables of the pod. */
  public static final int ENV_LIMIT = 96 * 1024;

  private RequirementsEncoding() {}

  public static String encode(String json) {
    if (json.length() <= PLAIN_LIMIT) {
      return json;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return GZIP_PREFIX + Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** The JSON of an {@link #encode}d value; a plain JSON value is returned as it is. */
  public static String decode(String value) {
    if (!value.startsWith(GZIP_PREFIX)) {
      return value;
    }
    try (GZIPInputStream gzip =
        new GZIPInputStream(
            new java.io.ByteArrayInputStream(
                Base64.getDecoder().decode(value.substring(GZIP_PREFIX.length()))))) {
      return new String(gzip.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not valid gzip+base64 requirements: " + e.getMessage());
    }
  }
}
