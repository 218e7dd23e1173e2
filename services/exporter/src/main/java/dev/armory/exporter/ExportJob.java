package dev.armory.exporter;

import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.ExportRequested;
import dev.armory.events.v1.TrainingCompleted;
import dev.armory.platform.events.InvalidEventException;
import dev.armory.platform.store.ArtifactStore;
import java.util.List;

/**
 * One export to do, from an ExportRequested or from a completed run's export options.
 *
 * @param exportId id of the export artifact ({@code exports/<id>})
 * @param runId the run the adapter came from, or empty
 * @param baseModel the base model
 * @param adapter the adapter merged into the base, or null to export the base alone
 * @param precisions fp32 | fp16 | int4 (fp32 when none is given)
 * @param mergedHf also write the merged model as a Hugging Face directory
 * @param parityPrompt a prompt for the parity check, or empty for the built-in prompts
 * @param idempotencyKey the key exports are done once by
 */
public record ExportJob(
    String exportId,
    String runId,
    ArtifactRef baseModel,
    ArtifactRef adapter,
    List<String> precisions,
    boolean mergedHf,
    String parityPrompt,
    String idempotencyKey) {

  public ExportJob {
    precisions = precisions.isEmpty() ? List.of("fp32") : List.copyOf(precisions);
  }

  /** The job an ExportRequested asks for; invalid when it cannot name an export or a model. */
  public static ExportJob of(ExportRequested r, String subjectId) throws InvalidEventException {
    String id = r.getExportId().isEmpty() ? subjectId : r.getExportId();
    checkId(id, "ExportRequested export_id");
    if (!r.hasBaseModel()
        || (r.getBaseModel().getId().isEmpty() && r.getBaseModel().getUri().isEmpty())) {
      throw InvalidEventException.invalid(
          "ExportRequested " + id + " has no base_model: set its id (in the store) or uri");
    }
    boolean hasAdapter =
        r.hasAdapter() && !(r.getAdapter().getId().isEmpty() && r.getAdapter().getUri().isEmpty());
    return new ExportJob(
        id,
        r.getRunId(),
        r.getBaseModel(),
        hasAdapter ? r.getAdapter() : null,
        r.getPrecisionsList(),
        r.getMergedHf(),
        r.getParityPrompt(),
        r.getIdempotencyKey().isEmpty() ? "export:" + id : r.getIdempotencyKey());
  }

  /** The export a completed run's options ask for (export id = run id). */
  public static ExportJob of(TrainingCompleted c) throws InvalidEventException {
    checkId(c.getRunId(), "TrainingCompleted run_id");
    if (!c.hasAdapter() || !c.hasBaseModel()) {
      throw InvalidEventException.invalid(
          "TrainingCompleted " + c.getRunId() + " lacks its adapter or base_model reference");
    }
    return new ExportJob(
        c.getRunId(),
        c.getRunId(),
        c.getBaseModel(),
        c.getAdapter(),
        c.getExport().getPrecisionsList(),
        c.getExport().getMergedHf(),
        "",
        "export:" + c.getRunId());
  }

  private static void checkId(String id, String what) throws InvalidEventException {
    try {
      ArtifactStore.checkId(id);
    } catch (IllegalArgumentException e) {
      throw InvalidEventException.invalid(what + ": " + e.getMessage());
    }
  }
}
