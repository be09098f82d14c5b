package dev.schemagate.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.api.DatabaseSpec;
import dev.schemagate.api.FlywayHistoryRequirement;
import dev.schemagate.api.SchemaSpec;
import dev.schemagate.api.TableRequirement;
import dev.schemagate.schema.SchemaRequirements.Flyway;
import dev.schemagate.schema.SchemaRequirements.Table;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class SchemaRequirementsTest {

  @Test
  void builtFromTheCustomResourceWithDefaults() {
    SchemaSpec spec = new SchemaSpec();
    spec.setTables(
        List.of(
            new TableRequirement("business", null, null),
            new TableRequirement(
                "business_calendars",
                List.of("id", "business_id", "is_active"),
                List.of("idx_business_calendars_business_active"))));
    FlywayHistoryRequirement flyway = new FlywayHistoryRequirement();
    flyway.setMinVersion("117");
    spec.setFlyway(flyway);

    SchemaRequirements requirements = SchemaRequirements.from(spec, null);

    assertThat(requirements.schema()).isEqualTo("public");
    assertThat(requirements.tables())
        .containsExactly(
            Table.named("business"),
            Table.of(
                "business_calendars",
                List.of("id", "business_id", "is_active"),
                List.of("idx_business_calendars_business_active")));
    assertThat(requirements.flyway()).isEqualTo(new Flyway("flyway_schema_history", "117"));
  }

  @Test
  void databaseSchemaIsUsed() {
    DatabaseSpec database = new DatabaseSpec();
    database.setSchema("app");

    assertThat(SchemaRequirements.from(null, database))
        .isEqualTo(SchemaRequirements.of("app", List.of(), null));
  }

  @Test
  void errorsNameTheFieldOfTheCustomResource() {
    SchemaSpec spec = new SchemaSpec();
    spec.setTables(List.of(new TableRequirement("business", List.of("id", ""), null)));
    DatabaseSpec database = new DatabaseSpec();
    database.setSchema("");

    assertThatThrownBy(() -> SchemaRequirements.from(spec, null))
        .isInstanceOf(InvalidRequirementsException.class)
        .hasMessage("spec.schema.tables[0].columns[1] must not be empty");
    assertThatThrownBy(() -> SchemaRequirements.from(null, database))
        .hasMessage("spec.database.schema must not be empty");
    FlywayHistoryRequirement flyway = new FlywayHistoryRequirement();
    flyway.setMinVersion("v117");
    SchemaSpec withFlyway = new SchemaSpec();
    withFlyway.setFlyway(flyway);
    assertThatThrownBy(() -> SchemaRequirements.from(withFlyway, null))
        .hasMessage(
            "spec.schema.flyway.minVersion must be digits separated by dots, e.g. 117 or 2.10");
  }

  @Test
  void namesPostgresWouldTruncateAreRefused() {
    String long64 = "a".repeat(64);
    assertThatThrownBy(() -> SchemaRequirements.of(null, List.of(Table.named(long64)), null))
        .hasMessage("tables[0].name is longer than 63 bytes, which PostgreSQL would truncate");
    // 63 bytes is fine, also when they are 21 three-byte characters.
    assertThat(SchemaRequirements.of(null, List.of(Table.named("€".repeat(21))), null).tables())
        .hasSize(1);
    assertThatThrownBy(() -> SchemaRequirements.of(null, List.of(Table.named("a\0b")), null))
        .hasMessage("tables[0].name must not contain NUL characters");
  }

  @Test
  void duplicatesAreMergedInFirstOrder() {
    SchemaRequirements requirements =
        SchemaRequirements.of(
            null,
            List.of(
                Table.of("leads", List.of("id"), null),
                Table.named("business"),
                Table.of("leads", List.of("email", "id"), List.of("idx_leads_email"))),
            null);

    assertThat(requirements.tables())
        .containsExactly(
            Table.of("leads", List.of("id", "email"), List.of("idx_leads_email")),
            Table.named("business"));
  }

  @Test
  void jsonFormatAsDocumented() {
    SchemaRequirements requirements =
        SchemaRequirements.of(
            null,
            List.of(
                Table.named("business"),
                Table.of(
                    "business_calendars",
                    List.of("id", "business_id", "is_active"),
                    List.of("idx_business_calendars_business_active"))),
            new Flyway(null, "117"));

    assertThat(requirements.toJson())
        .isEqualTo(
            "{\"schema\":\"public\",\"tables\":[{\"name\":\"business\"},"
                + "{\"name\":\"business_calendars\",\"columns\":[\"id\",\"business_id\",\"is_active\"],"
                + "\"indexes\":[\"idx_business_calendars_business_active\"]}],"
                + "\"flyway\":{\"table\":\"flyway_schema_history\",\"minVersion\":\"117\"}}");
    assertThat(SchemaRequirements.of(null, null, null).toJson())
        .isEqualTo("{\"schema\":\"public\",\"tables\":[]}");
  }

  @Test
  void jsonDefaultsAreFilledIn() {
    assertThat(SchemaRequirements.fromJson("{}"))
        .isEqualTo(SchemaRequirements.of("public", List.of(), null));
    assertThat(
            SchemaRequirements.fromJson(
                "{\"tables\":[{\"name\":\"leads\"}],\"flyway\":{\"minVersion\":\"2.10\"}}"))
        .isEqualTo(
            SchemaRequirements.of(
                "public",
                List.of(Table.named("leads")),
                new Flyway("flyway_schema_history", "2.10")));
  }

  @Test
  void badJsonNamesTheField() {
    assertThatThrownBy(
            () -> SchemaRequirements.fromJson("{\"tables\":[{\"name\":\"a\",\"column\":[]}]}"))
        .isInstanceOf(InvalidRequirementsException.class)
        .hasMessage("tables[0] has an unknown property \"column\"");
    assertThatThrownBy(() -> SchemaRequirements.fromJson("{\"tables\":[{\"name\":\"a\"},{}]}"))
        .hasMessage("tables[1].name must not be empty");
    assertThatThrownBy(() -> SchemaRequirements.fromJson("{\"tables\":{\"name\":\"a\"}}"))
        .hasMessage("tables has the wrong type or shape");
    assertThatThrownBy(() -> SchemaRequirements.fromJson("{\"tables\":["))
        .hasMessageStartingWith("(document) is not JSON: ");
    assertThatThrownBy(() -> SchemaRequirements.fromJson("{\"Schema\":\"public\"}"))
        .hasMessage("(document) has an unknown property \"Schema\"");
    assertThatThrownBy(() -> SchemaRequirements.fromJson(" ")).hasMessage("(document) is empty");
    assertThatThrownBy(() -> SchemaRequirements.fromJson("null"))
        .hasMessage("(document) must be a JSON object");
  }

  @Property(tries = 200)
  void jsonRoundTrips(@ForAll("requirements") SchemaRequirements requirements) {
    assertThat(SchemaRequirements.fromJson(requirements.toJson())).isEqualTo(requirements);
  }

  @Provide
  Arbitrary<SchemaRequirements> requirements() {
    Arbitrary<String> names = names();
    Arbitrary<Table> tables =
        Combinators.combine(names, names.list().ofMaxSize(4), names.list().ofMaxSize(3))
            .as(Table::of);
    Arbitrary<Flyway> flyway =
        Combinators.combine(
                names.injectNull(0.3),
                Arbitraries.integers()
                    .between(0, 500)
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(3)
                    .map(parts -> String.join(".", parts.stream().map(String::valueOf).toList()))
                    .injectNull(0.3))
            .as(Flyway::new)
            .injectNull(0.4);
    return Combinators.combine(names.injectNull(0.2), tables.list().ofMaxSize(5), flyway)
        .as(SchemaRequirements::of);
  }

  /** Any catalog name: quotes, semicolons, spaces, non-Latin letters, emoji; never NUL. */
  static Arbitrary<String> names() {
    Arbitrary<String> any =
        Arbitraries.strings()
            .withCharRange('\u0001', '\uD7FF')
            .ofMinLength(1)
            .ofMaxLength(15)
            .filter(s -> s.getBytes(StandardCharsets.UTF_8).length <= 63);
    Arbitrary<String> tricky =
        Arbitraries.of(
            "Order",
            "x'; drop table business; --",
            "we\"ird",
            "back\\slash",
            "ünïcødé",
            "\uD83D\uDE80 launch");
    return Arbitraries.frequencyOf(Tuple.of(4, any), Tuple.of(1, tricky));
  }

  @Test
  void tablesListIsUnmodifiable() {
    List<Table> source = new ArrayList<>(List.of(Table.named("a")));
    SchemaRequirements requirements = SchemaRequirements.of(null, source, null);
    source.add(Table.named("b"));

    assertThat(requirements.tables()).containsExactly(Table.named("a"));
    assertThatThrownBy(() -> requirements.tables().add(Table.named("c")))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
