package dev.schemagate.lifecycle;

import dev.schemagate.workload.PodPolicy;
import java.time.Duration;

/**
 * What the lifecycle needs of the operator's settings; the process's own (namespaces, threads,
 * ports) stay with it.
 *
 * @param operatorImage schemagate's own image: runs Flyway Jobs and the schema gate
 * @param stuckPodGrace how long a migration pod may wait on its image or config
 * @param jobsToKeep migration Jobs kept per AppDeployment
 * @param podPolicy what tenants may set on the pods of their components
 */
public record ReconcilerSettings(
    String operatorImage, Duration stuckPodGrace, int jobsToKeep, PodPolicy podPolicy) {}
