package dev.schemagate.testkit;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One request to the Kubernetes API as RBAC sees it: verb, API group, resource, subresource,
 * namespace and name, derived from the HTTP method and path the way the API server's request-info
 * resolver derives them.
 *
 * @param namespace null for a cluster-scoped request
 * @param name null for a collection
 * @param subresource null unless the path names one (status, log)
 */
public record ApiRequest(
    String verb, String group, String resource, String subresource, String namespace, String name) {

  /** The resource as a rule names it: {@code pods/log}, {@code appdeployments/status}. */
  public String ruleResource() {
    return subresource == null ? resource : resource + "/" + subresource;
  }

  @Override
  public String toString() {
    return verb
        + " "
        + (group.isEmpty() ? "core" : group)
        + "/"
        + ruleResource()
        + (namespace == null ? " (cluster)" : " in " + namespace)
        + (name == null ? "" : " " + name);
  }

  /** Empty for non-resource paths such as {@code /version} or discovery. */
  public static Optional<ApiRequest> of(String method, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    List<String> parts =
        Arrays.stream(uri.getRawPath().split("/")).filter(p -> !p.isEmpty()).toList();
    int start;
    String group;
    if (parts.size() >= 3 && parts.get(0).equals("api")) {
      group = "";
      start = 2;
    } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      start = 3;
    } else {
      return Optional.empty();
    }
    List<String> rest = parts.subList(start, parts.size());
    String namespace = null;
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    String subresource = rest.size() > 2 ? rest.get(2) : null;
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    boolean watch =
        ("&" + query + "&").contains("&watch=true&") || ("&" + query).contains("&watch=1");
    return Optional.of(
        new ApiRequest(
            verb(method, name != null, watch), group, resource, subresource, namespace, name));
  }

  private static String verb(String method, boolean named, boolean watch) {
    switch (method.toUpperCase(java.util.Locale.ROOT)) {
      case "GET":
      case "HEAD":
        return watch ? "watch" : named ? "get" : "list";
      case "POST":
        return "create";
      case "PUT":
        return "update";
      case "PATCH":
        return "patch";
      case "DELETE":
        return named ? "delete" : "deletecollection";
      default:
        throw new IllegalArgumentException("unexpected HTTP method " + method);
    }
  }
}
