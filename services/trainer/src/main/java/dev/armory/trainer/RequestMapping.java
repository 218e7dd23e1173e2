package dev.armory.trainer;

import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.finetune.DpoOptions;
import dev.armory.engine.finetune.FineTuneRequest;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.train.TrainingConfig;
import dev.armory.events.v1.AdapterConfig;
import dev.armory.events.v1.AdapterMethod;
import dev.armory.events.v1.Hyperparameters;
import dev.armory.events.v1.Objective;
import dev.armory.events.v1.TrainingRequested;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a TrainingRequested into the engine's {@link FineTuneRequest}. Zero values mean "the
 * engine's default" (QLoRA on an NF4 base, r 16, alpha 2·r, the trainer's schedule defaults); what
 * the engine cannot do is refused with {@link RunFailure.Code#INVALID_REQUEST}.
 */
public final class RequestMapping {
  /** Tokens per example when the request leaves max_seq_len 0. */
  public static final int DEFAULT_MAX_SEQ_LEN = 512;

  /** Held-out eval fraction of a plain JSONL dataset when the request says 0. */
  public static final double DEFAULT_EVAL_FRACTION = 0.1;

  private RequestMapping() {}

  /** The engine request training {@code r} on {@code in} into {@code trainDir}. */
  public static FineTuneRequest toFineTune(
      TrainingRequested r, RunInputs in, Path trainDir, SessionConfig session) throws RunFailure {
    try {
      Hyperparameters h = r.getHyperparameters();
      // An eval set is used as it is; an ingested dataset without one was split that way on
      // purpose; a plain JSONL file gets the default held-out fraction.
      double evalFraction =
          in.evalData() != null
              ? 0
              : h.getEvalFraction() > 0
                  ? h.getEvalFraction()
                  : in.splitByIngestion() ? 0 : DEFAULT_EVAL_FRACTION;
      FineTuneRequest request =
          new FineTuneRequest(
              in.model(),
              in.trainData(),
              in.evalData(),
              evalFraction,
              trainDir,
              baseWeights(r.getAdapter()),
              lora(r.getAdapter()),
              training(h),
              h.getMaxSeqLen() > 0 ? h.getMaxSeqLen() : DEFAULT_MAX_SEQ_LEN,
              h.getPacking(),
              h.getTrainOnInputs(),
              false,
              session);
      if (r.getObjective() == Objective.OBJECTIVE_DPO) {
        DpoOptions dpo = DpoOptions.defaults();
        if (h.getDpoBeta() > 0) {
          dpo = dpo.withBeta(h.getDpoBeta());
        }
        if (h.getDpoLabelSmoothing() > 0) {
          dpo = dpo.withLabelSmoothing(h.getDpoLabelSmoothing());
        }
        if (in.startAdapter() != null) {
          dpo = dpo.withStartAdapter(in.startAdapter());
        }
        request = request.withDpo(dpo);
      } else if (r.getObjective() != Objective.OBJECTIVE_SFT
          && r.getObjective() != Objective.OBJECTIVE_UNSPECIFIED) {
        throw new RunFailure(
            RunFailure.Code.INVALID_REQUEST,
            "objective "
                + r.getObjective()
                + " is not supported: use OBJECTIVE_SFT or OBJECTIVE_DPO");
      } else if (in.startAdapter() != null) {
        throw new RunFailure(
            RunFailure.Code.INVALID_REQUEST,
            "TrainingRequested "
                + r.getRunId()
                + ": start_adapter is supported with the DPO objective only (the SFT trainer starts"
                + " from a fresh adapter)");
      }
      return request;
    } catch (IllegalArgumentException e) {
      throw new RunFailure(
          RunFailure.Code.INVALID_REQUEST,
          "TrainingRequested " + r.getRunId() + ": " + e.getMessage(),
          e);
    }
  }

  /** How the base is held: the method's default unless base_quantization says otherwise. */
  static BaseWeights baseWeights(AdapterConfig a) throws RunFailure {
    AdapterMethod m = a.getMethod();
    if (m != AdapterMethod.ADAPTER_METHOD_UNSPECIFIED
        && m != AdapterMethod.ADAPTER_METHOD_QLORA
        && m != AdapterMethod.ADAPTER_METHOD_LORA) {
      throw new RunFailure(
          RunFailure.Code.INVALID_REQUEST,
          "adapter method "
              + m
              + " is not supported by the trainer yet: use ADAPTER_METHOD_QLORA or"
              + " ADAPTER_METHOD_LORA");
    }
    switch (a.getBaseQuantization()) {
      case BASE_QUANTIZATION_NF4:
        return BaseWeights.NF4;
      case BASE_QUANTIZATION_NF4_NO_DOUBLE_QUANT:
        return BaseWeights.NF4_NO_DOUBLE_QUANT;
      case BASE_QUANTIZATION_FP32:
        return BaseWeights.FLOAT32;
      default:
        return m == AdapterMethod.ADAPTER_METHOD_LORA ? BaseWeights.FLOAT32 : BaseWeights.NF4;
    }
  }

  static LoraConfig lora(AdapterConfig a) {
    LoraConfig c = LoraConfig.defaults();
    if (a.getR() > 0) {
      c = c.withRank(a.getR()).withAlpha(2.0 * a.getR());
    }
    if (a.getAlpha() > 0) {
      c = c.withAlpha(a.getAlpha());
    }
    c = c.withDropout(a.getDropout()).withRslora(a.getUseRslora());
    List<String> targets = a.getTargetModulesList();
    if (targets.size() == 1 && targets.get(0).equalsIgnoreCase("all-linear")) {
      c = c.withTargets(new TargetModules.AllLinear());
    } else if (!targets.isEmpty()) {
      c = c.withTargets(new TargetModules.Names(List.copyOf(targets)));
    }
    return c;
  }

  static TrainingConfig training(Hyperparameters h) {
    TrainingConfig.Builder b = TrainingConfig.builder();
    if (h.getLearningRate() > 0) {
      b.learningRate(h.getLearningRate());
    }
    if (h.getEpochs() > 0) {
      b.epochs(h.getEpochs());
    }
    if (h.getMaxSteps() > 0) {
      b.maxSteps(h.getMaxSteps());
    }
    if (h.getMicroBatchSize() > 0) {
      b.microBatchSize(h.getMicroBatchSize());
    }
    if (h.getGradientAccumulationSteps() > 0) {
      b.gradientAccumulationSteps(h.getGradientAccumulationSteps());
    }
    if (h.getWarmupSteps() > 0) {
      b.warmupSteps(h.getWarmupSteps());
    }
    if (h.getWarmupRatio() > 0) {
      b.warmupRatio(h.getWarmupRatio());
    }
    if (!h.getLrSchedule().isEmpty()) {
      b.decay(TrainingConfig.Decay.parse(h.getLrSchedule()));
    }
    if (h.getWeightDecay() > 0) {
      b.weightDecay(h.getWeightDecay());
    }
    if (h.getMaxGradNorm() > 0) {
      b.maxGradNorm(h.getMaxGradNorm());
    }
    if (h.getSeed() != 0) {
      b.seed(h.getSeed());
    }
    if (h.getEvalEverySteps() > 0) {
      b.evalEverySteps(h.getEvalEverySteps());
    }
    if (h.getSaveEverySteps() > 0) {
      b.saveEverySteps(h.getSaveEverySteps());
    }
    return b.build();
  }
}
