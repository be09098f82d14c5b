package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.env.SecretResolver;

/**
 * What one run of the {@link DependencyChecks} is asked to check.
 *
 * @param resource the AppDeployment whose database and Redis are checked
 * @param secrets the reconcile's Secrets, to resolve their URLs
 * @param servingRequirements the schema requirements (encoded, as the schema gate carries them) of
 *     the revision that serves while another is verified: the schema is checked against them too;
 *     null when none is to be checked
 * @param revisionRecord what to ask of the database's record of migrated revisions, or null: the
 *     record is not asked (the revision counts as not recorded)
 */
public record CheckRequest(
    AppDeployment resource,
    SecretResolver secrets,
    String servingRequirements,
    RevisionRecordRequest revisionRecord) {

  /** The schema and Redis checks only: no serving revision, no record. */
  public static CheckRequest of(AppDeployment resource, SecretResolver secrets) {
    return new CheckRequest(resource, secrets, null, null);
  }

  /** The checks a plan asks for: its serving revision's requirements, its revision's record. */
  static CheckRequest forPlan(AppDeployment resource, SecretResolver secrets, Plan plan) {
    return new CheckRequest(
        resource,
        secrets,
        plan.servingRequirements(),
        RevisionRecordRequest.forPlan(resource, plan));
  }

  /** The same request without the serving revision's requirements and the record. */
  public CheckRequest basic() {
    return of(resource, secrets);
  }
}
