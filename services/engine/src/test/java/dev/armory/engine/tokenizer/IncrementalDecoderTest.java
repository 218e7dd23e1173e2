package dev.armory.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalDecoderTest {

  /** Feeds ids one at a time, as generation does, and returns the deltas. */
  static List<String> stream(HfTokenizer tokenizer, int[] ids, boolean skipSpecial) {
    IncrementalDecoder decoder = tokenizer.incrementalDecoder(skipSpecial);
    List<String> deltas = new ArrayList<>();
    for (int n = 1; n <= ids.length; n++) {
      deltas.add(decoder.next(Arrays.copyOf(ids, n)));
    }
    deltas.add(decoder.finish(ids));
    return deltas;
  }

  @Test
  void byteFallbackCharactersAreHeldBackUntilComplete(@TempDir Path dir) throws IOException {
    LlamaStyleTokenizer.write(dir, false, false);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      String text = "the cat 中文 was 🦀 in the sun";
      int[] ids = tokenizer.encode(text, false);
      long byteTokens =
          Arrays.stream(ids).filter(id -> tokenizer.token(id).startsWith("<0x")).count();
      assertEquals(3 + 3 + 4, byteTokens, "中, 文 and 🦀 fall back to bytes");

      List<String> deltas = stream(tokenizer, ids, true);
      assertEquals(text, String.join("", deltas));
      for (String delta : deltas) {
        assertFalse(delta.contains("\uFFFD"), "no broken UTF-8 emitted: " + deltas);
      }
      assertTrue(deltas.contains("中"), "a 3-byte character arrives whole: " + deltas);
      assertTrue(deltas.contains("🦀"), "a 4-byte character arrives whole: " + deltas);
      assertTrue(deltas.stream().filter(String::isEmpty).count() >= 2 + 2 + 3, "held back");
      assertTrue(deltas.contains(" w"), "a ▁-piece keeps its space mid-stream: " + deltas);
      assertEquals("the", deltas.get(0), "the first piece loses it, as in a full decode");
    }
  }

  @Test
  void byteLevelMultiByteCharactersStreamWhole(@TempDir Path dir) {
    TinyTokenizer.write(dir);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      String text = "Emoji 🦀 and 中文 and é.";
      int[] ids = tokenizer.encode(text, false);
      List<String> deltas = stream(tokenizer, ids, false);
      assertEquals(text, String.join("", deltas));
      assertTrue(deltas.stream().noneMatch(d -> d.contains("\uFFFD")), deltas.toString());
      assertTrue(ids.length > text.codePointCount(0, text.length()) / 2);
    }
  }

  @Test
  void specialTokensAreSkippedOrKept(@TempDir Path dir) {
    TinyTokenizer.write(dir);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      int[] ids = tokenizer.encode("Hi there<|im_end|>", false);
      assertEquals("Hi there", String.join("", stream(tokenizer, ids, true)));
      assertEquals("Hi there<|im_end|>", String.join("", stream(tokenizer, ids, false)));
    }
  }

  @Test
  void finishFlushesAnIncompleteCharacter(@TempDir Path dir) throws IOException {
    LlamaStyleTokenizer.write(dir, false, false);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      int[] ids = tokenizer.encode("a 中", false);
      int[] cut = Arrays.copyOf(ids, ids.length - 1); // last byte of 中 never came
      IncrementalDecoder decoder = tokenizer.incrementalDecoder(true);
      StringBuilder out = new StringBuilder();
      for (int n = 1; n <= cut.length; n++) {
        out.append(decoder.next(Arrays.copyOf(cut, n)));
      }
      assertEquals("a ", out.toString(), "incomplete character held back");
      String rest = decoder.finish(cut);
      assertTrue(rest.endsWith("\uFFFD"), "flushed as replacement: [" + rest + "]");
      assertEquals("", decoder.finish(cut), "nothing left after finishing");
    }
  }

  @Test
  void aShrinkingIdListIsRejected(@TempDir Path dir) {
    TinyTokenizer.write(dir);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      IncrementalDecoder decoder = tokenizer.incrementalDecoder(false);
      decoder.next(tokenizer.encode("one two", false));
      assertThrows(IllegalArgumentException.class, () -> decoder.next(new int[0]));
    }
  }
}
