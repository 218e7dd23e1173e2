package dev.armory.engine.merge;

import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.models.CheckpointBinding;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.peft.LoraAdapter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The merged weight of each linear module: the base weight as the adapters saw it plus the
 * combination of their deltas, computed one module at a time (only that module's floats live on the
 * heap). Which checkpoint tensors it rewrites is known up front, so the writer can stream every
 * other tensor unchanged.
 */
final class DeltaMerge {
  /** One adapter's factors on a module, with the adapter's weight. */
  private record Contribution(LoraAdapter.Module module, double weight) {}

  private final BaseLinearWeights base;
  private final MergeMethod method;
  private final double density;
  private final SignElection election;
  private final Map<String, LinearModule> moduleOfTensor = new LinkedHashMap<>();
  private final Map<String, List<Contribution>> contributions = new LinkedHashMap<>();

  DeltaMerge(
      CheckpointBinding checkpoint,
      BaseLinearWeights base,
      List<LoraAdapter> adapters,
      double[] weights,
      MergeMethod method,
      double density,
      SignElection election) {
    this.base = base;
    this.method = method;
    this.density = density;
    this.election = election;
    for (LinearModule m : checkpoint.architecture().linearModules()) {
      List<Contribution> list = new ArrayList<>();
      for (int i = 0; i < adapters.size(); i++) {
        LoraAdapter.Module am = adapters.get(i).module(m.name());
        if (am != null) {
          list.add(new Contribution(am, weights[i]));
        }
      }
      // An NF4 base changes every linear layer (its weights are the dequantised codes).
      if (!list.isEmpty() || base.format() != BaseWeights.FLOAT32) {
        moduleOfTensor.put(checkpoint.tensorName(m.weightName()), m);
        contributions.put(m.name(), list);
      }
    }
  }

  /** Checkpoint names of the tensors this merge recomputes. */
  java.util.Set<String> rewrittenTensors() {
    return moduleOfTensor.keySet();
  }

  /** The linear module stored in checkpoint tensor {@code tensorName}, or null. */
  LinearModule moduleOf(String tensorName) {
    return moduleOfTensor.get(tensorName);
  }

  /** Modules that receive at least one delta. */
  int mergedModules() {
    return (int) contributions.values().stream().filter(l -> !l.isEmpty()).count();
  }

  int rewrittenModules() {
    return contributions.size();
  }

  /** The merged weight of {@code m} in its stored layout ([out, in]; Conv1D [in, out]). */
  float[] mergedWeight(LinearModule m) {
    float[] w = base.read(m); // [out, in]
    List<Contribution> list = contributions.getOrDefault(m.name(), List.of());
    if (!list.isEmpty()) {
      if (method == MergeMethod.LINEAR) {
        addLinear(w, m, list);
      } else {
        addTies(w, list);
      }
    }
    return m.layout() == LinearModule.Layout.LINEAR ? w : BaseLinearWeights.toConv1D(w, m);
  }

  /** w += Σ wᵢ·scaleᵢ·Bᵢ·Aᵢ, a row at a time in double, rounded once per entry. */
  private static void addLinear(float[] w, LinearModule m, List<Contribution> list) {
    int in = m.inFeatures();
    List<LoraFactors> factors = list.stream().map(c -> LoraFactors.of(c.module())).toList();
    double[] row = new double[in];
    for (int o = 0; o < m.outFeatures(); o++) {
      Arrays.fill(row, 0);
      for (int k = 0; k < factors.size(); k++) {
        factors.get(k).addRow(o, list.get(k).weight(), row);
      }
      int at = o * in;
      for (int i = 0; i < in; i++) {
        w[at + i] = (float) (w[at + i] + row[i]);
      }
    }
  }

  private void addTies(float[] w, List<Contribution> list) {
    List<float[]> deltas = new ArrayList<>();
    double[] weights = new double[list.size()];
    for (int k = 0; k < list.size(); k++) {
      deltas.add(LoraFactors.of(list.get(k).module()).delta());
      weights[k] = list.get(k).weight();
    }
    float[] combined = TaskArithmetic.ties(deltas, weights, density, election);
    for (int i = 0; i < w.length; i++) {
      w[i] += combined[i];
    }
  }
}
