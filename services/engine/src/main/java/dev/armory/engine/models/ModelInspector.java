package dev.armory.engine.models;

import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.safetensors.TensorInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link ModelInspection} from an opened model directory. */
public final class ModelInspector {
  private ModelInspector() {}

  /** Inspects {@code dir}: binds its checkpoint to the architecture its config describes. */
  public static ModelInspection inspect(HfModelDir dir) throws IOException {
    ModelArchitecture arch = ModelArchitecture.of(dir.config());
    CheckpointBinding binding = arch.bind(dir.weights());

    List<ModelInspection.Parameter> parameters = new ArrayList<>();
    Map<ParameterKind, Long> byKind = new EnumMap<>(ParameterKind.class);
    for (ParameterKind k : ParameterKind.values()) {
      byKind.put(k, 0L);
    }
    long total = 0;
    for (ParameterSpec p : arch.parameters()) {
      TensorInfo t = binding.info(p.name());
      parameters.add(
          new ModelInspection.Parameter(
              t.name(), t.dtype().name(), t.shape(), t.elementCount(), p.kind()));
      byKind.merge(p.kind(), t.elementCount(), Long::sum);
      total += t.elementCount();
    }

    Map<String, List<LinearModule>> groups = new LinkedHashMap<>();
    for (LinearModule m : arch.linearModules()) {
      groups.computeIfAbsent(m.relativeName(), k -> new ArrayList<>()).add(m);
    }
    List<ModelInspection.TargetGroup> targets = new ArrayList<>();
    for (List<LinearModule> g : groups.values()) {
      LinearModule first = g.get(0);
      targets.add(
          new ModelInspection.TargetGroup(
              first.shortName(),
              first.relativeName(),
              first.inFeatures(),
              first.outFeatures(),
              first.bias(),
              first.layout(),
              first.defaultLoraTarget(),
              g.stream().map(LinearModule::name).toList()));
    }

    return new ModelInspection(
        dir.directory(),
        arch.modelType(),
        arch.className(),
        ModuleTree.render(arch.moduleTree()),
        parameters,
        total,
        byKind,
        dir.config().tieWordEmbeddings(),
        targets,
        arch.defaultLoraTargets(),
        binding.ignoredTensors(),
        binding.unexpectedTensors());
  }
}
