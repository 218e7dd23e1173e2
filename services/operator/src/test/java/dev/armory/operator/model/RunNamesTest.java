package dev.armory.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Names and labels derived from arbitrary run ids stay valid and distinct. */
class RunNamesTest {

  private static final String DNS1123 = "[a-z0-9]([a-z0-9.-]*[a-z0-9])?";

  @Test
  void validIdsAreKeptAsTheyAre() {
    assertEquals("support-bot-7", RunNames.resourceName("support-bot-7"));
    assertEquals("support-bot-7", RunNames.runIdLabel("support-bot-7"));
  }

  @Test
  void otherIdsBecomeValidNamesWithAHashSoTheyStayDistinct() {
    String a = RunNames.resourceName("Run_2026/01:42");
    String b = RunNames.resourceName("run-2026-01-42");
    assertTrue(a.matches(DNS1123), a);
    assertNotEquals(a, b);
    String longId = "x".repeat(200);
    assertTrue(RunNames.resourceName(longId).length() <= 63);
    assertTrue(RunNames.runIdLabel("___").matches("[0-9a-f]{16}"));
  }
}
