package dev.armory.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HfTokenizerTest {
  @TempDir static Path shared;
  static HfTokenizer tiny;
  static TinyTokenizer.Written written;

  @BeforeAll
  static void writeTinyTokenizer() {
    written = TinyTokenizer.write(shared.resolve("tiny"));
    tiny = HfTokenizer.load(shared.resolve("tiny"));
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Hello world",
        "Once upon a time, there was a little girl named Lily.",
        "  leading spaces, runs   of   spaces,\ttabs\tand\n\nblank lines\n",
        "emoji 🦀🚀 and a family 👨‍👩‍👧 (ZWJ sequence)",
        "中文字符和日本語のテキスト, 한국어",
        "accents: café, naïve, Zürich; symbols: € ½ ∑ → ✓",
        "",
        " ",
        "\u0000 control \u0007 chars \u001b[0m"
      })
  void byteLevelTokenizerRoundTripsAnyText(String text) {
    int[] ids = tiny.encode(text, true);
    assertEquals(text, tiny.decode(ids, false));
    assertEquals(text, tiny.decode(ids, true));
  }

  @Test
  void mergesLearntFromTheCorpusShortenCommonWords() {
    int[] ids = tiny.encode("Once upon a time, there was a little girl", false);
    String text = "Once upon a time, there was a little girl";
    assertTrue(
        ids.length < text.length() / 2,
        "expected merges to cover common words, got " + ids.length + " tokens for " + text);
  }

  @Test
  void batchEncodingEqualsSingleEncodingsWithoutPadding() {
    List<String> texts = List.of("a", "The quick brown fox jumps over the lazy dog.", "中文 🦀", "");
    List<int[]> batch = tiny.encodeBatch(texts, true);
    assertEquals(texts.size(), batch.size());
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(tiny.encode(texts.get(i), true), batch.get(i), "text " + i);
    }
    assertEquals(0, batch.get(3).length, "an empty text stays empty: no padding to the longest");
  }

  @Test
  void longTextIsNeitherTruncatedNorPadded() {
    // DJL's wrapper truncates to model_max_length (512 by default) unless told not to.
    String text = "The cat sat on the mat. ".repeat(300);
    int[] ids = tiny.encode(text, true);
    assertTrue(ids.length > 1024, "got " + ids.length);
    assertEquals(text, tiny.decode(ids, false));
  }

  @Test
  void specialTokensEncodeToTheirIdsAndAreSkippedOnRequest() {
    String text = "<|im_start|>user\nHi<|im_end|>\n";
    int[] ids = tiny.encode(text, true);
    int start = tiny.tokenId("<|im_start|>").getAsInt();
    int end = tiny.tokenId("<|im_end|>").getAsInt();
    assertEquals(start, ids[0]);
    assertTrue(Arrays.stream(ids).anyMatch(id -> id == end));
    assertEquals(text, tiny.decode(ids, false));
    assertEquals("user\nHi\n", tiny.decode(ids, true));
    assertEquals(
        Set.of(written.bosId(), start, end, written.padId()), tiny.specialIds(), "special ids");
  }

  @Test
  void tinyTokenizerNeverAddsBosOrEos() {
    assertArrayEquals(tiny.encode("Hello", false), tiny.encode("Hello", true));
  }

  @Test
  void specialTokenAccessorsFollowTheConfigFiles() {
    assertEquals(OptionalInt.of(written.bosId()), tiny.bosId());
    assertEquals(OptionalInt.of(written.eosId()), tiny.eosId());
    assertEquals(OptionalInt.of(written.padId()), tiny.padId());
    assertEquals(OptionalInt.empty(), tiny.unkId());
    assertEquals("<|endoftext|>", tiny.bosToken().orElseThrow());
    assertEquals("<|im_end|>", tiny.eosToken().orElseThrow());
    assertEquals("<|pad|>", tiny.padToken().orElseThrow());
    assertTrue(tiny.unkToken().isEmpty());
    assertEquals(written.vocabSize(), tiny.vocabSize());
    assertEquals(written.vocabSize(), tiny.idLimit());
  }

  @Test
  void tokenAndTokenIdAreInverse() {
    for (int id = 0; id < tiny.idLimit(); id++) {
      assertEquals(OptionalInt.of(id), tiny.tokenId(tiny.token(id)), "id " + id);
    }
    assertEquals("Ġ", tiny.token(tiny.tokenId("Ġ").getAsInt()), "GPT-2 spells space as Ġ");
    assertTrue(tiny.tokenId("no such token").isEmpty());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> tiny.token(tiny.idLimit()));
    assertTrue(e.getMessage().contains("not in the vocabulary"), e.getMessage());
  }

  @Test
  void decodingAnUnknownIdNamesIdPositionAndFile() {
    int[] ids = {tiny.tokenId("a").getAsInt(), 100_000};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> tiny.decode(ids, false));
    assertTrue(e.getMessage().contains("100000"), e.getMessage());
    assertTrue(e.getMessage().contains("position 1"), e.getMessage());
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
  }

  @Test
  void llamaStylePostProcessorAndAddBosTokenGiveOneBos(@TempDir Path dir) throws IOException {
    LlamaStyleTokenizer.write(dir, true, true);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      int[] ids = tokenizer.encode("the cat", true);
      assertEquals(LlamaStyleTokenizer.BOS, ids[0]);
      assertEquals(1, Arrays.stream(ids).filter(id -> id == LlamaStyleTokenizer.BOS).count());
      assertArrayEquals(Arrays.copyOfRange(ids, 1, ids.length), tokenizer.encode("the cat", false));
      assertEquals("the cat", tokenizer.decode(ids, true));
    }
  }

  @Test
  void addBosTokenAddsBosWhenTokenizerJsonHasNoPostProcessor(@TempDir Path dir) throws IOException {
    LlamaStyleTokenizer.write(dir, false, true);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      int[] plain = tokenizer.encode("the cat", false);
      int[] withSpecial = tokenizer.encode("the cat", true);
      assertEquals(plain.length + 1, withSpecial.length);
      assertEquals(LlamaStyleTokenizer.BOS, withSpecial[0]);
      assertArrayEquals(
          new int[] {LlamaStyleTokenizer.BOS}, tokenizer.encodeBatch(List.of(""), true).get(0));
    }
  }

  @Test
  void addBosTokenFalseOverridesThePostProcessor(@TempDir Path dir) throws IOException {
    LlamaStyleTokenizer.write(dir, true, false);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      assertArrayEquals(tokenizer.encode("the cat", false), tokenizer.encode("the cat", true));
    }
  }

  @Test
  void withoutConfigFlagsThePostProcessorDecides(@TempDir Path dir) throws IOException {
    LlamaStyleTokenizer.write(dir, true, null);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      int[] ids = tokenizer.encode("the cat", true);
      assertEquals(LlamaStyleTokenizer.BOS, ids[0]);
      assertEquals(1, Arrays.stream(ids).filter(id -> id == LlamaStyleTokenizer.BOS).count());
      assertFalse(tokenizer.bosId().isPresent(), "no config names a BOS token");
    }
  }

  @Test
  void addEosTokenAppendsEos(@TempDir Path dir) throws IOException {
    LlamaStyleTokenizer.write(dir, false, true);
    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        "{\"add_bos_token\": false, \"add_eos_token\": true, \"eos_token\": \"</s>\"}");
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      int[] ids = tokenizer.encode("the", true);
      assertEquals(LlamaStyleTokenizer.EOS, ids[ids.length - 1]);
      assertEquals(tokenizer.encode("the", false).length + 1, ids.length);
    }
  }

  @Test
  void addBosTokenWithAnUnknownBosTokenFailsAtLoad(@TempDir Path dir) throws IOException {
    LlamaStyleTokenizer.write(dir, false, true);
    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        "{\"add_bos_token\": true, \"bos_token\": \"<bos>\"}");
    TokenizerException e = assertThrows(TokenizerException.class, () -> HfTokenizer.load(dir));
    assertTrue(e.getMessage().contains("tokenizer_config.json"), e.getMessage());
    assertTrue(e.getMessage().contains("'<bos>' is not in tokenizer.json"), e.getMessage());
  }

  @Test
  void byteFallbackTokenizerRoundTripsUnknownCharacters(@TempDir Path dir) throws IOException {
    LlamaStyleTokenizer.write(dir, true, true);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      String text = "Hello, the cat was in the sun. 中 é 🦀";
      int[] ids = tokenizer.encode(text, true);
      assertTrue(tokenizer.token(ids[ids.length - 1]).startsWith("<0x"), "byte fallback used");
      assertEquals(text, tokenizer.decode(ids, true));
      assertEquals("<s> " + text, tokenizer.decode(ids, false));
    }
  }

  @Test
  void missingTokenizerJsonExplainsWhatIsNeeded(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("tokenizer.model"), new byte[] {1, 2, 3});
    TokenizerException e = assertThrows(TokenizerException.class, () -> HfTokenizer.load(dir));
    assertTrue(e.getMessage().contains(dir.resolve("tokenizer.json").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("needs a tokenizer.json"), e.getMessage());
    assertTrue(e.getMessage().contains("tokenizer.model"), e.getMessage());
    assertTrue(e.getMessage().contains("SentencePiece"), e.getMessage());
    assertTrue(e.getMessage().contains("convert"), e.getMessage());
  }

  @Test
  void malformedTokenizerJsonNamesTheFile(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": ");
    TokenizerException e = assertThrows(TokenizerException.class, () -> HfTokenizer.load(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("tokenizer.json") + ": not valid JSON"));
  }

  @Test
  void tokenizerJsonTheNativeLibraryRejectsNamesTheFile(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nonsense\", \"vocab\": {}}}");
    TokenizerException e = assertThrows(TokenizerException.class, () -> HfTokenizer.load(dir));
    assertTrue(e.getMessage().contains("tokenizer.json: the tokenizers library rejected it"));
  }

  @Test
  void djlRunsOfflineSoItNeverDownloadsOrCallsHome() {
    // Set before DJL first loads (unless the user chose otherwise through DJL_OFFLINE).
    if (System.getenv("DJL_OFFLINE") == null) {
      assertEquals("true", System.getProperty("ai.djl.offline"));
    }
  }

  @Test
  void closedTokenizerRefusesWork(@TempDir Path dir) {
    TinyTokenizer.write(dir);
    HfTokenizer tokenizer = HfTokenizer.load(dir);
    tokenizer.close();
    tokenizer.close(); // idempotent
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> tokenizer.encode("x", false));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }
}
