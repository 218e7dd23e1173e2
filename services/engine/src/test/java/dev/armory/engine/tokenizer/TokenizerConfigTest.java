package dev.armory.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerConfigTest {

  @Test
  void readsAddedTokenObjectsAndLetsSpecialTokensMapWin(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        """
        {"add_bos_token": true,
         "bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false},
         "eos_token": "</old>",
         "pad_token": null,
         "model_max_length": 1000000000000000019884624838656}
        """);
    Files.writeString(
        dir.resolve("special_tokens_map.json"),
        "{\"eos_token\": {\"content\": \"</s>\", \"single_word\": false}, \"unk_token\": \"<unk>\"}");
    TokenizerConfig config = TokenizerConfig.read(dir);
    assertEquals("<s>", config.bosToken());
    assertEquals("</s>", config.eosToken(), "special_tokens_map.json wins");
    assertEquals("<unk>", config.unkToken());
    assertNull(config.padToken());
    assertEquals(Boolean.TRUE, config.addBosToken());
    assertNull(config.addEosToken(), "absent flag stays unknown");
    assertNull(config.modelMaxLength(), "transformers' 1e30 means no limit");
    assertTrue(config.chatTemplates().isEmpty());
  }

  @Test
  void namedTemplateListPicksDefaultAndAllowsChoosingByName(@TempDir Path dir) throws IOException {
    TinyTokenizer.write(dir);
    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        """
        {"bos_token": "<|endoftext|>", "eos_token": "<|im_end|>",
         "chat_template": [
           {"name": "tool_use", "template": "TOOLS{{ messages|length }}"},
           {"name": "default", "template": "DEFAULT{{ messages|length }}{{ eos_token }}"}]}
        """);
    try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
      List<ChatMessage> one = List.of(ChatMessage.user("x"));
      assertEquals("DEFAULT1<|im_end|>", tokenizer.chatTemplate().orElseThrow().render(one, true));
      assertEquals("TOOLS1", tokenizer.chatTemplate("tool_use").render(one, true));
      TokenizerException e =
          assertThrows(TokenizerException.class, () -> tokenizer.chatTemplate("rag"));
      assertTrue(e.getMessage().contains("no chat template named 'rag'"), e.getMessage());
      assertTrue(e.getMessage().contains("[tool_use, default]"), e.getMessage());
    }
  }

  @Test
  void chatTemplateJinjaFileWins(@TempDir Path dir) throws IOException {
    TinyTokenizer.write(dir);
    Files.writeString(dir.resolve("chat_template.jinja"), "FROM FILE\n");
    TokenizerConfig config = TokenizerConfig.read(dir);
    assertEquals("FROM FILE\n", config.defaultChatTemplate().orElseThrow());
  }

  @Test
  void malformedConfigNamesFileAndField(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_bos_token\": \"yes\"}");
    TokenizerException e = assertThrows(TokenizerException.class, () -> TokenizerConfig.read(dir));
    assertTrue(
        e.getMessage().contains("tokenizer_config.json: add_bos_token must be true or false"));

    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": 7}");
    e = assertThrows(TokenizerException.class, () -> TokenizerConfig.read(dir));
    assertTrue(e.getMessage().contains("chat_template must be a string or a list"));

    Files.writeString(dir.resolve("tokenizer_config.json"), "{oops");
    e = assertThrows(TokenizerException.class, () -> TokenizerConfig.read(dir));
    assertTrue(e.getMessage().contains("tokenizer_config.json: not valid JSON"), e.getMessage());
  }

  @Test
  void missingFilesMeanAnEmptyConfig(@TempDir Path dir) {
    TokenizerConfig config = TokenizerConfig.read(dir);
    assertEquals(TokenizerConfig.empty(), config);
  }
}
