package dev.armory.operator.model;

import dev.armory.operator.crd.TuningRunSpec;
import dev.armory.operator.crd.TuningRunSpec.AdapterSpec;
import dev.armory.operator.crd.TuningRunSpec.ArtifactRef;
import dev.armory.operator.crd.TuningRunSpec.EvalSpec;
import dev.armory.operator.crd.TuningRunSpec.Hyperparameters;
import dev.armory.operator.crd.TuningRunSpec.ResourcesSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a spec before a Job is started. The CRD schema already rejects most of these at the API
 * server; the operator checks again because a cluster may run without the schema (or an older one)
 * and because some rules span fields, which the schema cannot express. Each problem names the
 * field, what is wrong and what to do.
 */
public final class SpecValidator {

  private SpecValidator() {}

  /** Every problem of the spec; empty when it is valid. */
  public static List<String> problems(TuningRunSpec spec) {
    List<String> p = new ArrayList<>();
    if (spec == null) {
      p.add("spec: missing; a TuningRun needs at least spec.baseModel and spec.dataset");
      return p;
    }
    ref(p, "spec.baseModel", spec.baseModel(), true, "TinyLlama-1.1B-Chat-v1.0");
    ref(p, "spec.dataset", spec.dataset(), true, "support-v3");
    if (spec.eval() != null) {
      ref(p, "spec.eval.dataset", spec.eval().dataset(), false, "support-v3-eval");
      ref(p, "spec.eval.goldenSet", spec.eval().goldenSet(), false, "support-golden");
    }
    if (spec.adapter() != null) {
      ref(p, "spec.adapter.startFrom", spec.adapter().startFrom(), false, "support-v2");
    }
    adapter(spec.adapter(), p);
    hyperparameters(spec.hyperparameters(), p);
    Hyperparameters h = spec.hyperparameters();
    if (h != null
        && (h.dpoBeta() != null || h.dpoLabelSmoothing() != null)
        && spec.objective() != TuningRunSpec.Objective.DPO) {
      p.add(
          "spec.hyperparameters: dpoBeta and dpoLabelSmoothing apply to objective dpo only;"
              + " set spec.objective: dpo or remove them");
    }
    eval(spec.eval(), p);
    resources(spec.resources(), p);
    return p;
  }

  private static void adapter(AdapterSpec a, List<String> p) {
    if (a == null) {
      return;
    }
    range(p, "spec.adapter.r", a.r(), 1, 1024);
    if (a.alpha() != null && !(a.alpha() > 0)) {
      p.add("spec.adapter.alpha: must be greater than 0, got " + a.alpha() + "; try 2 * r");
    }
    if (a.dropout() != null && !(a.dropout() >= 0 && a.dropout() < 1)) {
      p.add("spec.adapter.dropout: must be in [0, 1), got " + a.dropout());
    }
    List<String> targets = a.targetModules();
    if (targets != null
        && targets.size() > 1
        && (targets.contains("default") || targets.contains("all-linear"))) {
      p.add(
          "spec.adapter.targetModules: 'default' and 'all-linear' stand alone, got "
              + targets
              + "; list module names or use one of the two words");
    }
  }

  private static void hyperparameters(Hyperparameters h, List<String> p) {
    if (h == null) {
      return;
    }
    if (h.learningRate() != null && !(h.learningRate() > 0 && h.learningRate() <= 1)) {
      p.add(
          "spec.hyperparameters.learningRate: must be in (0, 1], got "
              + h.learningRate()
              + "; 2e-4 suits QLoRA");
    }
    range(p, "spec.hyperparameters.epochs", h.epochs(), 1, 1000);
    range(p, "spec.hyperparameters.maxSteps", h.maxSteps(), 0, Integer.MAX_VALUE);
    range(p, "spec.hyperparameters.microBatchSize", h.microBatchSize(), 1, 1024);
    range(
        p,
        "spec.hyperparameters.gradientAccumulationSteps",
        h.gradientAccumulationSteps(),
        1,
        1024);
    range(p, "spec.hyperparameters.maxSeqLen", h.maxSeqLen(), 2, 131072);
    range(p, "spec.hyperparameters.warmupSteps", h.warmupSteps(), 0, Integer.MAX_VALUE);
    if (h.warmupRatio() != null && !(h.warmupRatio() >= 0 && h.warmupRatio() <= 1)) {
      p.add("spec.hyperparameters.warmupRatio: must be in [0, 1], got " + h.warmupRatio());
    }
    if (h.dpoBeta() != null && !(h.dpoBeta() > 0)) {
      p.add(
          "spec.hyperparameters.dpoBeta: must be greater than 0, got " + h.dpoBeta() + "; try 0.1");
    }
    if (h.dpoLabelSmoothing() != null
        && !(h.dpoLabelSmoothing() >= 0 && h.dpoLabelSmoothing() < 0.5)) {
      p.add(
          "spec.hyperparameters.dpoLabelSmoothing: must be in [0, 0.5), got "
              + h.dpoLabelSmoothing());
    }
    if (h.warmupSteps() != null && h.warmupSteps() > 0 && h.warmupRatio() != null) {
      p.add(
          "spec.hyperparameters: warmupSteps and warmupRatio are both set; the ratio is only"
              + " used when warmupSteps is 0, so remove one of them");
    }
  }

  private static void eval(EvalSpec e, List<String> p) {
    if (e == null) {
      return;
    }
    if (e.fraction() != null && !(e.fraction() >= 0 && e.fraction() < 1)) {
      p.add("spec.eval.fraction: must be in [0, 1), got " + e.fraction());
    }
    if (e.dataset() != null && e.fraction() != null && e.fraction() > 0) {
      p.add(
          "spec.eval: dataset and fraction are both set; a separate eval dataset replaces the"
              + " held-out fraction, so remove one of them");
    }
  }

  private static void resources(ResourcesSpec r, List<String> p) {
    if (r == null) {
      return;
    }
    range(p, "spec.resources.gpus", r.gpus(), 0, 16);
    if (r.gpus() != null && r.gpus() == 0 && r.gpuType() != null) {
      p.add(
          "spec.resources.gpuType: set to "
              + r.gpuType()
              + " but spec.resources.gpus is 0; ask for at least one GPU or remove gpuType");
    }
  }

  private static void ref(
      List<String> p, String field, ArtifactRef ref, boolean required, String example) {
    if (ref == null) {
      if (required) {
        p.add(field + ": missing; set " + field + ".id to an artifact-store id, e.g. " + example);
      }
      return;
    }
    if (!ref.wellFormed()) {
      p.add(
          field
              + ": set exactly one of id (in the artifact store, e.g. "
              + example
              + ") or uri (a path outside it), got id="
              + ref.id()
              + " uri="
              + ref.uri());
    }
  }

  private static void range(List<String> p, String field, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      String bounds = max == Integer.MAX_VALUE ? ">= " + min : "in [" + min + ", " + max + "]";
      p.add(field + ": must be " + bounds + ", got " + value);
    }
  }
}
