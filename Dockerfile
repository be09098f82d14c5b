# The operator image: java -jar schemagate.jar [operator|migrate|check-schema].
# Build: docker build -t schemagate:dev .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY operator/pom.xml operator/pom.xml
COPY sandbox/pom.xml sandbox/pom.xml
COPY .mvn .mvn
RUN mvn -B -q -pl operator -am dependency:go-offline
COPY operator operator
COPY crds crds
RUN mvn -B -q -pl operator -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin schemagate
COPY --from=build /src/operator/target/schemagate-all.jar /opt/schemagate/schemagate.jar
# The schema gate's CDS archive: a training run at build time plus the classes of a passing check
# (gate-classes.lst; no database here); the init container
# starts with -XX:SharedArchiveFile=/opt/schemagate/gate.jsa (SchemaGateContainer).
COPY scripts/gate-cds-archive.sh scripts/gate-classes.lst /opt/schemagate/
RUN /opt/schemagate/gate-cds-archive.sh /opt/schemagate/schemagate.jar /opt/schemagate/gate.jsa
USER 10001:10001
# The same jar is the Flyway migration Job and the schema-gate init container; they start it
# with their own subcommand.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-jar", "/opt/schemagate/schemagate.jar"]
CMD ["operator"]
