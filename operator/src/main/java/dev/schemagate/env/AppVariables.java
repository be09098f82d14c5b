package dev.schemagate.env;

/**
 * The names of the application's variables schemagate itself reads or shows, one place for the boot
 * banner, the schema gate and migrate alike ({@link ServiceRole#ENV_NAME} is the third).
 */
public final class AppVariables {

  /** The application's database URL. */
  public static final String DATABASE_URL = "DATABASE_URL";

  /** The application's Redis URL, shown (masked) in the boot diagnostics. */
  public static final String REDIS_URL = "REDIS_URL";

  private AppVariables() {}
}
