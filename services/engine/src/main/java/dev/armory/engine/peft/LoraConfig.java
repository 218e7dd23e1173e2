package dev.armory.engine.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.models.ModelArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * LoRA hyperparameters as Hugging Face PEFT's LoraConfig holds them, read from and written to
 * {@code adapter_config.json}.
 *
 * @param rank r, the inner dimension of B·A
 * @param alpha lora_alpha; the update is scaled by alpha/r (alpha/√r with rsLoRA)
 * @param dropout lora_dropout applied to the layer input of the adapter branch while training
 * @param targets which linear modules get an adapter
 * @param useRslora rank-stabilised scaling alpha/√r
 * @param rankPattern per-module r overrides (PEFT rank_pattern: regex key → r)
 * @param alphaPattern per-module alpha overrides (PEFT alpha_pattern)
 * @param baseModel base_model_name_or_path (informational)
 */
public record LoraConfig(
    int rank,
    double alpha,
    double dropout,
    TargetModules targets,
    boolean useRslora,
    Map<String, Integer> rankPattern,
    Map<String, Double> alphaPattern,
    String baseModel) {

  public static final String FILE = "adapter_config.json";

  public LoraConfig {
    if (rank <= 0) {
      throw new IllegalArgumentException("LoRA rank r must be positive, got " + rank);
    }
    if (alpha <= 0) {
      throw new IllegalArgumentException("lora_alpha must be positive, got " + alpha);
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
    }
    rankPattern = Map.copyOf(rankPattern);
    alphaPattern = Map.copyOf(alphaPattern);
  }

  /** r=16, alpha=32, no dropout, default targets: a common QLoRA starting point. */
  public static LoraConfig defaults() {
    return new LoraConfig(
        16, 32, 0.0, new TargetModules.ArchitectureDefault(), false, Map.of(), Map.of(), "");
  }

  public LoraConfig withRank(int r) {
    return new LoraConfig(
        r, alpha, dropout, targets, useRslora, rankPattern, alphaPattern, baseModel);
  }

  public LoraConfig withAlpha(double a) {
    return new LoraConfig(
        rank, a, dropout, targets, useRslora, rankPattern, alphaPattern, baseModel);
  }

  public LoraConfig withDropout(double p) {
    return new LoraConfig(rank, alpha, p, targets, useRslora, rankPattern, alphaPattern, baseModel);
  }

  public LoraConfig withTargets(TargetModules t) {
    return new LoraConfig(rank, alpha, dropout, t, useRslora, rankPattern, alphaPattern, baseModel);
  }

  public LoraConfig withRslora(boolean on) {
    return new LoraConfig(rank, alpha, dropout, targets, on, rankPattern, alphaPattern, baseModel);
  }

  public LoraConfig withBaseModel(String name) {
    return new LoraConfig(
        rank, alpha, dropout, targets, useRslora, rankPattern, alphaPattern, name);
  }

  /** r of a module, honouring rank_pattern as PEFT does (first key matching (.*\.)?(KEY)$). */
  public int rankOf(LinearModule m) {
    for (Map.Entry<String, Integer> e : rankPattern.entrySet()) {
      if (Pattern.compile("(.*\\.)?(" + e.getKey() + ")$").matcher(m.name()).matches()) {
        return e.getValue();
      }
    }
    return rank;
  }

  /** The update scale of a module: alpha/r, or alpha/√r with rsLoRA. */
  public double scaleOf(LinearModule m) {
    double a = alpha;
    for (Map.Entry<String, Double> e : alphaPattern.entrySet()) {
      if (Pattern.compile("(.*\\.)?(" + e.getKey() + ")$").matcher(m.name()).matches()) {
        a = e.getValue();
        break;
      }
    }
    int r = rankOf(m);
    return useRslora ? a / Math.sqrt(r) : a / r;
  }

  /** Writes adapter_config.json as PEFT does (sorted keys, explicit target list). */
  public void write(Path adapterDir, ModelArchitecture arch, List<LinearModule> targeted)
      throws IOException {
    ModelType type = arch.modelType();
    ObjectMapper json =
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alpha_pattern", alphaPattern);
    m.put("base_model_name_or_path", baseModel);
    m.put("bias", "none");
    m.put("exclude_modules", null);
    m.put("fan_in_fan_out", type == ModelType.GPT2);
    m.put("inference_mode", true);
    m.put("init_lora_weights", true);
    m.put("layers_pattern", null);
    m.put("layers_to_transform", null);
    m.put("lora_alpha", alpha);
    m.put("lora_bias", false);
    m.put("lora_dropout", dropout);
    m.put("modules_to_save", null);
    m.put("peft_type", "LORA");
    m.put("r", rank);
    m.put("rank_pattern", rankPattern);
    m.put("revision", null);
    m.put("target_modules", targetList(arch, targeted));
    m.put("task_type", "CAUSAL_LM");
    m.put("use_dora", false);
    m.put("use_rslora", useRslora);
    Files.createDirectories(adapterDir);
    json.writeValue(adapterDir.resolve(FILE).toFile(), new java.util.TreeMap<>(m));
  }

  /**
   * Short names (q_proj …) when they select exactly the targeted modules, else full names: GPT-2's
   * c_proj names both attn.c_proj and mlp.c_proj.
   */
  static List<String> targetList(ModelArchitecture arch, List<LinearModule> targeted) {
    List<String> shortNames = new ArrayList<>();
    List<String> fullNames = new ArrayList<>();
    for (LinearModule t : targeted) {
      if (!shortNames.contains(t.shortName())) {
        shortNames.add(t.shortName());
      }
      fullNames.add(t.name());
    }
    List<LinearModule> bySuffix = new TargetModules.Names(shortNames).select(arch);
    return bySuffix.equals(targeted) ? shortNames : fullNames;
  }

  /**
   * Reads adapter_config.json written by Armory or PEFT. Fields PEFT defaults are defaulted;
   * features this loader does not implement are refused with the field named.
   */
  public static LoraConfig read(Path adapterDir, ModelType type) throws IOException {
    Path file = adapterDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new AdapterFormatException(file + ": not found; an adapter directory needs " + FILE);
    }
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new AdapterFormatException(file + ": not valid JSON (" + e.getMessage() + ")");
    }
    String peftType = text(n, "peft_type", null);
    if (peftType == null) {
      throw new AdapterFormatException(file + ": 'peft_type' is missing");
    }
    if (!peftType.equals("LORA")) {
      throw new AdapterFormatException(
          file + ": peft_type '" + peftType + "' is not a LoRA adapter; this loader reads LORA");
    }
    refuse(file, n, "use_dora", true, "DoRA adapters are not supported yet");
    refuse(file, n, "lora_bias", true, "LoRA bias terms (lora_bias) are not supported");
    String bias = text(n, "bias", "none");
    if (!bias.equals("none")) {
      throw new AdapterFormatException(
          file + ": 'bias' is '" + bias + "'; only 'none' is supported");
    }
    for (String key : List.of("modules_to_save", "layers_to_transform")) {
      JsonNode v = n.get(key);
      if (v != null && !v.isNull() && !(v.isArray() && v.isEmpty())) {
        throw new AdapterFormatException(
            file + ": '" + key + "' is set (" + v + "); not supported");
      }
    }
    JsonNode init = n.get("init_lora_weights");
    if (init != null && init.isTextual() && !init.asText().equals("gaussian")) {
      throw new AdapterFormatException(
          file
              + ": init_lora_weights '"
              + init.asText()
              + "' assumes a modified base weight; convert the adapter to plain LoRA with PEFT first");
    }
    JsonNode t = n.get("target_modules");
    TargetModules targets;
    if (t == null || t.isNull()) {
      targets = new TargetModules.Names(PeftDefaults.loraTargets(type));
    } else if (t.isTextual()) {
      targets =
          t.asText().equals("all-linear")
              ? new TargetModules.AllLinear()
              : new TargetModules.Regex(t.asText());
    } else {
      List<String> names = new ArrayList<>();
      t.forEach(e -> names.add(e.asText()));
      targets = new TargetModules.Names(names);
    }
    Map<String, Integer> rankPattern = new LinkedHashMap<>();
    fields(n.get("rank_pattern"))
        .forEachRemaining(e -> rankPattern.put(e.getKey(), e.getValue().asInt()));
    Map<String, Double> alphaPattern = new LinkedHashMap<>();
    fields(n.get("alpha_pattern"))
        .forEachRemaining(e -> alphaPattern.put(e.getKey(), e.getValue().asDouble()));
    return new LoraConfig(
        n.path("r").asInt(8),
        n.path("lora_alpha").asDouble(8),
        n.path("lora_dropout").asDouble(0.0),
        targets,
        n.path("use_rslora").asBoolean(false),
        rankPattern,
        alphaPattern,
        text(n, "base_model_name_or_path", ""));
  }

  private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode n) {
    return n == null || !n.isObject() ? java.util.Collections.emptyIterator() : n.fields();
  }

  private static String text(JsonNode n, String key, String dflt) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? dflt : v.asText();
  }

  private static void refuse(Path file, JsonNode n, String key, boolean bad, String why)
      throws AdapterFormatException {
    JsonNode v = n.get(key);
    if (v != null && v.isBoolean() && v.asBoolean() == bad) {
      throw new AdapterFormatException(file + ": '" + key + "' is " + bad + ": " + why);
    }
  }
}
