package dev.schemagate.testing;

/**
 * The application every lifecycle scenario deploys: an API and a worker from one image, whose
 * migration builds (or half-builds) two tables, and the schema they need.
 */
public final class ShopApp {

  private ShopApp() {}

  public static final String FULL_SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS business (id int);
      CREATE TABLE IF NOT EXISTS calendar_routing_rules (id int);
      ALTER TABLE calendar_routing_rules ADD COLUMN IF NOT EXISTS question_text text;
      CREATE INDEX IF NOT EXISTS idx_rules_question ON calendar_routing_rules (question_text);
      """;
  public static final String HALF_BUILT =
      """
      CREATE TABLE IF NOT EXISTS business (id int);
      CREATE TABLE IF NOT EXISTS calendar_routing_rules (id int);
      """;

  public static final String APP =
      """
      apiVersion: schemagate.dev/v1alpha1
      kind: AppDeployment
      metadata: {name: shop}
      spec:
        image: shop:1
        env:
          - name: DATABASE_URL
            valueFrom: {secretKeyRef: {name: app-db, key: url}}
        database: {urlSecretRef: {name: app-db, key: url}, timeoutSeconds: 3}
        migration: {command: [migrate]}
        schema:
          tables:
            - name: business
            - name: calendar_routing_rules
              columns: [id, question_text]
              indexes: [idx_rules_question]
        components:
          - name: api
            replicas: 2
          - name: worker
            replicas: 1
        rollout: {stopDuringMigration: [worker]}
      """;
}
