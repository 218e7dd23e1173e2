package dev.armory.engine.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A Hugging Face fast tokenizer ({@code tokenizer.json}) run by the Rust tokenizers library through
 * DJL's binding, with the special tokens and chat templates of {@code tokenizer_config.json}.
 *
 * <p>{@code encode(text, true)} behaves like transformers' {@code tokenizer(text)}: when {@code
 * tokenizer_config.json} states {@code add_bos_token}/{@code add_eos_token} (Llama-style
 * tokenizers), those flags decide and the post-processor of {@code tokenizer.json} is bypassed, so
 * BOS is added exactly once whether or not the post-processor also adds it; otherwise the
 * post-processor decides. Decoding never applies transformers' {@code clean_up_tokenization_spaces}
 * rewrite, so decode(encode(text)) returns text unchanged for lossless tokenizers.
 */
public final class HfTokenizer implements AutoCloseable {

  static {
    // DJL phones home from EC2 and may fetch a CUDA build of the native library unless offline;
    // offline it uses the CPU library inside its jar and never touches the network.
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  private static final Map<String, String> NATIVE_OPTIONS =
      // DJL's wrapper otherwise truncates to 512 tokens and pads batches by default.
      Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false");

  private final Path directory;
  private final HuggingFaceTokenizer tokenizer;
  private final Vocabulary vocabulary;
  private final TokenizerConfig config;
  private final boolean configDecidesSpecialTokens;
  private volatile boolean closed;

  private HfTokenizer(
      Path directory,
      HuggingFaceTokenizer tokenizer,
      Vocabulary vocabulary,
      TokenizerConfig config) {
    this.directory = directory;
    this.tokenizer = tokenizer;
    this.vocabulary = vocabulary;
    this.config = config;
    this.configDecidesSpecialTokens = config.addBosToken() != null || config.addEosToken() != null;
  }

  /** Loads {@code tokenizer.json} and its configuration files from a model directory. */
  public static HfTokenizer load(Path modelDir) {
    if (!Files.isDirectory(modelDir)) {
      throw new TokenizerException(modelDir + ": not a directory; pass a model directory");
    }
    Path file = modelDir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      String found =
          Files.isRegularFile(modelDir.resolve("tokenizer.model"))
              ? " It has a SentencePiece tokenizer.model, which Armory does not read."
              : "";
      throw new TokenizerException(
          file
              + ": missing. The model directory needs a tokenizer.json (Hugging Face fast"
              + " tokenizer)."
              + found
              + " Slow or SentencePiece-only tokenizers are not supported: convert with Hugging"
              + " Face first (AutoTokenizer.from_pretrained(dir).save_pretrained(dir) writes"
              + " tokenizer.json).");
    }
    String json;
    JsonNode root;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new TokenizerException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new TokenizerException(file + ": cannot be read (" + e.getMessage() + ")", e);
    }
    if (root == null || !root.isObject() || !root.path("model").isObject()) {
      throw new TokenizerException(
          file + ": has no 'model' object; it is not a Hugging Face tokenizers file");
    }
    Vocabulary vocabulary = Vocabulary.of(file, root);
    TokenizerConfig config = TokenizerConfig.read(modelDir);
    checkSpecialTokens(modelDir, config, vocabulary);

