package dev.armory.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * What to train and where: base model, data, method and adapter, objective, hyperparameters, eval
 * sets, pod resources and scheduling, export and publish options, and the suspend switch.
 *
 * <p>Fields that define the training itself cannot change once the run exists (the API server
 * rejects the update through the CEL rule below, and the operator refuses to apply such a change to
 * a Job it already started). Pod-level fields (resources, scheduling, image, deadlines) take effect
 * the next time a Job is created; export and publish options are read when training ends.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = TuningRunSpec.IMMUTABLE_TRAINING_FIELDS,
    message =
        "baseModel, dataset, method, adapter, objective, hyperparameters, eval and runId are"
            + " immutable: create a new TuningRun to train with other settings",
    reason = "FieldValueForbidden")
public record TuningRunSpec(
    @Required @JsonPropertyDescription("The frozen base model the adapter is trained on.")
        ArtifactRef baseModel,
    @Required @JsonPropertyDescription("The training dataset.") ArtifactRef dataset,
    @Default("qlora")
        @JsonPropertyDescription(
            "Fine-tuning method: qlora (NF4 4-bit base + LoRA) or lora (full-precision base).")
        Method method,
    @JsonPropertyDescription("Adapter hyperparameters (LoRA rank, alpha, dropout, targets).")
        AdapterSpec adapter,
    @Default("sft")
        @JsonPropertyDescription("Training objective: sft (supervised) or dpo (preference pairs).")
        Objective objective,
    @JsonPropertyDescription("Optimiser, schedule and batch settings; defaults suit QLoRA.")
        Hyperparameters hyperparameters,
    @JsonPropertyDescription("Held-out eval data and golden prompts.") EvalSpec eval,
    @JsonPropertyDescription("GPUs, CPU and memory of the training pod.") ResourcesSpec resources,
    @JsonPropertyDescription(
            "Overrides of the operator's GPU scheduling defaults for the training pod.")
        SchedulingSpec scheduling,
    @JsonPropertyDescription("What to export when training succeeds.") ExportSpec export,
    @Default("false")
        @JsonPropertyDescription(
            "Publish the adapter to the inference service (AdapterPublished) when the run"
                + " succeeds.")
        Boolean publishToInference,
    @Default("false")
        @JsonPropertyDescription(
            "Suspend the run: no Job is started, or the running Job's pod is stopped; setting it"
                + " back to false resumes from the last checkpoint.")
        Boolean suspend,
    @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
        @JsonPropertyDescription(
            "Run id used in events and artifact paths; defaults to metadata.name. Set by the"
                + " operator for runs requested through Kafka.")
        String runId,
    @JsonPropertyDescription("Trainer image override; defaults to the operator's trainer image.")
        String image,
    @Min(0)
        @Max(20)
        @JsonPropertyDescription(
            "Pod failures tolerated before the run fails (Job backoffLimit); operator default"
                + " when unset.")
        Integer backoffLimit,
    @Min(60)
        @JsonPropertyDescription(
            "Wall-clock limit of the training Job in seconds (Job activeDeadlineSeconds);"
                + " operator default when unset.")
        Long activeDeadlineSeconds) {

  /**
   * CEL transition rule: the training-defining fields keep their value, and optional ones can be
   * neither added nor removed after creation.
   */
  static final String IMMUTABLE_TRAINING_FIELDS =
      "self.baseModel == oldSelf.baseModel && self.dataset == oldSelf.dataset"
          + " && has(self.method) == has(oldSelf.method)"
          + " && (!has(self.method) || self.method == oldSelf.method)"
          + " && has(self.adapter) == has(oldSelf.adapter)"
          + " && (!has(self.adapter) || self.adapter == oldSelf.adapter)"
          + " && has(self.objective) == has(oldSelf.objective)"
          + " && (!has(self.objective) || self.objective == oldSelf.objective)"
          + " && has(self.hyperparameters) == has(oldSelf.hyperparameters)"
          + " && (!has(self.hyperparameters) || self.hyperparameters == oldSelf.hyperparameters)"
          + " && has(self.eval) == has(oldSelf.eval)"
          + " && (!has(self.eval) || self.eval == oldSelf.eval)"
          + " && has(self.runId) == has(oldSelf.runId)"
          + " && (!has(self.runId) || self.runId == oldSelf.runId)";

  /** Fine-tuning method. */
  public enum Method {
    @JsonProperty("qlora")
    QLORA,
    @JsonProperty("lora")
    LORA
  }

  /** Training objective. */
  public enum Objective {
    @JsonProperty("sft")
    SFT,
    @JsonProperty("dpo")
    DPO
  }

  /** Learning-rate shape after warm-up. */
  public enum LrSchedule {
    @JsonProperty("cosine")
    COSINE,
    @JsonProperty("linear")
    LINEAR,
    @JsonProperty("constant")
    CONSTANT
  }

  /** ONNX export precision; none skips the ONNX export. */
  public enum OnnxPrecision {
    @JsonProperty("none")
    NONE,
    @JsonProperty("fp32")
    FP32,
    @JsonProperty("fp16")
    FP16,
    @JsonProperty("int4")
    INT4
  }

  /**
   * An artifact: by id inside the artifact store (the folder under models/ or datasets/), or by a
   * uri outside it (a path or file: URI the training pod can read). Exactly one is set.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.id) != has(self.uri)",
      message = "set exactly one of id (in the artifact store) or uri (outside it)")
  public record ArtifactRef(
      @Size(min = 1, max = 253)
          @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]*$")
          @JsonPropertyDescription(
              "Id inside the artifact store, e.g. TinyLlama-1.1B-Chat-v1.0 for"
                  + " models/TinyLlama-1.1B-Chat-v1.0.")
          String id,
      @Size(min = 1, max = 2048)
          @JsonPropertyDescription("A location outside the store: a path or file: URI.")
          String uri) {

    /** A reference by artifact-store id. */
    public static ArtifactRef id(String id) {
      return new ArtifactRef(id, null);
    }

    /** True when exactly one of id and uri is set and not blank. */
    public boolean wellFormed() {
      boolean hasId = id != null && !id.isBlank();
      boolean hasUri = uri != null && !uri.isBlank();
      return hasId != hasUri;
    }
  }

  /** LoRA adapter settings. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AdapterSpec(
      @Default("16") @Min(1) @Max(1024) @JsonPropertyDescription("LoRA rank r.") Integer r,
      @Default("32")
          @Min(value = 0, inclusive = false)
          @Max(4096)
          @JsonPropertyDescription("LoRA alpha; the update is scaled by alpha/r.")
          Double alpha,
      @Default("0.05")
          @Min(0)
          @Max(value = 1, inclusive = false)
          @JsonPropertyDescription("Dropout on the adapter input.")
          Double dropout,
      @Size(min = 1, max = 64)
          @JsonPropertyDescription(
              "Modules to adapt: names such as q_proj, or the single word default or"
                  + " all-linear.")
          List<String> targetModules,
      @Default("false") @JsonPropertyDescription("Rank-stabilised LoRA (alpha/sqrt(r)).")
          Boolean rslora,
      @JsonPropertyDescription(
              "Adapter to start from (for DPO also the reference policy); unset = a fresh"
                  + " adapter.")
          ArtifactRef startFrom) {}

  /** Optimiser, schedule and batch settings. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Hyperparameters(
      @Default("0.0002")
          @Min(value = 0, inclusive = false)
          @Max(1)
          @JsonPropertyDescription("Peak learning rate.")
          Double learningRate,
      @Default("3")
          @Min(1)
          @Max(1000)
          @JsonPropertyDescription("Passes over the data when maxSteps is 0.")
          Integer epochs,
      @Default("0")
          @Min(0)
          @JsonPropertyDescription("Optimizer steps to run; 0 derives them from epochs.")
          Integer maxSteps,
      @Default("4")
          @Min(1)
          @Max(1024)
          @JsonPropertyDescription("Examples per forward/backward pass.")
          Integer microBatchSize,
      @Default("1")
          @Min(1)
          @Max(1024)
          @JsonPropertyDescription("Micro-batches averaged into one optimizer step.")
          Integer gradientAccumulationSteps,
      @Default("512")
          @Min(2)
          @Max(131072)
          @JsonPropertyDescription("Examples are truncated to this many tokens.")
          Integer maxSeqLen,
      @Min(0) @JsonPropertyDescription("Linear warm-up steps; 0 uses warmupRatio.")
          Integer warmupSteps,
      @Min(0) @Max(1) @JsonPropertyDescription("Fraction of steps spent warming up.")
          Double warmupRatio,
      @Default("cosine") @JsonPropertyDescription("Learning-rate shape after warm-up.")
          LrSchedule lrSchedule,
      @Min(0) @Max(1) @JsonPropertyDescription("Decoupled weight decay.") Double weightDecay,
      @Min(0) @JsonPropertyDescription("Clip gradients to this global L2 norm; 0 disables.")
          Double maxGradNorm,
      @JsonPropertyDescription("Pack short examples into rows of maxSeqLen.") Boolean packing,
      @Min(0) @JsonPropertyDescription("Checkpoint every N steps (and at the end).")
          Integer saveEverySteps,
      @Min(0) @JsonPropertyDescription("Evaluate every N steps (and at the end).")
          Integer evalEverySteps,
      @JsonPropertyDescription("Seed of data order and dropout.") Long seed,
      @Min(value = 0, inclusive = false)
          @Max(100)
          @JsonPropertyDescription(
              "DPO's beta (objective dpo only); the engine default when unset.")
          Double dpoBeta,
      @Min(0)
          @Max(value = 0.5, inclusive = false)
          @JsonPropertyDescription("DPO label smoothing (conservative DPO), objective dpo only.")
          Double dpoLabelSmoothing) {}

  /** Held-out data and golden prompts. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EvalSpec(
      @JsonPropertyDescription(
              "Separate eval dataset; when absent, fraction of the data is held out.")
          ArtifactRef dataset,
      @Default("0.1")
          @Min(0)
          @Max(value = 1, inclusive = false)
          @JsonPropertyDescription("Fraction of the training data held out for eval.")
          Double fraction,
      @JsonPropertyDescription("Golden prompts for the judge's win-rate eval after training.")
          ArtifactRef goldenSet) {}

  /** Training pod resources. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ResourcesSpec(
      @Default("1")
          @Min(0)
          @Max(16)
          @JsonPropertyDescription(
              "nvidia.com/gpu count; 0 runs on CPU without GPU scheduling (development"
                  + " clusters).")
          Integer gpus,
      @Pattern("^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$")
          @JsonPropertyDescription(
              "GPU product node label value (nvidia.com/gpu.product), e.g."
                  + " NVIDIA-A100-SXM4-80GB.")
          String gpuType,
      @JsonPropertyDescription("CPU request and limit, e.g. 4.") Quantity cpu,
      @JsonPropertyDescription("Memory request and limit, e.g. 32Gi.") Quantity memory) {}

  /** Overrides of the GPU scheduling defaults. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SchedulingSpec(
      @JsonPropertyDescription(
              "Replaces the operator's GPU node selector (gpuType still adds its label).")
          Map<String, String> nodeSelector,
      @JsonPropertyDescription("Added to the nvidia.com/gpu toleration.")
          List<Toleration> tolerations,
      @JsonPropertyDescription("Pod affinity rules for the training pod.") Affinity affinity,
      @JsonPropertyDescription("PriorityClass of the training pod.") String priorityClassName) {}

  /** Export options applied when training succeeds. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ExportSpec(
      @Default("false")
          @JsonPropertyDescription("Merge the adapter into the base and write an HF directory.")
          Boolean merge,
      @Default("none")
          @JsonPropertyDescription("ONNX export precision; none skips the ONNX export.")
          OnnxPrecision onnxPrecision) {}
}
