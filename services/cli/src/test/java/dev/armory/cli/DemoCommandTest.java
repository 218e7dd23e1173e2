package dev.armory.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.hf.ModelType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demoGeneratesAndInspectsEveryArchitecture() {
    CliRun run = CliRun.of("demo", "--workdir", dir.toString());
    assertEquals(0, run.exitCode(), run.err());
    for (ModelType type : ModelType.values()) {
      assertTrue(
          Files.isRegularFile(dir.resolve("tiny-" + type.hfName()).resolve("model.safetensors")));
      assertTrue(run.out().contains(type.causalLmClass() + "("), type + " inspected");
    }
    assertTrue(run.out().contains("Done: 4 models generated and inspected"), run.out());
  }
}
