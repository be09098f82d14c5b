package dev.schemagate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Build step run right after the CRD generator, for what its annotations cannot say: the order of
 * the printer columns (it sorts them by JSON path, which would put Age first) and the descriptions
 * of the object, spec and status, which {@code kubectl explain appd} shows first.
 */
public final class CrdFinisher {

  /** Column names in display order; a column not listed here fails the build. */
  static final List<String> COLUMN_ORDER =
      List.of("Phase", "Verified", "Migration", "Schema", "Ready", "Available", "Age");

  static final String ROOT_DESCRIPTION =
      "AppDeployment runs an application image as several components (API, workers, ...), but"
          + " only after the database migration for exactly this image has succeeded and the"
          + " schema it must produce is really there.";
  static final String SPEC_DESCRIPTION =
      "The desired state: one image, its migration, the schema it must produce, its components.";
  static final String STATUS_DESCRIPTION =
      "The observed state, written by the operator. Every message in it has been masked.";

  private CrdFinisher() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: CrdFinisher <generated CRD YAML file>");
    }
    Path file = Path.of(args[0]);
    YAMLMapper yaml = new YAMLMapper();
    JsonNode crd = yaml.readTree(file.toFile());
    for (JsonNode version : crd.path("spec").path("versions")) {
      orderColumns((ArrayNode) version.get("additionalPrinterColumns"));
      ObjectNode schema = (ObjectNode) version.path("schema").path("openAPIV3Schema");
      schema.put("description", ROOT_DESCRIPTION);
      ((ObjectNode) schema.path("properties").path("spec")).put("description", SPEC_DESCRIPTION);
      ((ObjectNode) schema.path("properties").path("status"))
          .put("description", STATUS_DESCRIPTION);
    }
    String header =
        "# Generated from the Java model in operator/src/main/java/dev/schemagate/api.\n";
    Files.writeString(file, header + yaml.writeValueAsString(crd));
  }

  private static void orderColumns(ArrayNode columns) {
    List<ObjectNode> sorted = new ArrayList<>();
    columns.forEach(column -> sorted.add((ObjectNode) column));
    sorted.sort(Comparator.comparingInt(CrdFinisher::position));
    columns.removeAll();
    columns.addAll(sorted);
  }

  private static int position(ObjectNode column) {
    String name = column.get("name").asText();
    int position = COLUMN_ORDER.indexOf(name);
    if (position < 0) {
      throw new IllegalStateException(
          "printer column " + name + " has no place in " + COLUMN_ORDER);
    }
    return position;
  }
}
