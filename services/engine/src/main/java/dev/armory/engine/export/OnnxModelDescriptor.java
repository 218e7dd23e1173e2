package dev.armory.engine.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.ArmoryVersion;
import dev.armory.engine.generate.kv.KvLayout;
import dev.armory.engine.generate.kv.KvNames;
import dev.armory.engine.hf.GenerationConfig;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.models.ModelArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code model.onnx.json}, written beside an exported model so a consumer needs nothing else: the
 * inputs and outputs with shapes and meaning, the KV-cache layout and how to feed it, the
 * precision, the tokenizer files and special ids, generation defaults, where the weights came from,
 * and the parity result.
 */
final class OnnxModelDescriptor {
  static final String FILE = "model.onnx.json";
  static final String FORMAT = "armory-onnx-causal-lm";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private OnnxModelDescriptor() {}

  /** What a runner needs to feed the cache. */
  record KvCache(KvLayout layout, int vocabularySize) {}

  static ObjectNode build(
      ModelArchitecture arch,
      ExportPrecision precision,
      int int4BlockSize,
      int int4Accuracy,
      Map<String, String> source,
      List<String> companionFiles,
      GenerationConfig generation,
      OnnxModelFile.Written written) {
    ModelConfig c = arch.config();
    KvLayout kv = KvLayout.of(c);
    ObjectNode d = JSON.createObjectNode();
    d.put("format", FORMAT);
    d.put("format_version", 1);
    d.put("armory_version", ArmoryVersion.VERSION);
    d.put("model_file", written.onnx().getFileName().toString());
    d.put("external_data_file", written.data().getFileName().toString());
    d.put("model_type", arch.modelType().hfName());
    d.put("architecture", arch.className());
    d.put("vocab_size", c.vocabularySize());
    d.put("max_position_embeddings", c.maxPositionEmbeddings());

    ObjectNode p = d.putObject("precision");
    p.put("weights", precision.label());
    p.put("activations", "float32");
    p.put("kv_cache", "float32");
    p.put("logits", "float32");
    if (precision == ExportPrecision.INT4) {
      p.put("int4_operator", "com.microsoft.MatMulNBits");
      p.put("int4_block_size", int4BlockSize);
      p.put("int4_accuracy_level", int4Accuracy);
      p.put("int4_layers", "decoder linear layers; embeddings, norms and the output head float32");
    }
    if (precision == ExportPrecision.FP16) {
      p.put(
          "note",
          "weights stored as float16 and cast to float32 inside the graph; computation is float32");
    }

    ArrayNode in = d.putArray("inputs");
    io(in, KvNames.INPUT_IDS, "int64", "[batch, sequence]", "token ids of the new tokens");
    io(
        in,
        KvNames.ATTENTION_MASK,
        "int64",
        "[batch, past_sequence + sequence]",
        "1 for real tokens (cached and new), 0 for padding; left padding is supported");
    io(
        in,
        KvNames.POSITION_IDS,
        "int64",
        "[batch, sequence]",
        "position of each new token: cumsum(attention_mask) - 1 at the new columns (0, 1, … for an"
            + " unpadded prompt)");
    io(
        in,
        "past_key_values.{layer}.key",
        "float32",
        "[batch, " + kv.kvHeads() + ", past_sequence, " + kv.headSize() + "]",
        "cached keys of layer 0 … " + (kv.layers() - 1) + "; past_sequence 0 on the first call");
    io(
        in,
        "past_key_values.{layer}.value",
        "float32",
        "[batch, " + kv.kvHeads() + ", past_sequence, " + kv.headSize() + "]",
        "cached values, as the keys");
    ArrayNode out = d.putArray("outputs");
    io(
        out,
        KvNames.LOGITS,
        "float32",
        "[batch, sequence, " + c.vocabularySize() + "]",
        "next-token logits at every new position");
    io(
        out,
        "present.{layer}.key",
        "float32",
        "[batch, " + kv.kvHeads() + ", past_sequence + sequence, " + kv.headSize() + "]",
        "past keys with the new tokens' keys appended: the next call's past_key_values.{layer}.key");
    io(
        out,
        "present.{layer}.value",
        "float32",
        "[batch, " + kv.kvHeads() + ", past_sequence + sequence, " + kv.headSize() + "]",
        "as present.{layer}.key, for values");

    ObjectNode cache = d.putObject("kv_cache");
    cache.put("num_hidden_layers", kv.layers());
    cache.put("num_attention_heads", kv.heads());
    cache.put("num_key_value_heads", kv.kvHeads());
    cache.put("head_dim", kv.headSize());
    cache.put("layout", "[batch, num_key_value_heads, sequence, head_dim]");
    cache.put("past_key_name", "past_key_values.{layer}.key");
    cache.put("past_value_name", "past_key_values.{layer}.value");
    cache.put("present_key_name", "present.{layer}.key");
    cache.put("present_value_name", "present.{layer}.value");
    cache.put(
        "rotary_applied_to_cached_keys", arch.config() instanceof dev.armory.engine.hf.LlamaConfig);
    ArrayNode windows = cache.putArray("sliding_window_per_layer");
    for (int w : kv.windows()) {
      windows.add(w);
    }
    cache.put(
        "usage",
        "First call: the prompt with past_sequence = 0 (empty past tensors). Each later call: the"
            + " new token(s), the previous presents as past, attention_mask extended by the new"
            + " columns. Causality and sliding windows count cache indices.");

    ObjectNode tok = d.putObject("tokenizer");
    ArrayNode files = tok.putArray("files");
    companionFiles.stream().filter(f -> !f.equals(GenerationConfig.FILE)).forEach(files::add);
    if (c.bosTokenId() != null) {
      tok.put("bos_token_id", c.bosTokenId());
    }
    ArrayNode eos = tok.putArray("eos_token_ids");
    List<Integer> eosIds =
        generation != null && !generation.eosTokenIds().isEmpty()
            ? generation.eosTokenIds()
            : c.eosTokenIds();
    eosIds.forEach(eos::add);
    if (generation != null && generation.padTokenId() != null) {
      tok.put("pad_token_id", generation.padTokenId());
    }
    d.set(
        "generation",
        generation != null ? generation.toJson() : JSON.createObjectNode().put("do_sample", false));
    ObjectNode src = d.putObject("source");
    source.forEach(src::put);
    ObjectNode f = d.putObject("files");
    f.put("onnx_bytes", written.onnxBytes());
    f.put("external_data_bytes", written.dataBytes());
    return d;
  }

