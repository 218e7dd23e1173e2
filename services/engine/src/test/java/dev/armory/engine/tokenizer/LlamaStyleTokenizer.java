package dev.armory.engine.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a small tokenizer laid out as Hugging Face converts SentencePiece (Llama) models: BPE over
 * "▁"-marked pieces with byte fallback ({@code <0xE4>}...), a Prepend/Replace normalizer, and a
 * decoder that strips the leading space. Ids: {@code <unk>}=0, {@code <s>}=1, {@code </s>}=2, bytes
 * 3..258, then pieces.
 */
final class LlamaStyleTokenizer {
  static final int UNK = 0;
  static final int BOS = 1;
  static final int EOS = 2;
  private static final List<String> PIECES =
      List.of(
          "▁", "a", "b", "c", "d", "e", "f", "g", "h", "i", "k", "l", "m", "n", "o", "p", "r", "s",
          "t", "u", "w", "y", "H", "O", "L", ",", ".", "▁t", "he", "▁the", "▁a", "in", "▁w", "as");
  private static final List<String> MERGES =
      List.of("▁ t", "h e", "▁t he", "▁ a", "i n", "▁ w", "a s");

  private LlamaStyleTokenizer() {}

  /**
   * Writes tokenizer.json (with or without a post-processor adding {@code <s>}) and, when {@code
   * addBosToken} is non-null, a tokenizer_config.json stating add_bos_token.
   */
  static Path write(Path dir, boolean postProcessorAddsBos, Boolean addBosToken)
      throws IOException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    String[] specials = {"<unk>", "<s>", "</s>"};
    for (int id = 0; id < specials.length; id++) {
      ObjectNode token = added.addObject();
      token.put("id", id);
      token.put("content", specials[id]);
      token.put("single_word", false);
      token.put("lstrip", false);
      token.put("rstrip", false);
      token.put("normalized", false);
      token.put("special", true);
    }
    ObjectNode normalizer = root.putObject("normalizer");
    normalizer.put("type", "Sequence");
    ArrayNode normalizers = normalizer.putArray("normalizers");
    normalizers.addObject().put("type", "Prepend").put("prepend", "▁");
    ObjectNode replace = normalizers.addObject().put("type", "Replace");
    replace.putObject("pattern").put("String", " ");
    replace.put("content", "▁");
    root.putNull("pre_tokenizer");
    if (postProcessorAddsBos) {
      ObjectNode post = root.putObject("post_processor");
      post.put("type", "TemplateProcessing");
      ArrayNode single = post.putArray("single");
      single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
      single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
      ArrayNode pair = post.putArray("pair");
      pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
      pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
      pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
      ObjectNode bos = post.putObject("special_tokens").putObject("<s>");
      bos.put("id", "<s>");
      bos.putArray("ids").add(BOS);
      bos.putArray("tokens").add("<s>");
    } else {
      root.putNull("post_processor");
    }
    ObjectNode decoder = root.putObject("decoder");
    decoder.put("type", "Sequence");
    ArrayNode decoders = decoder.putArray("decoders");
    ObjectNode space = decoders.addObject().put("type", "Replace");
    space.putObject("pattern").put("String", "▁");
    space.put("content", " ");
    decoders.addObject().put("type", "ByteFallback");
    decoders.addObject().put("type", "Fuse");
    decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.put("unk_token", "<unk>");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", true);
    model.put("byte_fallback", true);
    ObjectNode vocab = model.putObject("vocab");
    for (int id = 0; id < specials.length; id++) {
      vocab.put(specials[id], id);
    }
    for (int b = 0; b < 256; b++) {
      vocab.put(String.format("<0x%02X>", b), 3 + b);
    }
    for (int i = 0; i < PIECES.size(); i++) {
      vocab.put(PIECES.get(i), 259 + i);
    }
    ArrayNode merges = model.putArray("merges");
    MERGES.forEach(merges::add);

    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper();
    json.writeValue(dir.resolve("tokenizer.json").toFile(), root);
    if (addBosToken != null) {
      ObjectNode config = f.objectNode();
      config.put("add_bos_token", addBosToken);
      config.put("add_eos_token", false);
      config.put("bos_token", "<s>");
      config.put("eos_token", "</s>");
      config.put("unk_token", "<unk>");
      config.putNull("pad_token");
      json.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
    }
    return dir;
  }
}