    HuggingFaceTokenizer tokenizer;
    try {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), NATIVE_OPTIONS);
    } catch (IOException | RuntimeException e) {
      throw new TokenizerException(
          file + ": the tokenizers library rejected it: " + e.getMessage(), e);
    }
    return new HfTokenizer(modelDir, tokenizer, vocabulary, config);
  }

  private static void checkSpecialTokens(Path dir, TokenizerConfig config, Vocabulary vocabulary) {
    checkSpecialToken(
        dir, config.addBosToken(), "add_bos_token", "bos_token", config.bosToken(), vocabulary);
    checkSpecialToken(
        dir, config.addEosToken(), "add_eos_token", "eos_token", config.eosToken(), vocabulary);
  }

  private static void checkSpecialToken(
      Path dir,
      Boolean flag,
      String flagKey,
      String tokenKey,
      String token,
      Vocabulary vocabulary) {
    if (isTrue(flag) && (token == null || vocabulary.id(token).isEmpty())) {
      throw new TokenizerException(
          dir.resolve("tokenizer_config.json")
              + ": "
              + flagKey
              + " is true but "
              + tokenKey
              + (token == null ? " is not set" : " '" + token + "' is not in tokenizer.json")
              + "; fix the token or set "
              + flagKey
              + " to false");
    }
  }

  /** Token ids of {@code text}; with special tokens as transformers' {@code tokenizer(text)}. */
  public int[] encode(String text, boolean addSpecialTokens) {
    Encoding encoding = open().encode(text, addSpecialTokens && !configDecidesSpecialTokens, false);
    return withSpecialTokens(encoding.getIds(), addSpecialTokens);
  }

  /** Encodes each text on its own (no padding, no truncation); the Rust side runs in parallel. */
  public List<int[]> encodeBatch(List<String> texts, boolean addSpecialTokens) {
    Encoding[] encodings =
        open().batchEncode(texts, addSpecialTokens && !configDecidesSpecialTokens, false);
    List<int[]> result = new ArrayList<>(encodings.length);
    for (Encoding encoding : encodings) {
      result.add(withSpecialTokens(encoding.getIds(), addSpecialTokens));
    }
    return result;
  }

  private int[] withSpecialTokens(long[] ids, boolean addSpecialTokens) {
    boolean bos = addSpecialTokens && configDecidesSpecialTokens && isTrue(config.addBosToken());
    boolean eos = addSpecialTokens && configDecidesSpecialTokens && isTrue(config.addEosToken());
    int offset = bos ? 1 : 0;
    int[] out = new int[ids.length + offset + (eos ? 1 : 0)];
    if (bos) {
      out[0] = bosId().orElseThrow();
    }
    for (int i = 0; i < ids.length; i++) {
      out[i + offset] = Math.toIntExact(ids[i]);
    }
    if (eos) {
      out[out.length - 1] = eosId().orElseThrow();
    }
    return out;
  }

  private static boolean isTrue(Boolean flag) {
    return Boolean.TRUE.equals(flag);
  }

  /** Text of {@code ids}; special tokens are dropped when {@code skipSpecialTokens}. */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] wide = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (!vocabulary.contains(ids[i])) {
        throw new IllegalArgumentException(
            "cannot decode token id "
                + ids[i]
                + " at position "
                + i
                + ": "
                + directory.resolve("tokenizer.json")
                + " has no token with that id (ids run from 0 to "
                + (vocabulary.idLimit() - 1)
                + ")");
      }
      wide[i] = ids[i];
    }
    return open().decode(wide, skipSpecialTokens);
  }

  /** A decoder that turns a growing list of generated ids into text deltas. */
  public IncrementalDecoder incrementalDecoder(boolean skipSpecialTokens) {
    return new IncrementalDecoder(this, skipSpecialTokens);
  }

  /** Number of distinct tokens including added ones ({@code len(tokenizer)} in transformers). */
  public int vocabSize() {
    return vocabulary.size();
  }

  /** One past the largest token id: the least embedding row count that fits every id. */
  public int idLimit() {
    return vocabulary.idLimit();
  }

  /** The id of a token string (as it appears in the vocabulary, e.g. {@code "▁the"}). */
  public OptionalInt tokenId(String token) {
    return vocabulary.id(token);
  }

  /** The token string of an id; throws {@link IllegalArgumentException} for an unknown id. */
  public String token(int id) {
    return vocabulary.token(id);
  }

  /** Ids of the added tokens marked special in {@code tokenizer.json}. */
  public Set<Integer> specialIds() {
    return vocabulary.specialIds();
  }

  public Optional<String> bosToken() {
    return Optional.ofNullable(config.bosToken());
  }

  public Optional<String> eosToken() {
    return Optional.ofNullable(config.eosToken());
  }

  public Optional<String> padToken() {
    return Optional.ofNullable(config.padToken());
  }

  public Optional<String> unkToken() {
    return Optional.ofNullable(config.unkToken());
  }

  public OptionalInt bosId() {
    return idOf(config.bosToken());
  }

  public OptionalInt eosId() {
    return idOf(config.eosToken());
  }

  public OptionalInt padId() {
    return idOf(config.padToken());
  }

  public OptionalInt unkId() {
    return idOf(config.unkToken());
  }

  private OptionalInt idOf(String token) {
    return token == null ? OptionalInt.empty() : vocabulary.id(token);
  }

  /** The settings read from {@code tokenizer_config.json} and {@code special_tokens_map.json}. */
  public TokenizerConfig config() {
    return config;
  }

  /** The model's default chat template, with this tokenizer's BOS/EOS strings bound. */
  public Optional<ChatTemplate> chatTemplate() {
    return config.defaultChatTemplate().map(this::templateOf);
  }

  /** A named chat template (from the list form of {@code chat_template}). */
  public ChatTemplate chatTemplate(String name) {
    String source = config.chatTemplates().get(name);
    if (source == null) {
      throw new TokenizerException(
          directory.resolve("tokenizer_config.json")
              + ": no chat template named '"
              + name
              + "'; the model has "
              + (config.chatTemplates().isEmpty()
                  ? "no chat template"
                  : "templates " + config.chatTemplates().keySet()));
    }
    return templateOf(source);
  }

  private ChatTemplate templateOf(String source) {
    return ChatTemplate.compile(source, config.bosToken(), config.eosToken());
  }

  /** The model directory this tokenizer was loaded from. */
  public Path directory() {
    return directory;
  }

  private HuggingFaceTokenizer open() {
    if (closed) {
      throw new IllegalStateException(
          "tokenizer of " + directory + " is closed; load it again to keep using it");
    }
    return tokenizer;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      tokenizer.close();
    }
  }
}
