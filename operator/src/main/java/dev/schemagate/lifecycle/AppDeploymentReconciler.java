package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Drives an AppDeployment through its lifecycle. Thin: decisions live in pure classes. */
@ControllerConfiguration(name = AppDeploymentReconciler.NAME)
public class AppDeploymentReconciler implements Reconciler<AppDeployment> {

  public static final String NAME = "appdeployment";
  private static final Logger log = LoggerFactory.getLogger(AppDeploymentReconciler.class);

  private final Clock clock;

  public AppDeploymentReconciler() {
    this(Clock.systemUTC());
  }

  AppDeploymentReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public UpdateControl<AppDeployment> reconcile(
      AppDeployment resource, Context<AppDeployment> context) {
    AppDeploymentStatus next = InitialStatus.of(resource, clock.instant());
    if (next == resource.getStatus()) {
      return UpdateControl.noUpdate();
    }
    log.info(
        "Status of generation {}: {}", resource.getMetadata().getGeneration(), next.getPhase());
    resource.setStatus(next);
    return UpdateControl.patchStatus(resource);
  }
}
