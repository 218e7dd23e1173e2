package dev.armory.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.events.v1.AdapterConfig;
import dev.armory.events.v1.AdapterMethod;
import dev.armory.events.v1.ExportOptions;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.crd.TuningRunSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** TuningRun to TrainingRequested (what the pod runs) and back (what Kafka requests become). */
class TrainingRequestsTest {

  @Test
  void theExampleSurvivesTheRoundTripExceptPodLevelFields() throws Exception {
    TuningRun run =
        new KubernetesSerialization()
            .unmarshal(
                Files.readString(Path.of("../../k8s/examples/tuningrun-qlora.yaml")),
                TuningRun.class);
    TrainingRequested request = TrainingRequests.toRequest(run);
    assertEquals(AdapterMethod.ADAPTER_METHOD_QLORA, request.getAdapter().getMethod());
    assertEquals(0.0002, request.getHyperparameters().getLearningRate());
    assertEquals("cosine", request.getHyperparameters().getLrSchedule());
    assertEquals(0.1, request.getHyperparameters().getEvalFraction());
    assertEquals("support-golden", request.getGoldenSet().getId());

    TuningRunSpec back = TrainingRequests.toTuningRun(request, "armory").getSpec();
    TuningRunSpec s = run.getSpec();
    TuningRunSpec expected =
        new TuningRunSpec(
            s.baseModel(),
            s.dataset(),
            s.method(),
            s.adapter(),
            s.objective(),
            s.hyperparameters(),
            s.eval(),
            null,
            null,
            s.export(),
            s.publishToInference(),
            null,
            run.getMetadata().getName(),
            null,
            null,
            null);
    assertEquals(expected, back);
  }

  @Test
  void aDpoRequestFromAStartAdapterKeepsItsSettingsThroughTheTuningRun() throws Exception {
    TrainingRequested request =
        TrainingRequested.newBuilder()
            .setRunId("dpo-7")
            .setIdempotencyKey("k-7")
            .setObjective(dev.armory.events.v1.Objective.OBJECTIVE_DPO)
            .setBaseModel(ref(dev.armory.events.v1.ArtifactKind.ARTIFACT_KIND_MODEL, "tiny"))
            .setDataset(ref(dev.armory.events.v1.ArtifactKind.ARTIFACT_KIND_DATASET, "prefs"))
            .setStartAdapter(ref(dev.armory.events.v1.ArtifactKind.ARTIFACT_KIND_ADAPTER, "sft-3"))
            .setAdapter(
                AdapterConfig.newBuilder().setMethod(AdapterMethod.ADAPTER_METHOD_LORA).setR(8))
            .setHyperparameters(
                dev.armory.events.v1.Hyperparameters.newBuilder()
                    .setDpoBeta(0.2)
                    .setDpoLabelSmoothing(0.1)
                    .setLearningRate(5e-6))
            .build();
    TuningRun run = TrainingRequests.toTuningRun(request, "armory");
    assertEquals(java.util.List.of(), SpecValidator.problems(run.getSpec()));
    assertEquals("sft-3", run.getSpec().adapter().startFrom().id());
    assertEquals(0.2, run.getSpec().hyperparameters().dpoBeta());

    TrainingRequested back = TrainingRequests.toRequest(run);
    assertEquals(request.getStartAdapter(), back.getStartAdapter());
    assertEquals(request.getHyperparameters(), back.getHyperparameters());
    assertEquals(request.getAdapter(), back.getAdapter());
    assertEquals(request.getObjective(), back.getObjective());
    assertEquals("k-7", back.getIdempotencyKey());
  }

  @Test
  void dpoSettingsWithoutTheDpoObjectiveAreAProblem() {
    TuningRun run = Runs.minimal("sft");
    TuningRunSpec s = run.getSpec();
    run.setSpec(
        new TuningRunSpec(
            s.baseModel(),
            s.dataset(),
            null,
            null,
            null,
            new TuningRunSpec.Hyperparameters(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, 0.1, null),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    assertEquals(
        java.util.List.of(
            "spec.hyperparameters: dpoBeta and dpoLabelSmoothing apply to objective dpo only; set"
                + " spec.objective: dpo or remove them"),
        SpecValidator.problems(run.getSpec()));
  }

  private static dev.armory.events.v1.ArtifactRef ref(
      dev.armory.events.v1.ArtifactKind kind, String id) {
    return dev.armory.events.v1.ArtifactRef.newBuilder().setKind(kind).setId(id).build();
  }

  @Test
  void requestsTheApiCannotExpressAreRefusedWithTheReason() {
    TrainingRequested.Builder r = TrainingRequested.newBuilder().setRunId("r1");
    var dora =
        assertThrows(
            TrainingRequests.Unsupported.class,
            () ->
                TrainingRequests.toTuningRun(
                    r.clone()
                        .setAdapter(
                            AdapterConfig.newBuilder().setMethod(AdapterMethod.ADAPTER_METHOD_IA3))
                        .build(),
                    "ns"));
    assertTrue(
        dora.getMessage()
            .startsWith("adapter.method ADAPTER_METHOD_IA3 has no TuningRun equivalent"),
        dora.getMessage());
    var two =
        assertThrows(
            TrainingRequests.Unsupported.class,
            () ->
                TrainingRequests.toTuningRun(
                    r.clone()
                        .setExport(
                            ExportOptions.newBuilder()
                                .setEnabled(true)
                                .addPrecisions("fp16")
                                .addPrecisions("int4"))
                        .build(),
                    "ns"));
    assertTrue(two.getMessage().contains("lists 2 precisions"), two.getMessage());
    var noId =
        assertThrows(
            TrainingRequests.Unsupported.class,
            () -> TrainingRequests.toTuningRun(TrainingRequested.getDefaultInstance(), "ns"));
    assertEquals("TrainingRequested has no run_id", noId.getMessage());
  }
}
