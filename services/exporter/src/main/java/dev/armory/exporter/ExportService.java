package dev.armory.exporter;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.armory.engine.export.ExportParityException;
import dev.armory.engine.export.ExportPrecision;
import dev.armory.engine.export.ExportRequest;
import dev.armory.engine.export.ExportResult;
import dev.armory.engine.export.OnnxExporter;
import dev.armory.engine.export.ParitySettings;
import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.merge.MergeMethod;
import dev.armory.engine.merge.MergeRequest;
import dev.armory.engine.merge.ModelMerger;
import dev.armory.engine.merge.SignElection;
import dev.armory.engine.merge.WeightDType;
import dev.armory.engine.merge.WeightedAdapter;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.ExportedArtifact;
import dev.armory.events.v1.ModelExported;
import dev.armory.platform.store.ArtifactExistsException;
import dev.armory.platform.store.ArtifactManifest;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ManifestDetails;
import dev.armory.platform.store.StagedArtifact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an export artifact {@code exports/<id>/}: {@code onnx-<precision>/} per precision (the
 * engine's validated ONNX export with its parity_report.json; a precision that fails parity is kept
 * as {@code onnx-<precision>.rejected/} and reported with parity_passed false), {@code merged-hf/}
 * when asked, and {@code model_exported.json}, the ModelExported event itself, so a repeated job
 * answers from the store instead of exporting again.
 */
public final class ExportService {
  private static final Logger LOG = LoggerFactory.getLogger(ExportService.class);
  static final String EVENT_FILE = "model_exported.json";

  private final ArtifactStore store;
  private final SessionConfig session;
  private final int parityTokens;

  public ExportService(ArtifactStore store, SessionConfig session, int parityTokens) {
    this.store = store;
    this.session = session;
    this.parityTokens = parityTokens;
  }

