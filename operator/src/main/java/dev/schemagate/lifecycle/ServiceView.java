package dev.schemagate.lifecycle;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the planner needs to know of one component's Service.
 *
 * @param name the Service's name
 * @param exists the informer cache holds a Service of that name
 * @param ours it is this AppDeployment's (its controller owner reference), false when missing
 * @param ports its ports as {@link #ports} writes them, or null when missing
 * @param wantedPorts the ports the spec gives it, written the same way
 */
public record ServiceView(
    String name, boolean exists, boolean ours, String ports, String wantedPorts) {

  /** The Service must be created, or its ports set: missing, or ours with other ports. */
  public boolean needsWrite() {
    return !exists || (ours && !wantedPorts.equals(ports));
  }

  /**
   * A Service's ports as schemagate sets them - name, port, target port - in order. What the API
   * server adds (the protocol's default, a node port) is not compared.
   */
  static String ports(Service service) {
    List<ServicePort> ports =
        service.getSpec() == null || service.getSpec().getPorts() == null
            ? List.of()
            : service.getSpec().getPorts();
    return ports.stream()
        .map(
            p ->
                p.getName()
                    + ":"
                    + p.getPort()
                    + "->"
                    + (p.getTargetPort() == null
                        ? p.getPort()
                        : p.getTargetPort().getIntVal() != null
                            ? p.getTargetPort().getIntVal().toString()
                            : p.getTargetPort().getStrVal()))
        .collect(Collectors.joining(","));
  }
}
