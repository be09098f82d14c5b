# The operator image: java -jar schemagate.jar [operator|migrate|check-schema].
# Build: docker build -t schemagate:dev .
#
# The base images are build arguments; the defaults are the public images. scripts/images.sh
# builds this same file with buildah and no registry: JRE_IMAGE a Debian bookworm made with
# debootstrap plus openjdk-17-jre-headless, and JAR_SOURCE an image that holds the jar built on
# the host at /src/operator/target/schemagate-all.jar (the Maven stage is then skipped).
ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17-jre
ARG JAR_SOURCE=build

FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY pom.xml .
COPY operator/pom.xml operator/pom.xml
COPY sandbox/pom.xml sandbox/pom.xml
COPY .mvn .mvn
RUN mvn -B -q -pl operator -am dependency:go-offline
COPY operator operator
COPY crds crds
RUN mvn -B -q -pl operator -am package -DskipTests

# Where the jar comes from: the stage above (default), or an image given as JAR_SOURCE.
FROM ${JAR_SOURCE} AS jar

FROM ${JRE_IMAGE}
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin schemagate
COPY --from=jar /src/operator/target/schemagate-all.jar /opt/schemagate/schemagate.jar
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
