package dev.schemagate.reliability;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Scenarios on one {@link FaultyApiServer} per class and a fresh {@link Rig} per test: a namespace,
 * a database and (unless {@link #startRig} says otherwise) a running operator of their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RigScenarios {

  FaultyApiServer api;
  Rig rig;

  @BeforeAll
  void startServer() {
    api = new FaultyApiServer();
  }

  @AfterAll
  void stopServer() {
    LoggerFactory.getLogger(getClass())
        .info("{} faults injected by the API server", api.injected());
    api.close();
  }

  @BeforeEach
  void startWorld() {
    rig = startRig(api);
  }

  @AfterEach
  void stopWorld() {
    api.clearFaults();
    rig.close();
  }

  /** The rig of each test; by default with an operator running. */
  Rig startRig(FaultyApiServer server) {
    return Rig.start(server);
  }
}
