package dev.schemagate.node;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class on a real one-node cluster on this machine ({@code scripts/local-cluster.sh}:
 * etcd, kube-apiserver, controller-manager, scheduler, containerd + runc, kubelet, kube-proxy, a
 * host PostgreSQL and Redis) with the images of {@code scripts/images.sh} (pause, busybox and the
 * product image built from the project's Dockerfile) and the operator installed on it by the real
 * helm from the chart ({@link OperatorChart}), see {@link RealNodeExtension}.
 *
 * <p>Inject a {@link Node} or a {@code KubernetesClient} (admin) as parameters, or into static
 * non-final fields of those types. All annotated classes of a JVM share the one node: it is brought
 * up by the first and taken down ({@code local-cluster.sh down}) when the run ends. Use a fresh
 * namespace and database per test.
 *
 * <p>The tests are skipped, saying why, only where the machine cannot run containers: not root, no
 * cgroups, no overlayfs. Anything else that keeps the node from coming up fails them with the
 * scripts' output.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealNodeExtension.class)
public @interface RealNode {}
