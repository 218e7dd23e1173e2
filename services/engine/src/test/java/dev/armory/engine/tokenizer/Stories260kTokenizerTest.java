package dev.armory.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.SharedModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real stories260K tokenizer (SentencePiece BPE with byte fallback), when it is present. */
class Stories260kTokenizerTest {
  private static HfTokenizer tokenizer;

  @BeforeAll
  static void load() {
    Optional<Path> dir = SharedModels.stories260K();
    String reason = SharedModels.stories260KAbsentReason();
    if (dir.isEmpty()) {
      System.out.println(reason);
    }
    Assumptions.assumeTrue(dir.isPresent(), reason);
    tokenizer = HfTokenizer.load(dir.get());
  }

  @AfterAll
  static void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Once upon a time, there was a little girl named Lily.",
        "She said, \"Let's play!\" and they ran to the park.\nThe end.",
        "Tom's dog   barked twice.",
        "A story with 中文 and 🦀 falls back to bytes."
      })
  void encodesAndDecodesLosslessly(String text) {
    int[] ids = tokenizer.encode(text, true);
    assertEquals(text, tokenizer.decode(ids, true));
    assertEquals(text, tokenizer.decode(tokenizer.encode(text, false), false));
  }

  @Test
  void bosIsAddedOnceAndEosIsTwo() {
    String text = "Once upon a time, there was a little girl named Lily.";
    int[] withSpecial = tokenizer.encode(text, true);
    int[] plain = tokenizer.encode(text, false);
    assertEquals(1, withSpecial[0]);
    assertEquals(1, Arrays.stream(withSpecial).filter(id -> id == 1).count(), "one BOS");
    assertArrayEquals(plain, Arrays.copyOfRange(withSpecial, 1, withSpecial.length));
    assertEquals(OptionalInt.of(1), tokenizer.bosId());
    assertEquals(OptionalInt.of(2), tokenizer.eosId());
    assertEquals(OptionalInt.of(0), tokenizer.unkId());
    assertTrue(tokenizer.padId().isEmpty());
    assertEquals(512, tokenizer.vocabSize());
    assertTrue(tokenizer.specialIds().containsAll(List.of(0, 1, 2)));
    assertEquals("<s> " + text, tokenizer.decode(withSpecial, false));
  }

  @Test
  void streamingDecodeMatchesFullDecode() {
    String text = "Lily saw a 🦀 on the beach. It was red.";
    int[] ids = tokenizer.encode(text, false);
    List<String> deltas = IncrementalDecoderTest.stream(tokenizer, ids, true);
    assertEquals(text, String.join("", deltas));
    assertTrue(deltas.stream().noneMatch(d -> d.contains("\uFFFD")), deltas.toString());
  }
}
