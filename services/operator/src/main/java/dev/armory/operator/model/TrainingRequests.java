package dev.armory.operator.model;

import dev.armory.events.v1.AdapterConfig;
import dev.armory.events.v1.AdapterMethod;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ExportOptions;
import dev.armory.events.v1.PublishOptions;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.crd.TuningRunSpec;
import dev.armory.operator.crd.TuningRunSpec.AdapterSpec;
import dev.armory.operator.crd.TuningRunSpec.ArtifactRef;
import dev.armory.operator.crd.TuningRunSpec.EvalSpec;
import dev.armory.operator.crd.TuningRunSpec.ExportSpec;
import dev.armory.operator.crd.TuningRunSpec.Hyperparameters;
import dev.armory.operator.crd.TuningRunSpec.LrSchedule;
import dev.armory.operator.crd.TuningRunSpec.Method;
import dev.armory.operator.crd.TuningRunSpec.Objective;
import dev.armory.operator.crd.TuningRunSpec.OnnxPrecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * TrainingRequested and TuningRun, both ways. A Kafka request becomes the TuningRun it stands for,
 * so runs requested by apps and runs applied with kubectl are one kind of resource (zero and empty
 * event fields mean "default" and stay unset in the spec; the resource name derives from the run
 * id, so a redelivered request maps to the same name and cannot create a second run). A TuningRun
 * becomes the request its training pod runs: {@code armory train-worker} reads it from
 * ARMORY_TRAINING_REQUEST (proto3 JSON).
 */
public final class TrainingRequests {

  public static final String ANNOTATION_IDEMPOTENCY_KEY = "armory.dev/idempotency-key";
  public static final String ANNOTATION_REQUESTED_BY = "armory.dev/requested-by";
  private static final String LABEL_KEY =
      "([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?";
  private static final String LABEL_VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";

  private TrainingRequests() {}

  /** Thrown when a request cannot be a TuningRun; the message says why (for the dead letter). */
  public static final class Unsupported extends Exception {
    Unsupported(String message) {
      super(message);
    }
  }

  /** The TuningRun for the request, in the given namespace. */
  public static TuningRun toTuningRun(TrainingRequested r, String namespace) throws Unsupported {
    if (r.getRunId().isBlank()) {
      throw new Unsupported("TrainingRequested has no run_id");
    }
    TuningRunSpec spec =
        new TuningRunSpec(
            ref(r.hasBaseModel() ? r.getBaseModel() : null),
            ref(r.hasDataset() ? r.getDataset() : null),
            method(r.getAdapter()),
            adapter(r),
            r.getObjective() == dev.armory.events.v1.Objective.OBJECTIVE_DPO
                ? Objective.DPO
                : Objective.SFT,
            hyperparameters(r.getHyperparameters()),
            eval(r),
            null,
            null,
            export(r),
            r.hasPublish() && r.getPublish().getEnabled() ? Boolean.TRUE : null,
            null,
            r.getRunId(),
            null,
            null,
            null);
    TuningRun run = TuningRun.of(namespace, RunNames.resourceName(r.getRunId()), spec);
    run.getMetadata().getAnnotations().put(RunNames.ANNOTATION_RUN_ID, r.getRunId());
    if (!r.getIdempotencyKey().isBlank()) {
      run.getMetadata().getAnnotations().put(ANNOTATION_IDEMPOTENCY_KEY, r.getIdempotencyKey());
    }
    if (!r.getRequestedBy().isBlank()) {
      run.getMetadata().getAnnotations().put(ANNOTATION_REQUESTED_BY, r.getRequestedBy());
    }
    for (Map.Entry<String, String> label : r.getLabelsMap().entrySet()) {
      // Labels that Kubernetes would refuse are kept as annotations rather than dropped.
      if (label.getKey().matches(LABEL_KEY)
          && label.getKey().length() <= 316
          && label.getValue().matches(LABEL_VALUE)
          && label.getValue().length() <= 63) {
        run.getMetadata().getLabels().put(label.getKey(), label.getValue());
      } else {
        run.getMetadata()
            .getAnnotations()
            .put("armory.dev/label." + label.getKey().replace('/', '.'), label.getValue());
      }
    }
    run.getMetadata().getLabels().put(RunNames.LABEL_RUN_ID, RunNames.runIdLabel(r.getRunId()));
    return run;
  }

