package dev.armory.engine.models;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.hf.ModelType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code armory inspect} reports about a model directory: the PyTorch-style module tree, every
 * parameter tensor with dtype and shape, parameter counts in total and per kind, and the linear
 * layers adapters can target. {@link #toText} for people, {@link #toJson} for machines.
 */
public record ModelInspection(
    Path directory,
    ModelType modelType,
    String className,
    String moduleTree,
    List<Parameter> parameters,
    long totalParameters,
    Map<ParameterKind, Long> parametersByKind,
    boolean tiedEmbeddings,
    List<TargetGroup> targets,
    List<String> defaultLoraTargets,
    List<String> ignoredTensors,
    List<String> unexpectedTensors) {

  /** One parameter tensor as stored: checkpoint name, dtype, shape. */
  public record Parameter(
      String name, String dtype, long[] shape, long elements, ParameterKind kind) {
    public Parameter {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }
  }

  /**
   * The linear modules that share one position in every block, e.g. all {@code self_attn.q_proj}.
   *
   * @param shortName what a PEFT target list names it by, e.g. {@code q_proj}
   * @param relativeName its path in the block, e.g. {@code self_attn.q_proj}
   * @param modules full dotted names, one per block
   */
  public record TargetGroup(
      String shortName,
      String relativeName,
      int inFeatures,
      int outFeatures,
      boolean bias,
      LinearModule.Layout layout,
      boolean defaultLoraTarget,
      List<String> modules) {}

  /** Human-readable report. */
  public String toText() {
    StringBuilder s = new StringBuilder();
    s.append("Model: ")
        .append(directory)
        .append(" (model_type ")
        .append(modelType.hfName())
        .append(")\n\n");
    s.append(moduleTree).append("\n\n");
    s.append("Parameters: ")
        .append(grouped(totalParameters))
        .append(" total; tied embeddings: ")
        .append(tiedEmbeddings ? "yes (lm_head reuses the token embedding)" : "no")
        .append('\n');
    parametersByKind.forEach(
        (kind, n) -> s.append(String.format(Locale.ROOT, "  %-10s %,15d%n", kind.label(), n)));
    s.append("\nParameter tensors (dtype, shape):\n");
    int width = parameters.stream().mapToInt(p -> p.name().length()).max().orElse(0);
    for (Parameter p : parameters) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %-" + width + "s  %-4s  %s%n",
              p.name(),
              p.dtype(),
              Arrays.toString(p.shape())));
    }
    s.append("\nLinear layers adapters can target (* = default LoRA target):\n");
    for (TargetGroup g : targets) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %s %-10s %-18s %6d -> %-6d bias=%-5s %-6s x%d%n",
              g.defaultLoraTarget() ? "*" : " ",
              g.shortName(),
              g.relativeName(),
              g.inFeatures(),
              g.outFeatures(),
              g.bias() ? "True" : "False",
              g.layout() == LinearModule.Layout.CONV1D ? "Conv1D" : "Linear",
              g.modules().size()));
    }
    s.append("Default LoRA target_modules: ").append(defaultLoraTargets).append('\n');
    if (!ignoredTensors.isEmpty()) {
      s.append("Ignored tensors (buffers, tied copies): ")
          .append(ignoredTensors.size())
          .append('\n');
    }
    if (!unexpectedTensors.isEmpty()) {
      s.append("WARNING: tensors that belong to no parameter: ")
          .append(unexpectedTensors)
          .append('\n');
    }
    return s.toString();
  }

  /** The report as JSON (counts as plain numbers). */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode n = f.objectNode();
    n.put("directory", directory.toString());
    n.put("modelType", modelType.hfName());
    n.put("architecture", className);
    n.put("totalParameters", totalParameters);
    ObjectNode kinds = n.putObject("parametersByKind");
    parametersByKind.forEach((k, v) -> kinds.put(k.label(), v));
    n.put("tiedEmbeddings", tiedEmbeddings);
    n.put("moduleTree", moduleTree);
    ArrayNode params = n.putArray("parameters");
    for (Parameter p : parameters) {
      ObjectNode o = params.addObject();
      o.put("name", p.name());
      o.put("dtype", p.dtype());
      ArrayNode shape = o.putArray("shape");
      for (long d : p.shape()) {
        shape.add(d);
      }
      o.put("elements", p.elements());
      o.put("kind", p.kind().label());
    }
    ArrayNode groups = n.putArray("targetModules");
    for (TargetGroup g : targets) {
      ObjectNode o = groups.addObject();
      o.put("name", g.shortName());
      o.put("path", g.relativeName());
      o.put("inFeatures", g.inFeatures());
      o.put("outFeatures", g.outFeatures());
      o.put("bias", g.bias());
      o.put("layout", g.layout().name());
      o.put("defaultLoraTarget", g.defaultLoraTarget());
      g.modules().forEach(o.putArray("modules")::add);
    }
    defaultLoraTargets.forEach(n.putArray("defaultLoraTargets")::add);
    ignoredTensors.forEach(n.putArray("ignoredTensors")::add);
    unexpectedTensors.forEach(n.putArray("unexpectedTensors")::add);
    return n;
  }

  private static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
