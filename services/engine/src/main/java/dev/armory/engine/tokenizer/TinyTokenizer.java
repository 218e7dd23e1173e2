package dev.armory.engine.tokenizer;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a small, deterministic Hugging Face tokenizer for test and demo models: byte-level BPE
 * (GPT-2's byte alphabet, so any UTF-8 text round-trips exactly) with {@value #MERGES} merges
 * learnt from an embedded English corpus, four special tokens, and a ChatML chat template. The
 * files are byte-identical on every run and machine.
 */
public final class TinyTokenizer {
  /** Merge budget; with 256 byte tokens and the special tokens the vocabulary stays within 512. */
  public static final int MERGES = 240;

  public static final String END_OF_TEXT = "<|endoftext|>";
  public static final String IM_START = "<|im_start|>";
  public static final String IM_END = "<|im_end|>";
  public static final String PAD = "<|pad|>";

  /** ChatML, as Qwen2-style instruct models use it, without a default system prompt. */
  public static final String CHAT_TEMPLATE =
      "{% for message in messages %}"
          + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
          + "{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  private static final List<String> SPECIAL_TOKENS = List.of(END_OF_TEXT, IM_START, IM_END, PAD);
  private static final String CORPUS = "tiny-corpus.txt";
  private static final ObjectWriter JSON =
      new ObjectMapper()
          .writer(
              new DefaultPrettyPrinter()
                  .withSeparators(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                  .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                  .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private static ByteLevelBpe.Model trained;

  /** What was written: the sizes and special tokens a model config needs. */
  public record Written(
      int vocabSize,
      int bosId,
      int eosId,
      int padId,
      String bosToken,
      String eosToken,
      String padToken,
      List<String> specialTokens,
      int modelMaxLength) {}

  private TinyTokenizer() {}

  /** Writes tokenizer files into {@code dir} (created if absent) with model_max_length 2048. */
  public static Written write(Path dir) {
    return write(dir, 2048);
  }

  /** Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into {@code dir}. */
  public static Written write(Path dir, int modelMaxLength) {
    ByteLevelBpe.Model model = model();
    int firstSpecial = model.tokens().size();
    Written written =
        new Written(
            firstSpecial + SPECIAL_TOKENS.size(),
            firstSpecial + SPECIAL_TOKENS.indexOf(END_OF_TEXT),
            firstSpecial + SPECIAL_TOKENS.indexOf(IM_END),
            firstSpecial + SPECIAL_TOKENS.indexOf(PAD),
            END_OF_TEXT,
            IM_END,
            PAD,
            SPECIAL_TOKENS,
            modelMaxLength);
    try {
      Files.createDirectories(dir);
      writeJson(dir.resolve("tokenizer.json"), tokenizerJson(model));
      writeJson(dir.resolve("tokenizer_config.json"), tokenizerConfig(written));
      writeJson(dir.resolve("special_tokens_map.json"), specialTokensMap());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write tokenizer files into " + dir, e);
    }
    return written;
  }

  private static synchronized ByteLevelBpe.Model model() {
    if (trained == null) {
      trained = ByteLevelBpe.train(corpus(), MERGES);
    }
    return trained;
  }

  private static String corpus() {
    try (InputStream in = TinyTokenizer.class.getResourceAsStream(CORPUS)) {
      if (in == null) {
        throw new IllegalStateException("resource " + CORPUS + " is missing from the engine jar");
      }
      // Line endings normalised so a checkout with CRLF trains the same merges.
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + CORPUS, e);
    }
  }

  private static ObjectNode tokenizerJson(ByteLevelBpe.Model model) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
      ObjectNode token = added.addObject();
      token.put("id", model.tokens().size() + i);
      token.put("content", SPECIAL_TOKENS.get(i));
      token.put("single_word", false);
      token.put("lstrip", false);
      token.put("rstrip", false);
      token.put("normalized", false);
      token.put("special", true);
    }
    root.putNull("normalizer");
    root.set("pre_tokenizer", byteLevel(false));
    root.set("post_processor", byteLevel(false));
    root.set("decoder", byteLevel(true));
    ObjectNode bpe = root.putObject("model");
    bpe.put("type", "BPE");
    bpe.putNull("dropout");
    bpe.putNull("unk_token");
    bpe.putNull("continuing_subword_prefix");
    bpe.putNull("end_of_word_suffix");
    bpe.put("fuse_unk", false);
    bpe.put("byte_fallback", false);
    ObjectNode vocab = bpe.putObject("vocab");
    for (int id = 0; id < model.tokens().size(); id++) {
      vocab.put(model.tokens().get(id), id);
    }
    ArrayNode merges = bpe.putArray("merges");
    for (String[] merge : model.merges()) {
      merges.add(merge[0] + " " + merge[1]); // byte-level symbols never contain a space
    }
    return root;
  }

  private static ObjectNode byteLevel(boolean decoder) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", "ByteLevel");
    node.put("add_prefix_space", decoder);
    node.put("trim_offsets", true);
    node.put("use_regex", true);
    return node;
  }

  private static ObjectNode tokenizerConfig(Written written) {
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.put("add_bos_token", false);
    config.put("add_eos_token", false);
    config.put("bos_token", written.bosToken());
    config.put("eos_token", written.eosToken());
    config.put("pad_token", written.padToken());
    config.putNull("unk_token");
    ArrayNode extra = config.putArray("additional_special_tokens");
    extra.add(IM_START);
    extra.add(IM_END);
    config.put("chat_template", CHAT_TEMPLATE);
    config.put("clean_up_tokenization_spaces", false);
    config.put("model_max_length", written.modelMaxLength());
    config.put("tokenizer_class", "PreTrainedTokenizerFast");
    return config;
  }

  private static ObjectNode specialTokensMap() {
    ObjectNode map = JsonNodeFactory.instance.objectNode();
    map.put("bos_token", END_OF_TEXT);
    map.put("eos_token", IM_END);
    map.put("pad_token", PAD);
    ArrayNode extra = map.putArray("additional_special_tokens");
    extra.add(IM_START);
    extra.add(IM_END);
    return map;
  }

  private static void writeJson(Path file, ObjectNode node) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(node);
    byte[] withNewline = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, withNewline, 0, bytes.length);
    withNewline[bytes.length] = '\n';
    Files.write(file, withNewline);
  }
}
