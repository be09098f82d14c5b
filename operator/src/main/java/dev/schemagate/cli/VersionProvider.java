package dev.schemagate.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version the build wrote into the jar's manifest. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = SchemagateCli.class.getPackage().getImplementationVersion();
    return new String[] {"schemagate " + (version == null ? "(development build)" : version)};
  }
}
