package dev.schemagate.helm;

import dev.schemagate.testkit.ApiRequest;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The permissions the chart gives the operator's ServiceAccount, evaluated the way the RBAC
 * authorizer does: a request is allowed when some rule of a role bound to the account matches its
 * group, resource (with subresource), verb and name; a Role only in its own namespace.
 */
public final class Rbac {

  /** What every authenticated user may do in any cluster (the bootstrap system:basic-user role). */
  private static final List<String> EVERYONE =
      List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews");

  /**
   * One rule and where it applies.
   *
   * @param namespace null for a ClusterRole bound cluster-wide
   */
  public record Grant(String role, String namespace, PolicyRule rule) {

    boolean matches(ApiRequest request) {
      return (namespace == null || namespace.equals(request.namespace()))
          && matches(rule.getApiGroups(), request.group())
          && matches(rule.getResources(), request.ruleResource())
          && matches(rule.getVerbs(), request.verb())
          && (rule.getResourceNames() == null
              || rule.getResourceNames().isEmpty()
              || rule.getResourceNames().contains(request.name()));
    }

    private static boolean matches(List<String> allowed, String value) {
      return allowed != null && (allowed.contains(value) || allowed.contains("*"));
    }
  }

  private final List<Grant> grants;

  private Rbac(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  static Rbac of(
      List<ClusterRole> clusterRoles,
      List<ClusterRoleBinding> clusterBindings,
      List<Role> roles,
      List<RoleBinding> bindings) {
    List<Grant> grants = new ArrayList<>();
    for (ClusterRoleBinding binding : clusterBindings) {
      if (bindsOperator(binding.getSubjects())) {
        clusterRoles.stream()
            .filter(r -> r.getMetadata().getName().equals(binding.getRoleRef().getName()))
            .forEach(r -> r.getRules().forEach(rule -> grants.add(new Grant(name(r), null, rule))));
      }
    }
    for (RoleBinding binding : bindings) {
      if (bindsOperator(binding.getSubjects())) {
        String namespace = binding.getMetadata().getNamespace();
        roles.stream()
            .filter(
                r ->
                    r.getMetadata().getName().equals(binding.getRoleRef().getName())
                        && namespace.equals(r.getMetadata().getNamespace()))
            .forEach(
                r -> r.getRules().forEach(rule -> grants.add(new Grant(name(r), namespace, rule))));
      }
    }
    return new Rbac(grants);
  }

  private static String name(io.fabric8.kubernetes.api.model.HasMetadata role) {
    return role.getKind() + " " + role.getMetadata().getName();
  }

  private static boolean bindsOperator(List<Subject> subjects) {
    return subjects.stream()
        .anyMatch(
            s ->
                "ServiceAccount".equals(s.getKind())
                    && Chart.RELEASE.equals(s.getName())
                    && Chart.NAMESPACE.equals(s.getNamespace()));
  }

  public List<Grant> grants() {
    return grants;
  }

  public boolean allows(ApiRequest request) {
    return EVERYONE.contains(request.resource()) && "create".equals(request.verb())
        || grants.stream().anyMatch(g -> g.matches(request));
  }

  /** The requests no rule allows. */
  public List<ApiRequest> denied(Collection<ApiRequest> requests) {
    return requests.stream().filter(r -> !allows(r)).distinct().toList();
  }

  /**
   * Each (role, group, resource, verb) the chart grants that none of {@code requests} used: the
   * candidates for removal, so that RBAC stays minimal.
   */
  public List<String> unused(Collection<ApiRequest> requests) {
    List<String> unused = new ArrayList<>();
    for (Grant grant : grants) {
      for (String group : grant.rule().getApiGroups()) {
        for (String resource : grant.rule().getResources()) {
          for (String verb : grant.rule().getVerbs()) {
            boolean used =
                requests.stream()
                    .anyMatch(
                        r ->
                            Objects.equals(r.group(), group)
                                && r.ruleResource().equals(resource)
                                && r.verb().equals(verb)
                                && grant.matches(r));
            if (!used) {
              unused.add(
                  grant.role()
                      + (grant.namespace() == null ? "" : " in " + grant.namespace())
                      + ": "
                      + verb
                      + " "
                      + (group.isEmpty() ? "core" : group)
                      + "/"
                      + resource);
            }
          }
        }
      }
    }
    return unused;
  }
}
