package dev.schemagate.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** crds/ is generated from the Java model: nobody edits it by hand or forgets to regenerate it. */
class CrdDriftTest {

  @Test
  void committedCrdIsExactlyWhatTheBuildGenerates() throws IOException {
    assertThat(Crd.generated()).as("the build generates the CRD (mvn process-classes)").exists();
    String generated = Files.readString(Crd.generated());
    String committed = Files.readString(Crd.committed());
    assertThat(committed)
        .as(
            "crds/%s differs from the CRD generated from the Java model. Regenerate it:%n"
                + "  mvn -pl operator process-classes && cp %s crds/",
            Crd.FILE_NAME, Crd.repoRoot().relativize(Crd.generated()))
        .isEqualTo(generated);
  }
}
