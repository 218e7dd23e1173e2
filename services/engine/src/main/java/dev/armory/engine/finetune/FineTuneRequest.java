package dev.armory.engine.finetune;

import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.train.TrainingConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a LoRA/QLoRA fine-tuning run needs: supervised (SFT) by default, DPO on preference
 * pairs when {@code dpo} is set.
 *
 * @param modelDir Hugging Face model directory (config.json, safetensors, tokenizer)
 * @param trainData JSONL training data in any format the data package reads
 * @param evalData separate eval JSONL, or null
 * @param evalFraction fraction of the training data held out for eval when evalData is null (0 = no
 *     eval)
 * @param runDir run directory (adapter, checkpoints, metrics, loss curve, manifest)
 * @param base how the frozen base weights are held (NF4 for QLoRA)
 * @param lora adapter hyperparameters
 * @param training optimiser, schedule, batch and checkpoint settings
 * @param maxSeqLen examples are truncated to this many tokens
 * @param packing pack short examples into rows of maxSeqLen (block-diagonal attention)
 * @param trainOnInputs train on prompt tokens too (default: only assistant/completion tokens)
 * @param skipBadLines skip and count malformed data lines instead of failing
 * @param session ONNX Runtime settings (threads, execution provider)
 * @param dpo the DPO objective's settings, or null for supervised fine-tuning
 */
public record FineTuneRequest(
    Path modelDir,
    Path trainData,
    Path evalData,
    double evalFraction,
    Path runDir,
    BaseWeights base,
    LoraConfig lora,
    TrainingConfig training,
    int maxSeqLen,
    boolean packing,
    boolean trainOnInputs,
    boolean skipBadLines,
    SessionConfig session,
    DpoOptions dpo) {

  public FineTuneRequest {
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(trainData, "trainData");
    Objects.requireNonNull(runDir, "runDir");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(lora, "lora");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(session, "session");
    if (evalFraction < 0 || evalFraction >= 1) {
      throw new IllegalArgumentException("eval fraction must be in [0, 1), got " + evalFraction);
    }
    if (maxSeqLen < 2) {
      throw new IllegalArgumentException("max_seq_len must be at least 2, got " + maxSeqLen);
    }
    if (dpo != null && packing) {
      throw new IllegalArgumentException(
          "packing does not apply to DPO: a pair's chosen and rejected sequences are rows of their"
              + " own; drop --packing");
    }
    if (dpo != null && trainOnInputs) {
      throw new IllegalArgumentException(
          "DPO scores completion tokens only; drop --train-on-inputs");
    }
  }

  /** A supervised fine-tuning request. */
  public FineTuneRequest(
      Path modelDir,
      Path trainData,
      Path evalData,
      double evalFraction,
      Path runDir,
      BaseWeights base,
      LoraConfig lora,
      TrainingConfig training,
      int maxSeqLen,
      boolean packing,
      boolean trainOnInputs,
      boolean skipBadLines,
      SessionConfig session) {
    this(
        modelDir,
        trainData,
        evalData,
        evalFraction,
        runDir,
        base,
        lora,
        training,
        maxSeqLen,
        packing,
        trainOnInputs,
        skipBadLines,
        session,
        null);
  }

  /** The same request with the DPO objective ({@code null}: supervised fine-tuning). */
  public FineTuneRequest withDpo(DpoOptions options) {
    return new FineTuneRequest(
        modelDir,
        trainData,
        evalData,
        evalFraction,
        runDir,
        base,
        lora,
        training,
        maxSeqLen,
        packing,
        trainOnInputs,
        skipBadLines,
        session,
        options);
  }

  /** True for a DPO run. */
  public boolean isDpo() {
    return dpo != null;
  }

  /** QLoRA defaults for a model and data: NF4 base, LoRA r 16, 10% eval, 512 tokens. */
  public static FineTuneRequest defaults(Path modelDir, Path trainData, Path runDir) {
    return new FineTuneRequest(
        modelDir,
        trainData,
        null,
        0.1,
        runDir,
        BaseWeights.NF4,
        LoraConfig.defaults(),
        TrainingConfig.defaults(),
        512,
        false,
        false,
        false,
        SessionConfig.defaults());
  }
}