  /** The request a training pod runs for this TuningRun (unset spec fields stay zero = default). */
  public static TrainingRequested toRequest(TuningRun run) {
    TuningRunSpec s = run.getSpec();
    String runId = RunNames.runId(run);
    var annotations = run.getMetadata().getAnnotations();
    String key = annotations == null ? null : annotations.get(ANNOTATION_IDEMPOTENCY_KEY);
    TrainingRequested.Builder r =
        TrainingRequested.newBuilder()
            .setRunId(runId)
            .setIdempotencyKey(
                key != null ? key : "tuningrun:" + run.getMetadata().getNamespace() + "/" + runId)
            .setRequestedBy(
                "tuningrun/" + run.getMetadata().getNamespace() + "/" + run.getMetadata().getName())
            .setObjective(
                s.objective() == Objective.DPO
                    ? dev.armory.events.v1.Objective.OBJECTIVE_DPO
                    : dev.armory.events.v1.Objective.OBJECTIVE_SFT);
    if (s.baseModel() != null) {
      r.setBaseModel(proto(s.baseModel(), ArtifactKind.ARTIFACT_KIND_MODEL));
    }
    if (s.dataset() != null) {
      r.setDataset(proto(s.dataset(), ArtifactKind.ARTIFACT_KIND_DATASET));
    }
    if (s.eval() != null && s.eval().dataset() != null) {
      r.setEvalDataset(proto(s.eval().dataset(), ArtifactKind.ARTIFACT_KIND_DATASET));
    }
    if (s.eval() != null && s.eval().goldenSet() != null) {
      r.setGoldenSet(proto(s.eval().goldenSet(), ArtifactKind.ARTIFACT_KIND_DATASET));
    }
    AdapterConfig.Builder a =
        AdapterConfig.newBuilder()
            .setMethod(
                s.method() == Method.LORA
                    ? AdapterMethod.ADAPTER_METHOD_LORA
                    : AdapterMethod.ADAPTER_METHOD_QLORA);
    if (s.adapter() != null) {
      AdapterSpec ad = s.adapter();
      if (ad.r() != null) {
        a.setR(ad.r());
      }
      if (ad.alpha() != null) {
        a.setAlpha(ad.alpha());
      }
      if (ad.dropout() != null) {
        a.setDropout(ad.dropout());
      }
      if (ad.targetModules() != null && !ad.targetModules().equals(List.of("default"))) {
        a.addAllTargetModules(ad.targetModules());
      }
      a.setUseRslora(Boolean.TRUE.equals(ad.rslora()));
      if (ad.startFrom() != null) {
        r.setStartAdapter(proto(ad.startFrom(), ArtifactKind.ARTIFACT_KIND_ADAPTER));
      }
    }
    r.setAdapter(a);
    r.setHyperparameters(hyperparameters(s.hyperparameters(), s.eval()));
    if (StatusModel.exportRequested(s)) {
      ExportOptions.Builder e =
          ExportOptions.newBuilder()
              .setEnabled(true)
              .setMergedHf(Boolean.TRUE.equals(s.export().merge()));
      OnnxPrecision p = s.export().onnxPrecision();
      if (p != null && p != OnnxPrecision.NONE) {
        e.addPrecisions(p.name().toLowerCase(Locale.ROOT));
      }
      r.setExport(e);
    }
    if (Boolean.TRUE.equals(s.publishToInference())) {
      r.setPublish(PublishOptions.newBuilder().setEnabled(true));
    }
    return r.build();
  }

  private static dev.armory.events.v1.Hyperparameters hyperparameters(
      Hyperparameters h, EvalSpec eval) {
    var b = dev.armory.events.v1.Hyperparameters.newBuilder();
    if (eval != null && eval.fraction() != null) {
      b.setEvalFraction(eval.fraction());
    }
    if (h == null) {
      return b.build();
    }
    if (h.learningRate() != null) b.setLearningRate(h.learningRate());
    if (h.epochs() != null) b.setEpochs(h.epochs());
    if (h.maxSteps() != null) b.setMaxSteps(h.maxSteps());
    if (h.microBatchSize() != null) b.setMicroBatchSize(h.microBatchSize());
    if (h.gradientAccumulationSteps() != null) {
      b.setGradientAccumulationSteps(h.gradientAccumulationSteps());
    }
    if (h.maxSeqLen() != null) b.setMaxSeqLen(h.maxSeqLen());
    if (h.warmupSteps() != null) b.setWarmupSteps(h.warmupSteps());
    if (h.warmupRatio() != null) b.setWarmupRatio(h.warmupRatio());
    if (h.lrSchedule() != null) b.setLrSchedule(h.lrSchedule().name().toLowerCase(Locale.ROOT));
    if (h.weightDecay() != null) b.setWeightDecay(h.weightDecay());
    if (h.maxGradNorm() != null) b.setMaxGradNorm(h.maxGradNorm());
    if (h.packing() != null) b.setPacking(h.packing());
    if (h.saveEverySteps() != null) b.setSaveEverySteps(h.saveEverySteps());
    if (h.evalEverySteps() != null) b.setEvalEverySteps(h.evalEverySteps());
    if (h.seed() != null) b.setSeed(h.seed());
    if (h.dpoBeta() != null) b.setDpoBeta(h.dpoBeta());
    if (h.dpoLabelSmoothing() != null) b.setDpoLabelSmoothing(h.dpoLabelSmoothing());
    return b.build();
  }

