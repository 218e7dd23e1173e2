package dev.armory.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demoRunsThePlatformAndTheAdapterAnswersWhatItLearnt() throws Exception {
    CliRun run = CliRun.of("demo", "--workdir", dir.toString(), "--no-progress");
    System.out.println(run.out());
    assertEquals(0, run.exitCode(), run.err());
    String out = run.out();
    for (String stage :
        List.of(
            "DatasetIngested: 96 records",
            "TrainingCompleted: 600 steps",
            "ModelExported: fp32 ONNX",
            "(passed)",
            "AdapterPublished")) {
      assertTrue(out.contains(stage), "missing '" + stage + "' in:\n" + out);
    }
    assertTrue(out.contains("   step 600/600 | loss"), "progress lines come from events:\n" + out);
    try (Stream<Path> adapters = Files.list(dir.resolve("store/adapters"))) {
      Path adapter = adapters.findFirst().orElseThrow();
      assertTrue(Files.isRegularFile(adapter.resolve("adapter_model.safetensors")));
      String runId = adapter.getFileName().toString();
      assertTrue(Files.isRegularFile(dir.resolve("store/runs/" + runId + "/train/loss.png")));
      assertTrue(
          out.contains("loss curve: " + dir.resolve("store/runs/" + runId + "/train/loss.png")));
    }
    // The bundled data answers "What is the capital of France?" with "Paris.".
    int question = out.indexOf("Q: What is the capital of France?");
    int adapterLine = out.indexOf("adapter:", question);
    assertTrue(question >= 0 && adapterLine > question, out);
    String answer = out.substring(adapterLine, out.indexOf('\n', adapterLine));
    assertTrue(answer.contains("Paris"), answer);
  }
}
