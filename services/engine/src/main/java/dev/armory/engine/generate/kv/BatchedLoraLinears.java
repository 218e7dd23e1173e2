package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.models.LinearLayers;
import dev.armory.engine.models.LinearModule;
import java.util.Set;

/**
 * Linear layers with a LoRA branch whose factors are graph inputs stacked over adapter slots, so
 * each row of a batch uses its own adapter: y = base(x) + (x · A[i]ᵀ) · B[i]ᵀ with i =
 * adapter_index[row]. Stacks are A [slots, r, in] and B [slots, out, r] (scale folded into B, ranks
 * zero-padded to r, slot 0 all zeros = no adapter), fed at run time: loading an adapter writes a
 * slot and needs no new session. Only {@code modules} get a branch.
 */
public final class BatchedLoraLinears implements LinearLayers {
  private final LinearLayers base;
  private final Set<String> modules;
  private Value adapterIndex;

  /**
   * @param base the base weights' linears
   * @param modules full names of the modules that get a LoRA branch
   */
  public BatchedLoraLinears(LinearLayers base, Set<String> modules) {
    this.base = base;
    this.modules = Set.copyOf(modules);
  }

  @Override
  public Value apply(GraphBuilder b, LinearModule module, Value x) {
    Value y = base.apply(b, module, x);
    if (!modules.contains(module.name())) {
      return y;
    }
    if (adapterIndex == null) {
      adapterIndex = b.input(KvNames.ADAPTER_INDEX, ElementType.INT64, "batch");
    }
    try (var s = b.scope("lora")) {
      Value a =
          b.input(
              KvNames.loraA(module.name()),
              ElementType.FLOAT,
              "lora_slots",
              "lora_rank",
              (long) module.inFeatures());
      Value bStack =
          b.input(
              KvNames.loraB(module.name()),
              ElementType.FLOAT,
              "lora_slots",
              (long) module.outFeatures(),
              "lora_rank");
      Value rowA = b.gather(a, adapterIndex, 0); // [B, r, in]
      Value rowB = b.gather(bStack, adapterIndex, 0); // [B, out, r]
      Value down = b.matmul(x, b.transpose(rowA, 0, 2, 1)); // [B, T, r]
      Value up = b.matmul(down, b.transpose(rowB, 0, 2, 1)); // [B, T, out]
      return b.add(y, up);
    }
  }
}
