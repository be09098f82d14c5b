package dev.schemagate.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependency rules, on the compiled main classes: no cycle between packages, and no
 * import upwards - the process wiring (cli, runtime) uses the lifecycle, the lifecycle uses the
 * building blocks, the building blocks use the API model, never the other way.
 */
class PackageRulesTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.schemagate");

  @Test
  void noPackageCycles() {
    slices().matching("dev.schemagate.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void noImportRunsUpwards() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("commands")
        .definedBy("dev.schemagate.cli..")
        .layer("process")
        .definedBy("dev.schemagate.runtime..")
        .layer("lifecycle")
        .definedBy("dev.schemagate.lifecycle..")
        .layer("workloads")
        .definedBy("dev.schemagate.workload..")
        .layer("in-pod commands")
        .definedBy("dev.schemagate.gate..", "dev.schemagate.migrate..")
        .layer("building blocks")
        .definedBy(
            "dev.schemagate.schema..",
            "dev.schemagate.masking..",
            "dev.schemagate.connection..",
            "dev.schemagate.env..",
            "dev.schemagate.diagnostics..",
            "dev.schemagate.probe..",
            "dev.schemagate.metrics..")
        .layer("api")
        .definedBy("dev.schemagate.api..")
        .whereLayer("commands")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("process")
        .mayOnlyBeAccessedByLayers("commands")
        .whereLayer("lifecycle")
        .mayOnlyBeAccessedByLayers("process")
        .whereLayer("workloads")
        .mayOnlyBeAccessedByLayers("commands", "process", "lifecycle")
        .whereLayer("in-pod commands")
        .mayOnlyBeAccessedByLayers("commands", "workloads")
        .whereLayer("building blocks")
        .mayOnlyBeAccessedByLayers(
            "commands", "process", "lifecycle", "workloads", "in-pod commands")
        .check(MAIN);
  }
}
