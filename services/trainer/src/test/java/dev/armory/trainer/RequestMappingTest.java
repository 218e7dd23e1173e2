package dev.armory.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.finetune.FineTuneRequest;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.train.TrainingConfig;
import dev.armory.events.v1.AdapterConfig;
import dev.armory.events.v1.AdapterMethod;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.BaseQuantization;
import dev.armory.events.v1.Hyperparameters;
import dev.armory.events.v1.Objective;
import dev.armory.events.v1.TrainingRequested;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestMappingTest {
  static final RunInputs INPUTS =
      new RunInputs(
          Path.of("m"),
          ArtifactRef.getDefaultInstance(),
          Path.of("train.jsonl"),
          null,
          ArtifactRef.getDefaultInstance(),
          false,
          null);

  static FineTuneRequest map(TrainingRequested r, RunInputs in) throws RunFailure {
    return RequestMapping.toFineTune(r, in, Path.of("run"), SessionConfig.defaults());
  }

  @Test
  void zeroValuesTakeTheEngineDefaultsWithQloraOnAnNf4Base() throws RunFailure {
    FineTuneRequest f = map(TrainingRequested.newBuilder().setRunId("r").build(), INPUTS);
    TrainingConfig defaults = TrainingConfig.defaults();
    assertEquals(BaseWeights.NF4, f.base());
    assertEquals(16, f.lora().rank());
    assertEquals(32, f.lora().alpha());
    assertInstanceOf(TargetModules.ArchitectureDefault.class, f.lora().targets());
    assertEquals(defaults, f.training());
    assertEquals(RequestMapping.DEFAULT_MAX_SEQ_LEN, f.maxSeqLen());
    assertEquals(RequestMapping.DEFAULT_EVAL_FRACTION, f.evalFraction());
    assertEquals(false, f.isDpo());
  }

  @Test
  void everyGivenValueReachesTheEngineRequest() throws RunFailure {
    TrainingRequested r =
        TrainingRequested.newBuilder()
            .setRunId("r")
            .setObjective(Objective.OBJECTIVE_DPO)
            .setAdapter(
                AdapterConfig.newBuilder()
                    .setMethod(AdapterMethod.ADAPTER_METHOD_LORA)
                    .setR(8)
                    .setDropout(0.05)
                    .addTargetModules("q_proj")
                    .addTargetModules("v_proj")
                    .setUseRslora(true))
            .setHyperparameters(
                Hyperparameters.newBuilder()
                    .setLearningRate(1e-3)
                    .setMaxSteps(7)
                    .setMicroBatchSize(2)
                    .setGradientAccumulationSteps(3)
                    .setMaxSeqLen(64)
                    .setWarmupSteps(2)
                    .setLrSchedule("linear")
                    .setSeed(5)
                    .setEvalEverySteps(3)
                    .setSaveEverySteps(4)
                    .setDpoBeta(0.2)
                    .setDpoLabelSmoothing(0.1))
            .build();
    RunInputs withEval =
        new RunInputs(
            INPUTS.model(),
            INPUTS.modelRef(),
            INPUTS.trainData(),
            Path.of("eval.jsonl"),
            INPUTS.datasetRef(),
            true,
            Path.of("sft-run/adapter"));
    FineTuneRequest f = map(r, withEval);
    assertEquals(BaseWeights.FLOAT32, f.base(), "plain LoRA keeps the base in float32");
    assertEquals(8, f.lora().rank());
    assertEquals(16, f.lora().alpha(), "alpha defaults to 2r");
    assertEquals(0.05, f.lora().dropout());
    assertTrue(f.lora().useRslora());
    assertEquals(new TargetModules.Names(List.of("q_proj", "v_proj")), f.lora().targets());
    TrainingConfig t = f.training();
    assertEquals(1e-3, t.learningRate());
    assertEquals(7, t.maxSteps());
    assertEquals(2, t.microBatchSize());
    assertEquals(3, t.gradientAccumulationSteps());
    assertEquals(2, t.warmupSteps());
    assertEquals(TrainingConfig.Decay.LINEAR, t.decay());
    assertEquals(5, t.seed());
    assertEquals(3, t.evalEverySteps());
    assertEquals(4, t.saveEverySteps());
    assertEquals(64, f.maxSeqLen());
    assertEquals(Path.of("eval.jsonl"), f.evalData());
    assertEquals(0, f.evalFraction(), "an eval split is used as it is, nothing more held out");
    assertTrue(f.isDpo());
    assertEquals(0.2, f.dpo().beta());
    assertEquals(0.1, f.dpo().labelSmoothing());
    assertEquals(Path.of("sft-run/adapter"), f.dpo().startAdapter(), "the reference policy");
  }

  @Test
  void quantizationOverridesTheMethodDefault() throws RunFailure {
    TrainingRequested r =
        TrainingRequested.newBuilder()
            .setAdapter(
                AdapterConfig.newBuilder()
                    .setMethod(AdapterMethod.ADAPTER_METHOD_QLORA)
                    .setBaseQuantization(BaseQuantization.BASE_QUANTIZATION_NF4_NO_DOUBLE_QUANT)
                    .addTargetModules("all-linear"))
            .build();
    FineTuneRequest f = map(r, INPUTS);
    assertEquals(BaseWeights.NF4_NO_DOUBLE_QUANT, f.base());
    assertInstanceOf(TargetModules.AllLinear.class, f.lora().targets());
    assertNull(f.evalData());
    RunInputs ingestedWithoutEval =
        new RunInputs(
            INPUTS.model(),
            INPUTS.modelRef(),
            INPUTS.trainData(),
            null,
            INPUTS.datasetRef(),
            true,
            null);
    assertEquals(
        0,
        map(TrainingRequested.getDefaultInstance(), ingestedWithoutEval).evalFraction(),
        "an ingested dataset's split is kept: nothing more held out");
  }

  @Test
  void whatTheEngineCannotDoIsAnInvalidRequestNamingTheField() {
    RunFailure method =
        assertThrows(
            RunFailure.class,
            () ->
                map(
                    TrainingRequested.newBuilder()
                        .setAdapter(
                            AdapterConfig.newBuilder().setMethod(AdapterMethod.ADAPTER_METHOD_IA3))
                        .build(),
                    INPUTS));
    assertEquals(RunFailure.Code.INVALID_REQUEST, method.code());
    assertTrue(method.getMessage().contains("ADAPTER_METHOD_IA3"), method.getMessage());

    RunFailure schedule =
        assertThrows(
            RunFailure.class,
            () ->
                map(
                    TrainingRequested.newBuilder()
                        .setRunId("r9")
                        .setHyperparameters(Hyperparameters.newBuilder().setLrSchedule("wavy"))
                        .build(),
                    INPUTS));
    assertEquals(RunFailure.Code.INVALID_REQUEST, schedule.code());
    assertTrue(schedule.getMessage().contains("r9"), schedule.getMessage());
    assertTrue(schedule.getMessage().contains("wavy"), schedule.getMessage());

    RunFailure dropout =
        assertThrows(
            RunFailure.class,
            () ->
                map(
                    TrainingRequested.newBuilder()
                        .setAdapter(AdapterConfig.newBuilder().setDropout(1.5))
                        .build(),
                    INPUTS));
    assertTrue(dropout.getMessage().contains("lora_dropout"), dropout.getMessage());

    RunInputs withStart =
        new RunInputs(
            INPUTS.model(),
            INPUTS.modelRef(),
            INPUTS.trainData(),
            null,
            INPUTS.datasetRef(),
            false,
            Path.of("a"));
    RunFailure sftStart =
        assertThrows(
            RunFailure.class, () -> map(TrainingRequested.getDefaultInstance(), withStart));
    assertTrue(sftStart.getMessage().contains("DPO objective only"), sftStart.getMessage());
  }
}
