package dev.schemagate.lifecycle;

import dev.schemagate.api.ComponentSpec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The order in which components get a new revision: {@code spec.components[].after}. A component
 * gets it once every component it names has rolled it out and is available; until then it keeps
 * what it runs. Pure: the planner asks, the Deployments' state is passed in.
 */
final class RolloutOrder {

  private RolloutOrder() {}

  /**
   * Why the order cannot be followed - a cycle, which the CRD schema cannot see - naming the field
   * and the components in it, or null when it can.
   */
  static String problem(List<ComponentSpec> components) {
    Map<String, List<String>> after = new HashMap<>();
    components.forEach(
        c -> after.put(c.getName(), c.getAfter() == null ? List.of() : c.getAfter()));
    Map<String, Boolean> done = new HashMap<>(); // false: on the current path, true: finished
    for (ComponentSpec component : components) {
      Deque<String> path = new ArrayDeque<>();
      String cycle = cycleFrom(component.getName(), after, done, path);
      if (cycle != null) {
        return "spec.components[].after: the rollout order has a cycle: " + cycle;
      }
    }
    return null;
  }

  private static String cycleFrom(
      String name, Map<String, List<String>> after, Map<String, Boolean> done, Deque<String> path) {
    Boolean state = done.get(name);
    if (Boolean.TRUE.equals(state) || !after.containsKey(name)) {
      return null;
    }
    path.addLast(name);
    if (Boolean.FALSE.equals(state)) {
      List<String> names = List.copyOf(path);
      return String.join(" after ", names.subList(names.indexOf(name), names.size()));
    }
    done.put(name, false);
    for (String before : after.get(name)) {
      String cycle = cycleFrom(before, after, done, path);
      if (cycle != null) {
        return cycle;
      }
    }
    done.put(name, true);
    path.removeLast();
    return null;
  }

  /** The components {@code component} waits for: those it names that are not {@code ready} yet. */
  static List<String> waitsFor(ComponentSpec component, Predicate<String> ready) {
    return component.getAfter() == null
        ? List.of()
        : component.getAfter().stream().filter(ready.negate()).toList();
  }
}