  /** Exports (or finds the earlier export of) {@code job}. */
  public ModelExported export(ExportJob job) throws IOException {
    if (store.exists(ArtifactKind.ARTIFACT_KIND_EXPORT, job.exportId())) {
      return stored(job.exportId());
    }
    Path model = store.resolve(withKind(job.baseModel(), ArtifactKind.ARTIFACT_KIND_MODEL));
    if (!Files.isRegularFile(model.resolve("config.json"))) {
      throw new IllegalArgumentException(
          "export "
              + job.exportId()
              + ": base model "
              + model
              + " has no config.json; export needs the Hugging Face model directory");
    }
    List<WeightedAdapter> adapters = new ArrayList<>();
    BaseWeights base = null;
    if (job.adapter() != null) {
      ArtifactRef ref = withKind(job.adapter(), ArtifactKind.ARTIFACT_KIND_ADAPTER);
      adapters.add(WeightedAdapter.of(store.resolve(ref)));
      base = baseWeights(ref);
    }
    List<ExportPrecision> precisions = new ArrayList<>();
    for (String p : job.precisions()) {
      precisions.add(ExportPrecision.parse(p));
    }
    ParitySettings parity =
        ParitySettings.defaults()
            .withGreedyTokens(parityTokens)
            .withPrompts(job.parityPrompt().isEmpty() ? List.of() : List.of(job.parityPrompt()));
    try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_EXPORT, job.exportId())) {
      ModelExported.Builder event =
          ModelExported.newBuilder()
              .setExportId(job.exportId())
              .setRunId(job.runId())
              .setManifestPath(store.relative(s.target().resolve(ArtifactManifest.FILE_NAME)));
      ManifestDetails details =
          ManifestDetails.create()
              .producer("exporter")
              .parent("base_model", job.baseModel())
              .hyperparameter("precisions", job.precisions())
              .hyperparameter("merged_hf", job.mergedHf())
              .detail("run_id", job.runId());
      if (job.adapter() != null) {
        details.parent("adapter", job.adapter());
        details.hyperparameter("base_weights", base == null ? "fp32" : base.name().toLowerCase());
      }
      for (ExportPrecision p : precisions) {
        event.addArtifacts(exportOne(job, model, adapters, base, p, parity, s));
        ExportedArtifact a = event.getArtifacts(event.getArtifactsCount() - 1);
        details.metric("max_abs_logit_diff_" + p.label(), a.getMaxAbsLogitDiff());
      }
      if (job.mergedHf()) {
        Path out = s.dir().resolve("merged-hf");
        ModelMerger.merge(
            new MergeRequest(
                model,
                adapters,
                MergeMethod.LINEAR,
                1.0,
                SignElection.TOTAL,
                base,
                WeightDType.FP32,
                out,
                MergeRequest.DEFAULT_MAX_SHARD_BYTES));
        event.addArtifacts(
            ExportedArtifact.newBuilder()
                .setPrecision("merged-hf")
                .setModel(exportRef(s, "merged-hf"))
                .setParityPassed(true));
      }
      ModelExported done = event.build();
      Files.writeString(
          s.dir().resolve(EVENT_FILE), JsonFormat.printer().print(done), StandardCharsets.UTF_8);
      s.commit(details);
      return done;
    } catch (ArtifactExistsException e) {
      LOG.info("export {} was written meanwhile by another delivery", job.exportId());
      return stored(job.exportId());
    }
  }

  private ExportedArtifact exportOne(
      ExportJob job,
      Path model,
      List<WeightedAdapter> adapters,
      BaseWeights base,
      ExportPrecision p,
      ParitySettings parity,
      StagedArtifact s)
      throws IOException {
    String folder = "onnx-" + p.label();
    ExportRequest request =
        ExportRequest.of(model, adapters, p, s.dir().resolve(folder))
            .withBaseWeights(base)
            .withParity(parity);
    try {
      ExportResult r =
          OnnxExporter.export(
              request, session, message -> LOG.debug("export {}: {}", job.exportId(), message));
      LOG.info(
          "export {} {}: parity max abs {} (passed)",
          job.exportId(),
          p.label(),
          String.format(Locale.ROOT, "%.3e", r.parity().maxAbs()));
      return ExportedArtifact.newBuilder()
          .setPrecision(p.label())
          .setModel(exportRef(s, folder))
          .setParityReportPath(
              store.relative(s.target().resolve(folder).resolve(OnnxExporter.PARITY_REPORT)))
          .setMaxAbsLogitDiff(r.parity().maxAbs())
          .setParityPassed(true)
          .build();
    } catch (ExportParityException e) {
      // Kept beside the others as <folder>.rejected, with its parity report.
      String rejected = e.rejectedDirectory().getFileName().toString();
      LOG.warn("export {} {}: {}", job.exportId(), p.label(), e.getMessage());
      return ExportedArtifact.newBuilder()
          .setPrecision(p.label())
          .setParityReportPath(
              store.relative(s.target().resolve(rejected).resolve(OnnxExporter.PARITY_REPORT)))
          .setMaxAbsLogitDiff(e.report().maxAbs())
          .setParityPassed(false)
          .build();
    }
  }

  private ArtifactRef exportRef(StagedArtifact s, String folder) {
    return ArtifactRef.newBuilder()
        .setKind(ArtifactKind.ARTIFACT_KIND_EXPORT)
        .setUri(store.relative(s.target().resolve(folder)))
        .build();
  }

  /** The ModelExported an earlier job stored with its export. */
  ModelExported stored(String exportId) throws IOException {
    Path file = store.dir(ArtifactKind.ARTIFACT_KIND_EXPORT, exportId).resolve(EVENT_FILE);
    ModelExported.Builder b = ModelExported.newBuilder();
    try {
      JsonFormat.parser().merge(Files.readString(file, StandardCharsets.UTF_8), b);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(file + " is not a ModelExported in proto3 JSON: " + e.getMessage(), e);
    }
    return b.build();
  }

  /**
   * The base an adapter of the store was trained against (its manifest's base_weights, written by
   * the trainer); null (the run manifest or float32) for adapters from elsewhere.
   */
  private BaseWeights baseWeights(ArtifactRef adapter) {
    if (adapter.getId().isEmpty()) {
      return null;
    }
    return store
        .manifest(ArtifactKind.ARTIFACT_KIND_ADAPTER, adapter.getId())
        .map(ArtifactManifest::hyperparameters)
        .map(h -> h == null ? null : h.get("base_weights"))
        .map(v -> parseBaseWeights(String.valueOf(v)))
        .orElse(null);
  }

  static BaseWeights parseBaseWeights(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return s.equals("nf4-no-double-quant") ? BaseWeights.NF4_NO_DOUBLE_QUANT : BaseWeights.parse(s);
  }

  private static ArtifactRef withKind(ArtifactRef ref, ArtifactKind kind) {
    return ref.getKind() == ArtifactKind.ARTIFACT_KIND_UNSPECIFIED
        ? ref.toBuilder().setKind(kind).build()
        : ref;
  }
}
