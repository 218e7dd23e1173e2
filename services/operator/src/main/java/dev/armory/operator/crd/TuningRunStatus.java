package dev.armory.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * What the operator observed: the phase derived from the Job, its pods and the trainer's events,
 * conditions with stable reasons, progress and artifact references.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TuningRunStatus(
    @PrinterColumn(name = "Phase") @JsonPropertyDescription("Where the run is.") Phase phase,
    @PrinterColumn(name = "Reason", priority = 1)
        @JsonPropertyDescription("Stable reason of the phase, e.g. Unschedulable or OOMKilled.")
        String reason,
    @JsonPropertyDescription("What happened, in words; says what to do when the run failed.")
        String message,
    @PrinterColumn(name = "Step") @JsonPropertyDescription("Last optimizer step reported.")
        Long step,
    @JsonPropertyDescription("Optimizer steps the run will take.") Long totalSteps,
    @JsonPropertyDescription("step / totalSteps in percent.") Double progressPercent,
    @PrinterColumn(name = "Loss") @JsonPropertyDescription("Last training loss reported.")
        Double loss,
    @JsonPropertyDescription("Last eval loss reported.") Double evalLoss,
    @JsonPropertyDescription("Training throughput in tokens per second.") Double tokensPerSecond,
    @JsonPropertyDescription("Estimated completion time (RFC 3339) from the trainer's ETA.")
        String estimatedCompletionTime,
    @JsonPropertyDescription("When the training Job started (RFC 3339).") String startTime,
    @JsonPropertyDescription("When the run succeeded, failed or was cancelled (RFC 3339).")
        String completionTime,
    @JsonPropertyDescription("metadata.generation this status was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("Run id used in events and artifact paths.") String runId,
    @JsonPropertyDescription("Name of the training Job.") String jobName,
    @JsonPropertyDescription("Artifact-store references of what the run wrote.")
        Artifacts artifacts,
    @JsonPropertyDescription(
            "SpecValid, Scheduled, Training, Suspended and Complete, each with a stable reason.")
        List<Condition> conditions) {

  /** Where a run is. Terminal phases are Succeeded, Failed and Cancelled. */
  public enum Phase {
    /** Accepted; no training Job yet. */
    @JsonProperty("Pending")
    PENDING,
    /** The Job exists but its pod waits for a node (GPU capacity, image pull). */
    @JsonProperty("Queued")
    QUEUED,
    /** The trainer is running. */
    @JsonProperty("Running")
    RUNNING,
    /** Training finished; the pod is merging or exporting. */
    @JsonProperty("Exporting")
    EXPORTING,
    /** spec.suspend is true: no pod runs; resuming continues from the last checkpoint. */
    @JsonProperty("Suspended")
    SUSPENDED,
    @JsonProperty("Succeeded")
    SUCCEEDED,
    @JsonProperty("Failed")
    FAILED,
    /** The trainer reported the run cancelled. */
    @JsonProperty("Cancelled")
    CANCELLED;

    /** True for phases a run never leaves. */
    public boolean terminal() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  /** Artifact-store paths of the run's outputs. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Artifacts(
      @JsonPropertyDescription("Run directory (metrics, loss curve, manifest).") String runDir,
      @JsonPropertyDescription("Adapter directory in Hugging Face PEFT format.") String adapter,
      @JsonPropertyDescription("Checkpoint directory.") String checkpoints,
      @JsonPropertyDescription("Export directory (merged model, ONNX), when exporting.")
          String export) {}
}
