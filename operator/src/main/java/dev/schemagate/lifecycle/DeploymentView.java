package dev.schemagate.lifecycle;

/**
 * What the planner needs to know of one component's Deployment.
 *
 * @param name the Deployment's name
 * @param templateHash the schemagate.dev/template-hash annotation: which pod template it runs
 * @param revision the revision its pod template was built for
 * @param image the image of the component's container
 * @param replicas spec.replicas
 * @param readyReplicas status.readyReplicas
 * @param pods component pods that still exist (also terminating ones)
 * @param rollout how far the Deployment controller has rolled its current template out
 * @param problem why its pods are not ready, as the kubelet or the ReplicaSet controller says, or
 *     null
 * @param schemaRequirements what the revision it runs needs of the schema, as its schema gate
 *     carries them (encoded), or null without a gate
 * @param podRevisions the revisions the component's pods that still exist (terminating ones too)
 *     were created for, as the pods say
 * @param progressDeadlineSeconds spec.progressDeadlineSeconds, or null when not known
 */
public record DeploymentView(
    String name,
    String templateHash,
    String revision,
    String image,
    int replicas,
    int readyReplicas,
    int pods,
    DeploymentRollout rollout,
    String problem,
    String schemaRequirements,
    java.util.Set<String> podRevisions,
    Integer progressDeadlineSeconds) {}
