package dev.schemagate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed class list ({@code scripts/gate-classes.lst}) that the image's gate archive adds to
 * its training run must hold every class of ours and of the driver that a passing check loads:
 * otherwise those load from the jar at every pod start, unnoticed.
 */
class GateClassListTest {

  private static final Path COMMITTED = Path.of("..", "scripts", "gate-classes.lst");

  @Test
  void theCommittedListHoldsWhatAPassingCheckLoads(@TempDir Path dir) throws Exception {
    Path fresh = dir.resolve("gate-classes.lst");
    try (Databases databases = Databases.start()) {
      GateClassList.write(databases, System.getProperty("java.class.path"), fresh);
    }

    Set<String> loaded = GateClassList.ownClasses(fresh);
    Set<String> missing = new TreeSet<>(loaded);
    missing.removeAll(GateClassList.classes(COMMITTED));

    assertThat(loaded)
        .as("a passing check loads the driver's query path and the catalog query")
        .contains("org/postgresql/jdbc/PgPreparedStatement", "dev/schemagate/schema/CatalogQuery");
    assertThat(missing)
        .as(
            "classes a passing check loads that %s lacks; regenerate it with: mvn -B -q package"
                + " -DskipTests && java -cp sandbox/target/schemagate-demo.jar"
                + " dev.schemagate.sandbox.GateClassList scripts/gate-classes.lst",
            COMMITTED)
        .isEmpty();
    assertThat(Files.readString(COMMITTED)).doesNotContain("sandbox");
  }
}
