package dev.armory.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyTokenizerTest {
  private static final List<String> FILES =
      List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");

  /**
   * SHA-256 of the written tokenizer.json. Pinned so that a change in training order, JSON layout
   * or corpus, anything that would silently change every tiny model's vocabulary, fails here.
   */
  private static final String TOKENIZER_JSON_SHA256 =
      "cfc758eede31ef5a9760a5cb32811611e145a84cf054e576f23d913733dd6966";

  @Test
  void filesAreByteIdenticalAcrossWrites(@TempDir Path dir) throws IOException {
    TinyTokenizer.write(dir.resolve("a"));
    TinyTokenizer.write(dir.resolve("b"));
    for (String file : FILES) {
      assertArrayEquals(
          Files.readAllBytes(dir.resolve("a").resolve(file)),
          Files.readAllBytes(dir.resolve("b").resolve(file)),
          file);
    }
  }

  @Test
  void trainingIsDeterministicAndTheOutputIsPinned(@TempDir Path dir) throws Exception {
    String corpus = "the theme of the thesis: these are the other things. ".repeat(20);
    ByteLevelBpe.Model first = ByteLevelBpe.train(corpus, 30);
    ByteLevelBpe.Model second = ByteLevelBpe.train(corpus, 30);
    assertEquals(first.tokens(), second.tokens());
    assertEquals(
        first.merges().stream().map(m -> m[0] + " " + m[1]).toList(),
        second.merges().stream().map(m -> m[0] + " " + m[1]).toList());

    TinyTokenizer.write(dir);
    assertEquals(TOKENIZER_JSON_SHA256, sha256(dir.resolve("tokenizer.json")));
  }

  @Test
  void vocabularyIsBytesThenMergesThenSpecialTokens(@TempDir Path dir) throws IOException {
    TinyTokenizer.Written written = TinyTokenizer.write(dir);
    JsonNode root = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile());
    JsonNode vocab = root.path("model").path("vocab");
    JsonNode merges = root.path("model").path("merges");

    assertTrue(written.vocabSize() <= 512, "vocab " + written.vocabSize());
    assertEquals(written.vocabSize(), vocab.size() + root.path("added_tokens").size());
    assertTrue(merges.size() > 200, "merges " + merges.size());
    assertEquals(0, vocab.path("!").asInt(), "GPT-2 order: byte '!' first");
    assertEquals(" ", decodeSymbol("Ġ"), "space spelled Ġ");
    Set<Integer> ids = new HashSet<>();
    vocab.fields().forEachRemaining(e -> ids.add(e.getValue().asInt()));
    assertEquals(vocab.size(), ids.size(), "ids are unique");
    for (JsonNode merge : merges) {
      String[] parts = merge.asText().split(" ");
      assertEquals(2, parts.length, merge.asText());
      assertTrue(vocab.has(parts[0] + parts[1]), "merge result in vocab: " + merge);
    }
    assertEquals(
        List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"), written.specialTokens());
    assertEquals(vocab.size(), written.bosId(), "special tokens follow the merges");
    assertEquals(vocab.size() + 2, written.eosId());
    assertEquals(vocab.size() + 3, written.padId());
  }

  @Test
  void configFilesNameTheSpecialTokensAndTheTemplate(@TempDir Path dir) throws IOException {
    TinyTokenizer.Written written = TinyTokenizer.write(dir, 256);
    TokenizerConfig config = TokenizerConfig.read(dir);
    assertEquals(written.bosToken(), config.bosToken());
    assertEquals(written.eosToken(), config.eosToken());
    assertEquals(written.padToken(), config.padToken());
    assertEquals(Boolean.FALSE, config.addBosToken());
    assertEquals(256, config.modelMaxLength());
    assertEquals(TinyTokenizer.CHAT_TEMPLATE, config.defaultChatTemplate().orElseThrow());
    assertFalse(Files.readString(dir.resolve("tokenizer.json")).contains("\r"));
  }

  @Test
  void loadsAndRendersItsChatTemplate(@TempDir Path dir) {
    TinyTokenizer.write(dir);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      String prompt =
          tokenizer
              .chatTemplate()
              .orElseThrow()
              .render(
                  List.of(
                      ChatMessage.system("You are terse."),
                      ChatMessage.user("Hi!"),
                      ChatMessage.assistant("Hello."),
                      ChatMessage.user("Name a color.")),
                  true);
      assertEquals(
          "<|im_start|>system\nYou are terse.<|im_end|>\n"
              + "<|im_start|>user\nHi!<|im_end|>\n"
              + "<|im_start|>assistant\nHello.<|im_end|>\n"
              + "<|im_start|>user\nName a color.<|im_end|>\n"
              + "<|im_start|>assistant\n",
          prompt);
      int[] ids = tokenizer.encode(prompt, false);
      assertEquals(tokenizer.tokenId("<|im_start|>").getAsInt(), ids[0]);
      assertEquals(prompt, tokenizer.decode(ids, false));
    }
  }

  private static String decodeSymbol(String symbol) {
    char c = symbol.charAt(0);
    for (int b = 0; b < 256; b++) {
      if (ByteLevelBpe.ALPHABET[b] == c) {
        return String.valueOf((char) b);
      }
    }
    return null;
  }

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
