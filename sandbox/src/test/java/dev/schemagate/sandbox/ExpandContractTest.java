package dev.schemagate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.sandbox.Narrator.Step;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The expand-contract scenario: each revision migrates once and contracts once, the old column is
 * dropped only once no pod of the older revision is left, and going back to a revision that was
 * Ready runs no migration - or is refused once the contract phase removed what it needs.
 */
class ExpandContractTest {

  private static final Pattern APPLIED =
      Pattern.compile(Pattern.quote(Step.MIGRATION_APPLIED.marker()) + " .* by Job (\\S+)");

  @Test
  void expandThenContractWithRollbacksRunsEachPhaseOnceAndDropsOnlyAfterTheOldPodsAreGone() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

    boolean ok = Demo.run(Demo.exampleYaml(), List.of(ExpandContract.NAME), out);

    String narration = captured.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(narration).isTrue();

    List<String> runs = APPLIED.matcher(narration).results().map(m -> m.group(1)).toList();
    assertThat(runs)
        .as("three releases migrate once each, one contract phase, nothing twice")
        .hasSize(4)
        .doesNotHaveDuplicates()
        .filteredOn(job -> job.startsWith("prosaas-post-"))
        .hasSize(1);
    String contractJob =
        runs.stream().filter(j -> j.startsWith("prosaas-post-")).findFirst().orElseThrow();
    String r3 = contractJob.substring("prosaas-post-".length());
    assertThat(count(narration, Step.CONTRACT_JOB_CREATED.marker())).isEqualTo(1);
    assertThat(count(narration, "Normal  ContractStarted")).isEqualTo(1);

    String expand = section(narration, "4b. ", "4c. ");
    assertThat(expand)
        .containsPattern("ServingRevisionCompatible +True +Compatible")
        .contains("PHASE        VERIFIED")
        .containsPattern("prosaas +RollingOut .* True");

    String rollback = section(narration, "4c. ", "4d. ");
    assertThat(rollback)
        .as("a rollback, and the way forward again, run no migration")
        .doesNotContain(Step.JOB_CREATED.marker())
        .doesNotContain(Step.MIGRATION_APPLIED.marker())
        .contains(Step.READY.marker());

    String contract = section(narration, "4d. ", "4e. ");
    assertInOrder(
        contract,
        "WaitingForOlderPods",
        "finished its requests and is gone",
        "ContractStarted",
        "component pods as it starts:",
        "by Job " + contractJob,
        "ContractSucceeded");
    Matcher pods = Pattern.compile("component pods as it starts: (.*)").matcher(contract);
    assertThat(pods.find()).isTrue();
    assertThat(pods.group(1).split(", "))
        .as("question_text is dropped only when every component pod runs " + r3)
        .isNotEmpty()
        .allSatisfy(pod -> assertThat(pod).endsWith(" " + r3));
    assertThat(contract).contains("columns (id, calendar_id, priority, prompt)");

    String refused = section(narration, "4e. ", "\n\n== ");
    assertThat(refused)
        .contains("Warning RollbackRefused")
        .contains("Missing columns in calendar_routing_rules: [question_text]")
        .doesNotContain(Step.JOB_CREATED.marker())
        .doesNotContain(Step.MIGRATION_APPLIED.marker())
        .doesNotContain(Step.CONTRACT_JOB_CREATED.marker());
  }

  private static long count(String text, String what) {
    return text.lines().filter(l -> l.contains(what)).count();
  }

  private static String section(String narration, String from, String to) {
    int start = narration.indexOf(from);
    assertThat(start).as("section " + from).isNotNegative();
    int end = narration.indexOf(to, start);
    return end < 0 ? narration.substring(start) : narration.substring(start, end);
  }

  private static void assertInOrder(String text, String... markers) {
    int at = 0;
    for (String marker : markers) {
      int next = text.indexOf(marker, at);
      assertThat(next).as("%s after position %d in:%n%s", marker, at, text).isNotNegative();
      at = next + marker.length();
    }
  }
}
