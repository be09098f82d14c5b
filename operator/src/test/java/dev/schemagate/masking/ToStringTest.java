package dev.schemagate.masking;

import static dev.schemagate.env.Fixtures.DB_URL;
import static dev.schemagate.env.Fixtures.prosaas;
import static dev.schemagate.env.Fixtures.prosaasSecrets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.connection.PostgresConnectionInfo;
import dev.schemagate.diagnostics.ConfigBanner;
import dev.schemagate.env.EnvResolver;
import dev.schemagate.env.EnvValue;
import dev.schemagate.env.Resolution;
import dev.schemagate.env.ResolvedEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Objects that hold secrets can be logged by accident: their toString must not show them. */
class ToStringTest {

  private static final String PASSWORD = "S3cr3t!";

  @Test
  void noObjectOfThePackageShowsASecretInToString() {
    AppDeployment appd = prosaas();
    ResolvedEnv env =
        new EnvResolver(prosaasSecrets()::get, name -> null)
            .component(appd, appd.getSpec().getComponents().get(1));

    List<Object> objects =
        List.of(
            UrlSplitter.split(DB_URL, 0, DB_URL.length(), false),
            PostgresConnectionInfo.parse(DB_URL),
            Resolution.found(DB_URL),
            EnvValue.fromSecret(PASSWORD),
            EnvValue.literal(DB_URL),
            env,
            env.masker(),
            Masker.withKnownSecrets(List.of(PASSWORD)),
            ConfigBanner.atRollout(appd, appd.getSpec().getComponents().get(1), "r1", env),
            Conninfo.parse("host=db password=" + PASSWORD).orElseThrow().get(1),
            ResolvedEnv.fromProcess(Map.of("X", PASSWORD, ResolvedEnv.SECRET_NAMES_VARIABLE, "X")));

    for (Object o : objects) {
      assertThat(o.toString()).as(o.getClass().getSimpleName()).doesNotContain(PASSWORD);
    }
  }
}
