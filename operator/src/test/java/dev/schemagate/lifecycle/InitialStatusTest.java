package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InitialStatusTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-24T10:05:00Z");

  private static AppDeployment withGeneration(long generation) {
    AppDeployment resource = new AppDeployment();
    resource.setMetadata(
        new ObjectMetaBuilder().withName("shop").withGeneration(generation).build());
    return resource;
  }

  @Test
  void firstStatusSaysNotReadyAndWhichGenerationItSaw() {
    var status = InitialStatus.of(withGeneration(1), T0);
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getPhase()).isEqualTo(Phase.Pending);
    assertThat(Conditions.find(status.getConditions(), Conditions.READY).getStatus())
        .isEqualTo("False");
    assertThat(Conditions.find(status.getConditions(), Conditions.RECONCILING).getStatus())
        .isEqualTo("True");
  }

  @Test
  void unchangedStatusIsReturnedAsIsSoNothingIsWritten() {
    AppDeployment resource = withGeneration(1);
    resource.setStatus(InitialStatus.of(resource, T0));
    assertThat(InitialStatus.of(resource, T1)).isSameAs(resource.getStatus());
  }

  @Test
  void aNewGenerationIsObservedWithoutMovingTransitionTimes() {
    AppDeployment resource = withGeneration(1);
    resource.setStatus(InitialStatus.of(resource, T0));
    resource.getMetadata().setGeneration(2L);
    var next = InitialStatus.of(resource, T1);
    assertThat(next.getObservedGeneration()).isEqualTo(2L);
    assertThat(Conditions.find(next.getConditions(), Conditions.READY).getLastTransitionTime())
        .isEqualTo(T0.toString());
    assertThat(Conditions.find(next.getConditions(), Conditions.READY).getObservedGeneration())
        .isEqualTo(2L);
  }
}
