package dev.armory.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demoFineTunesATinyModelAndTheAdapterAnswersWhatItLearnt() {
    CliRun run = CliRun.of("demo", "--workdir", dir.toString(), "--no-progress");
    System.out.println(run.out());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(Files.isRegularFile(dir.resolve("run/adapter/adapter_model.safetensors")));
    assertTrue(Files.isRegularFile(dir.resolve("run/loss.png")));
    // The bundled data answers "What is the capital of France?" with "Paris.".
    String out = run.out();
    int question = out.indexOf("Q: What is the capital of France?");
    int adapterLine = out.indexOf("adapter:", question);
    assertTrue(question >= 0 && adapterLine > question, out);
    String answer = out.substring(adapterLine, out.indexOf('\n', adapterLine));
    assertTrue(answer.contains("Paris"), answer);
  }
}
