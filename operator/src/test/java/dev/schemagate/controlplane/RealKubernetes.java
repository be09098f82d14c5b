package dev.schemagate.controlplane;

import dev.schemagate.testkit.ControlPlane;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against a real Kubernetes control plane (etcd + kube-apiserver, optionally
 * kube-controller-manager), see {@link ControlPlaneExtension}.
 *
 * <p>Inject with parameters of type {@link ControlPlane} or {@code KubernetesClient} (the admin
 * client) in constructors, {@code @BeforeAll}/{@code @BeforeEach} and test methods, or with static
 * non-final fields of those types.
 *
 * <p>By default all annotated classes of a JVM share one control plane, started by the first and
 * stopped when the test run ends; use a fresh namespace per class. Starting it takes about 3 s once
 * the binaries are cached (the first run on a machine builds them: 8-11 minutes).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ControlPlaneExtension.class)
public @interface RealKubernetes {

  /**
   * Also run kube-controller-manager (all controllers: ReplicaSet, Deployment, Job, garbage
   * collector, ServiceAccount, ...). On the shared plane it is started when the first class asks
   * for it and keeps running.
   */
  boolean controllerManager() default false;

  /**
   * Extra token users, each {@code name} or {@code name:group1,group2}. The shared plane knows only
   * {@link ControlPlane#OPERATOR_USER} (group {@link ControlPlane#OPERATORS_GROUP}); a class asking
   * for others gets its own plane. Their tokens: {@link ControlPlane#token(String)}, their clients:
   * {@link ControlPlane#newClient(String)}.
   */
  String[] users() default {};

  /** A control plane for this class alone, stopped after its last test. */
  boolean isolated() default false;
}
