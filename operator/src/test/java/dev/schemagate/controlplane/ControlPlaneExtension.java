package dev.schemagate.controlplane;

import dev.schemagate.testkit.ControlPlane;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts a {@link ControlPlane} for classes annotated with {@link RealKubernetes}.
 *
 * <p>The shared plane lives in the root {@link ExtensionContext.Store}: started once per JVM by the
 * first class that needs it, closed (it is {@link AutoCloseable}) when the root context closes at
 * the end of the run. An {@link RealKubernetes#isolated() isolated} plane, or one with extra {@link
 * RealKubernetes#users() users}, lives in the class's store and is closed after the class. Should
 * JUnit never get to close a plane, a JVM shutdown hook and a watchdog process do.
 */
public final class ControlPlaneExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ControlPlaneExtension.class);
  private static final String SHARED = "shared-control-plane";
  private static final String CLASS = "class-control-plane";

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    ControlPlane plane = controlPlane(context);
    RealKubernetes settings = settings(context);
    if (settings.controllerManager()) {
      plane.startControllerManager();
    }
    injectStaticFields(context.getRequiredTestClass(), plane);
  }

  /** The plane of the current test class (starting it if needed). */
  public static ControlPlane controlPlane(ExtensionContext context) {
    ExtensionContext classContext = classContext(context);
    ControlPlane own = classContext.getStore(NAMESPACE).get(CLASS, ControlPlane.class);
    if (own != null) {
      return own;
    }
    RealKubernetes settings = settings(classContext);
    List<ControlPlane.User> users =
        Arrays.stream(settings.users()).map(ControlPlane.User::parse).toList();
    if (settings.isolated() || !users.isEmpty()) {
      return classContext
          .getStore(NAMESPACE)
          .getOrComputeIfAbsent(
              CLASS,
              key -> {
                ControlPlane.Builder builder = ControlPlane.builder();
                users.forEach(builder::user);
                return builder.controllerManager(settings.controllerManager()).start();
              },
              ControlPlane.class);
    }
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(SHARED, key -> ControlPlane.builder().start(), ControlPlane.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ControlPlane.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    ControlPlane plane = controlPlane(context);
    return parameter.getParameter().getType() == ControlPlane.class ? plane : plane.adminClient();
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }

  private static RealKubernetes settings(ExtensionContext context) {
    return AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RealKubernetes.class)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    context.getRequiredTestClass() + " lacks @RealKubernetes"));
  }

  private static void injectStaticFields(Class<?> testClass, ControlPlane plane)
      throws IllegalAccessException {
    dev.schemagate.testing.StaticFields.inject(
        testClass,
        java.util.Map.of(ControlPlane.class, plane, KubernetesClient.class, plane.adminClient()));
  }
}
