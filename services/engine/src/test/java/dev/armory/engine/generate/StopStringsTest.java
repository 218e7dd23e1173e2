package dev.armory.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Stop strings found across pushes; text that may start one is held back, never emitted. */
class StopStringsTest {
  @Test
  void stopSplitAcrossPiecesIsCaughtAndNotEmitted() {
    StopStrings s = new StopStrings(List.of("###", "\nUser:"));
    assertEquals("Hello", s.push("Hello"));
    assertEquals(" wor", s.push(" wor#")); // '#' may start "###"
    assertEquals("", s.push("#"));
    assertFalse(s.matched());
    assertEquals("", s.push("#tail"));
    assertTrue(s.matched());
    assertEquals("", s.push("more"));
    assertEquals("", s.finish());
  }

  @Test
  void heldBackTextIsReleasedWhenItStopsMatching() {
    StopStrings s = new StopStrings(List.of("\nUser:"));
    assertEquals("a", s.push("a\nUs"));
    assertEquals("\nUsed", s.push("ed"));
    assertEquals("", s.push("\n"));
    assertEquals("\n", s.finish());
    assertFalse(s.matched());
  }

  @Test
  void earliestOfSeveralStopsWins() {
    StopStrings s = new StopStrings(List.of("END", "STOP"));
    assertEquals("x ", s.push("x STOP y END"));
    assertTrue(s.matched());
  }

  @Test
  void withoutStopsEverythingPassesThrough() {
    StopStrings s = new StopStrings(List.of());
    assertEquals("abc", s.push("abc"));
    assertEquals("", s.finish());
  }
}