  private static dev.armory.events.v1.ArtifactRef proto(ArtifactRef ref, ArtifactKind kind) {
    var b = dev.armory.events.v1.ArtifactRef.newBuilder().setKind(kind);
    if (ref.id() != null) {
      b.setId(ref.id());
    }
    if (ref.uri() != null) {
      b.setUri(ref.uri());
    }
    return b.build();
  }

  private static ArtifactRef ref(dev.armory.events.v1.ArtifactRef ref) {
    if (ref == null) {
      return null;
    }
    String id = ref.getId().isBlank() ? null : ref.getId();
    String uri = ref.getUri().isBlank() ? null : ref.getUri();
    return id == null && uri == null ? null : new ArtifactRef(id, uri);
  }

  private static Method method(AdapterConfig a) throws Unsupported {
    switch (a.getMethod()) {
      case ADAPTER_METHOD_UNSPECIFIED:
      case ADAPTER_METHOD_QLORA:
        return Method.QLORA;
      case ADAPTER_METHOD_LORA:
        return Method.LORA;
      default:
        throw new Unsupported(
            "adapter.method "
                + a.getMethod()
                + " has no TuningRun equivalent yet (qlora, lora); train it with the embedded"
                + " trainer or ask for qlora/lora");
    }
  }

  private static AdapterSpec adapter(TrainingRequested r) {
    AdapterConfig a = r.getAdapter();
    ArtifactRef start = r.hasStartAdapter() ? ref(r.getStartAdapter()) : null;
    if (a.getR() == 0
        && a.getAlpha() == 0
        && a.getDropout() == 0
        && a.getTargetModulesCount() == 0
        && !a.getUseRslora()
        && start == null) {
      return null;
    }
    return new AdapterSpec(
        positive(a.getR()),
        a.getAlpha() > 0 ? a.getAlpha() : null,
        a.getDropout() > 0 ? a.getDropout() : null,
        a.getTargetModulesCount() == 0 ? null : List.copyOf(a.getTargetModulesList()),
        a.getUseRslora() ? Boolean.TRUE : null,
        start);
  }

  private static Hyperparameters hyperparameters(dev.armory.events.v1.Hyperparameters h)
      throws Unsupported {
    if (h.equals(dev.armory.events.v1.Hyperparameters.getDefaultInstance())) {
      return null;
    }
    LrSchedule schedule = null;
    if (!h.getLrSchedule().isBlank()) {
      try {
        schedule = LrSchedule.valueOf(h.getLrSchedule().trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new Unsupported(
            "hyperparameters.lr_schedule '"
                + h.getLrSchedule()
                + "' is not cosine, linear or constant");
      }
    }
    return new Hyperparameters(
        h.getLearningRate() != 0 ? h.getLearningRate() : null,
        positive(h.getEpochs()),
        positive(h.getMaxSteps()),
        positive(h.getMicroBatchSize()),
        positive(h.getGradientAccumulationSteps()),
        positive(h.getMaxSeqLen()),
        positive(h.getWarmupSteps()),
        h.getWarmupRatio() > 0 ? h.getWarmupRatio() : null,
        schedule,
        h.getWeightDecay() > 0 ? h.getWeightDecay() : null,
        h.getMaxGradNorm() > 0 ? h.getMaxGradNorm() : null,
        h.getPacking() ? Boolean.TRUE : null,
        positive(h.getSaveEverySteps()),
        positive(h.getEvalEverySteps()),
        h.getSeed() != 0 ? h.getSeed() : null,
        h.getDpoBeta() > 0 ? h.getDpoBeta() : null,
        h.getDpoLabelSmoothing() > 0 ? h.getDpoLabelSmoothing() : null);
  }

  private static EvalSpec eval(TrainingRequested r) {
    ArtifactRef dataset = ref(r.hasEvalDataset() ? r.getEvalDataset() : null);
    ArtifactRef golden = ref(r.hasGoldenSet() ? r.getGoldenSet() : null);
    double fraction = r.getHyperparameters().getEvalFraction();
    if (dataset == null && golden == null && fraction == 0) {
      return null;
    }
    return new EvalSpec(dataset, fraction > 0 ? fraction : null, golden);
  }

  private static ExportSpec export(TrainingRequested r) throws Unsupported {
    if (!r.hasExport() || !r.getExport().getEnabled()) {
      return null;
    }
    List<OnnxPrecision> precisions = new ArrayList<>();
    for (String p : r.getExport().getPrecisionsList()) {
      try {
        precisions.add(OnnxPrecision.valueOf(p.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new Unsupported("export.precisions: '" + p + "' is not fp32, fp16 or int4");
      }
    }
    if (precisions.size() > 1) {
      throw new Unsupported(
          "export.precisions lists "
              + precisions.size()
              + " precisions; a TuningRun exports one: send one, or request the others with"
              + " ExportRequested");
    }
    return new ExportSpec(
        r.getExport().getMergedHf() ? Boolean.TRUE : null,
        precisions.isEmpty() ? OnnxPrecision.FP32 : precisions.get(0));
  }

  private static Integer positive(int value) {
    return value > 0 ? value : null;
  }
}