  private static void io(ArrayNode list, String name, String dtype, String shape, String meaning) {
    ObjectNode n = list.addObject();
    n.put("name", name);
    n.put("dtype", dtype);
    n.put("shape", shape);
    n.put("description", meaning);
  }

  static void write(Path dir, ObjectNode descriptor) throws IOException {
    JSON.writeValue(dir.resolve(FILE).toFile(), descriptor);
  }

  /** The cache geometry and vocabulary recorded in {@code dir}'s descriptor. */
  static KvCache readKvCache(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": not found; pass a directory written by armory export");
    }
    JsonNode d = JSON.readTree(file.toFile());
    if (!FORMAT.equals(d.path("format").asText())) {
      throw new IOException(file + ": 'format' is not " + FORMAT);
    }
    JsonNode kv = d.path("kv_cache");
    int layers = kv.path("num_hidden_layers").asInt();
    int[] windows = new int[layers];
    for (int i = 0; i < layers; i++) {
      windows[i] = kv.path("sliding_window_per_layer").path(i).asInt();
    }
    return new KvCache(
        new KvLayout(
            layers,
            kv.path("num_attention_heads").asInt(),
            kv.path("num_key_value_heads").asInt(),
            kv.path("head_dim").asInt(),
            windows),
        d.path("vocab_size").asInt());
  }
}
