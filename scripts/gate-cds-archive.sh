#!/usr/bin/env bash
# Creates the schema gate's Class Data Sharing archive, so that every start of the gate maps the
# classes it needs instead of loading and verifying them from the jar (most of its start-up time;
# see docs/benchmarks.md). Two steps:
#   1. one training run of `schemagate check-schema` lists the classes it loads
#      (-XX:DumpLoadedClassList);
#   2. a static archive of those classes is dumped (-Xshare:dump). A static archive, unlike a
#      dynamic one (-XX:ArchiveClassesAtExit), also holds classes compiled for Java 5 such as
#      picocli's, which are a fifth of what the gate loads.
# Without a database URL the training run meets an unreachable database (as in the image build):
# it loads the driver, the requirements, the masker and the boot banner, but not the driver's query
# path. Given the URL of a database that holds the training table (see below), the run takes the
# path of a passing check and the archive covers that too.
#
# Usage: scripts/gate-cds-archive.sh <schemagate-all.jar> <archive.jsa> [database-url]
# The gate must then start with the same jar path and:
#   -XX:SharedArchiveFile=<archive.jsa> -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
set -euo pipefail

usage="usage: gate-cds-archive.sh <schemagate-all.jar> <archive.jsa> [database-url]"
jar=${1:?$usage}
archive=${2:?$usage}
url=${3:-postgresql://training:training@127.0.0.1:1/training}
# Options the gate runs with; the archive is only used by a JVM started with the same ones.
gate_options=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

classlist=$(mktemp)
trap 'rm -f "$classlist"' EXIT
rm -f "$archive"
# Exit code 1 or 2 (schema outdated, database unreachable) is expected from a training run.
SCHEMAGATE_TRAINING_URL="$url" \
SCHEMAGATE_SCHEMA_REQUIREMENTS='{"schema":"public","tables":[{"name":"business","columns":["id"],"indexes":["business_pkey"]}]}' \
  java -XX:DumpLoadedClassList="$classlist" "${gate_options[@]}" \
    -jar "$jar" check-schema --database-url-env SCHEMAGATE_TRAINING_URL --attempts 1 --timeout 2 \
    >/dev/null 2>&1 || true
if [[ ! -s "$classlist" ]]; then
  echo "gate-cds-archive: the training run listed no classes" >&2
  exit 1
fi
# Lambda forms and proxies of the training run cannot be re-created at dump time: warnings only.
java -Xshare:dump -XX:SharedClassListFile="$classlist" -XX:SharedArchiveFile="$archive" \
  "${gate_options[@]}" -cp "$jar" >/dev/null 2>&1
if [[ ! -s "$archive" ]]; then
  echo "gate-cds-archive: no archive written to $archive" >&2
  exit 1
fi
echo "gate-cds-archive: $(wc -l <"$classlist") classes, $(du -h "$archive" | cut -f1) archive at $archive"
