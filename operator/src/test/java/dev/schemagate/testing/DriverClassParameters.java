package dev.schemagate.testing;

import java.util.List;

/** The connection parameters to try {@link DriverTrap} with. */
public final class DriverClassParameters {

  private DriverClassParameters() {}

  /**
   * Every pgjdbc 42.7 connection parameter that names a class for the driver to load, or is handed
   * to one, or steers where it is loaded from.
   */
  public static final List<String> ALL =
      List.of(
          "socketFactory",
          "socketFactoryArg",
          "sslfactory",
          "sslfactoryarg",
          "sslhostnameverifier",
          "sslpasswordcallback",
          "authenticationPluginClassName",
          "connectExecutor",
          "connectExecutorArg",
          "xmlFactoryFactory",
          "classLoaderStrategy");
}
