package dev.schemagate.env;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Reads decoded values out of a Fabric8 {@link Secret}. Pure: no API calls.
 *
 * <p>Secrets read from the API server carry base64 in {@code data}. {@code stringData} is a
 * write-only convenience that the API server merges into {@code data}, its values winning; objects
 * built in code or kept by a mock server may still carry it, so it is read first, as the API server
 * would have merged it.
 */
public final class SecretData {

  private SecretData() {}

  /**
   * @param secretName for the reason; {@code secret} may not carry its metadata
   */
  public static Resolution read(Secret secret, String secretName, String key) {
    Map<String, String> stringData = secret.getStringData();
    if (stringData != null && stringData.containsKey(key) && stringData.get(key) != null) {
      return Resolution.found(stringData.get(key));
    }
    Map<String, String> data = secret.getData();
    if (data == null || !data.containsKey(key) || data.get(key) == null) {
      return Resolution.missing("Secret \"" + secretName + "\" has no key \"" + key + "\"");
    }
    try {
      return Resolution.found(decode(data.get(key)));
    } catch (IllegalArgumentException e) {
      // The decoder's message quotes the offending characters: do not pass it on.
      return Resolution.missing(
          "Secret \"" + secretName + "\" key \"" + key + "\" is not valid base64");
    }
  }

  /** Every key of the Secret, sorted, as {@code envFrom} sees them; {@link #read} each value. */
  public static SortedSet<String> keys(Secret secret) {
    SortedSet<String> keys = new TreeSet<>();
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    return keys;
  }

  private static String decode(String base64) {
    String compact = base64.replaceAll("\\s", "");
    return new String(Base64.getDecoder().decode(compact), StandardCharsets.UTF_8);
  }
}
