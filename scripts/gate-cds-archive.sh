#!/usr/bin/env bash
# Creates the schema gate's application Class Data Sharing archive: one training run of
# `schemagate check-schema` records the classes it loads, so that every later start of the gate
# maps them instead of loading and verifying them again (about half of its start-up time; see
# docs/benchmarks.md). The Dockerfile runs this at image build, where no database answers: the
# training run takes the unreachable-database path, which loads the driver, the requirements, the
# masker and the boot banner; what it misses loads from the jar as usual.
#
# Usage: scripts/gate-cds-archive.sh <schemagate-all.jar> <archive.jsa> [database-url]
# The gate must then start with the same jar path and:
#   -XX:SharedArchiveFile=<archive.jsa> -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
set -euo pipefail

jar=${1:?usage: gate-cds-archive.sh <schemagate-all.jar> <archive.jsa> [database-url]}
archive=${2:?usage: gate-cds-archive.sh <schemagate-all.jar> <archive.jsa> [database-url]}
url=${3:-postgresql://training:training@127.0.0.1:1/training}

rm -f "$archive"
# Exit code 2 (database unreachable) is the expected outcome without a database.
SCHEMAGATE_TRAINING_URL="$url" \
SCHEMAGATE_SCHEMA_REQUIREMENTS='{"schema":"public","tables":[{"name":"business","columns":["id"],"indexes":["business_pkey"]}]}' \
  java -XX:ArchiveClassesAtExit="$archive" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -jar "$jar" check-schema --database-url-env SCHEMAGATE_TRAINING_URL --attempts 1 --timeout 2 \
    >/dev/null 2>&1 || true
if [[ ! -s "$archive" ]]; then
  echo "gate-cds-archive: no archive written to $archive" >&2
  exit 1
fi
echo "gate-cds-archive: $(du -h "$archive" | cut -f1) archive at $archive"
