package dev.armory.engine.merge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.ArmoryVersion;
import dev.armory.engine.finetune.ModelHashes;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.models.CheckpointBinding;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * merge_and_unload for LoRA: writes a Hugging Face model directory whose linear weights are W + the
 * combined adapter deltas (W + scale·B·A for one adapter; GPT-2's Conv1D weights get the
 * transpose), so the result runs without adapters anywhere HF checkpoints load. The merge runs in
 * float32 from the base as the adapters saw it (an NF4 base is dequantised first; 4-bit codes are
 * never merged into), one tensor at a time, into a temporary sibling directory renamed into place
 * at the end. Beside the weights: config.json (torch_dtype updated), generation and tokenizer
 * files, and {@code armory_merge.json} recording what was merged.
 */
public final class ModelMerger {
  /** The lineage file written into merged directories. */
  public static final String MANIFEST = "armory_merge.json";

  /** Progress callback: one call per tensor written. */
  @FunctionalInterface
  public interface Listener {
    void tensorWritten(String name, int done, int total);

    Listener NONE = (name, done, total) -> {};
  }

  private ModelMerger() {}

  public static MergeResult merge(MergeRequest request) throws IOException {
    return merge(request, Listener.NONE);
  }

  public static MergeResult merge(MergeRequest request, Listener listener) throws IOException {
    Path out = request.out().toAbsolutePath().normalize();
    checkOutput(request.model(), out);
    List<Path> adapterDirs =
        request.adapters().stream()
            .map(a -> AdapterProvenance.adapterDirectory(a.directory()))
            .toList();
    AdapterProvenance.ResolvedBase base =
        AdapterProvenance.resolve(request.baseWeights(), adapterDirs);
    Files.createDirectories(out.getParent());
    Path partial =
        Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".partial-");
    try (HfModelDir model = HfModelDir.open(request.model())) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      CheckpointBinding checkpoint = arch.bind(model.weights());
      List<LoraAdapter> adapters = new ArrayList<>();
      double[] weights = new double[adapterDirs.size()];
      for (int i = 0; i < adapterDirs.size(); i++) {
        adapters.add(LoraAdapter.load(adapterDirs.get(i), arch));
        weights[i] = request.adapters().get(i).weight();
      }
      DeltaMerge merge =
          new DeltaMerge(
              checkpoint,
              new BaseLinearWeights(checkpoint, base.weights()),
              adapters,
              weights,
              request.method(),
              request.density(),
              request.signElection());
      MergedCheckpointWriter.Written written =
          new MergedCheckpointWriter(model.weights(), merge, request.dtype())
              .write(partial, request.maxShardBytes(), listener::tensorWritten);
      ModelDirectoryFiles.copy(model.directory(), partial, request.dtype());
      writeManifest(partial, request, model, adapterDirs, adapters, base, merge);
      moveInto(partial, out);
      List<Path> files =
          written.files().stream().map(f -> out.resolve(f.getFileName().toString())).toList();
      return new MergeResult(
          out,
          base.weights(),
          base.source(),
          merge.mergedModules(),
          merge.rewrittenModules(),
          written.tensors(),
          files,
          written.bytes());
    } finally {
      deleteTree(partial);
    }
  }

  private static void checkOutput(Path model, Path out) throws IOException {
    if (out.equals(model.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException(
          out + ": the output directory is the base model's; choose a new directory");
    }
    if (Files.exists(out)) {
      if (!Files.isDirectory(out)) {
        throw new IllegalArgumentException(out + ": exists and is not a directory");
      }
      try (Stream<Path> s = Files.list(out)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException(
              out + ": exists and is not empty; choose a new directory or empty it");
        }
      }
    }
  }

  private static void writeManifest(
      Path dir,
      MergeRequest request,
      HfModelDir model,
      List<Path> adapterDirs,
      List<LoraAdapter> adapters,
      AdapterProvenance.ResolvedBase base,
      DeltaMerge merge)
      throws IOException {
    ObjectNode m = ModelDirectoryFiles.JSON.createObjectNode();
    m.put("armory_version", ArmoryVersion.VERSION);
    m.put("created_at", Instant.now().toString());
    m.put("base_model", model.directory().toAbsolutePath().toString());
    m.put("base_model_hash", ModelHashes.sha256(model));
    m.put("base_weights", base.weights().name().toLowerCase());
    m.put("base_weights_source", base.source());
    m.put("method", request.method().name().toLowerCase());
    if (request.method() == MergeMethod.TIES) {
      m.put("density", request.density());
      m.put("sign_election", request.signElection().name().toLowerCase());
    }
    m.put("dtype", request.dtype().name().toLowerCase());
    m.put("merged_modules", merge.mergedModules());
    ArrayNode list = m.putArray("adapters");
    for (int i = 0; i < adapters.size(); i++) {
      LoraAdapter a = adapters.get(i);
      ObjectNode n = list.addObject();
      n.put("path", adapterDirs.get(i).toAbsolutePath().toString());
      n.put("weight", request.adapters().get(i).weight());
      n.put("r", a.config().rank());
      n.put("lora_alpha", a.config().alpha());
      n.put("use_rslora", a.config().useRslora());
      n.put("modules", a.modules().size());
    }
    ModelDirectoryFiles.JSON.writeValue(dir.resolve(MANIFEST).toFile(), m);
  }

  private static void moveInto(Path partial, Path out) throws IOException {
    if (Files.isDirectory(out)) {
      Files.delete(out); // checked empty above
    }
    try {
      Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(partial, out);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
