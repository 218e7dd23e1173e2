package dev.armory.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpGraphCommandTest {
  static CliRun armory(String... args) {
    return CliRun.of(args);
  }

  @Test
  void mlpWithGradientsIsWrittenWithExternalDataAndLoadsByPath(@TempDir Path dir) {
    Path onnx = dir.resolve("views/mlp.onnx");
    CliRun r =
        armory(
            "dev", "dump-graph", "--example", "mlp", "--out", onnx.toString(), "--with-gradients");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("external data"), r.out());
    assertTrue(Files.exists(dir.resolve("views/mlp.onnx.data")), "the .data file beside it");
    try (GraphSession s = GraphSession.load(onnx, SessionConfig.defaults())) {
      assertEquals(
          Set.of("logits", "loss", "grad_layer2.weight", "grad_layer2.bias"), s.outputNames());
      assertEquals(Set.of("x", "labels", "layer2.weight", "layer2.bias"), s.inputNames());
    }
  }

  @Test
  void linearRegressionWithoutGradientsOutputsOnlyTheLoss(@TempDir Path dir) {
    Path onnx = dir.resolve("lr.onnx");
    CliRun r =
        armory("dev", "dump-graph", "--example", "linear-regression", "--out", onnx.toString());
    assertEquals(0, r.exitCode(), r.err());
    try (GraphSession s = GraphSession.load(onnx, SessionConfig.defaults())) {
      assertEquals(Set.of("loss"), s.outputNames());
    }
  }

  @Test
  void unknownExampleIsAUsageErrorListingTheChoices(@TempDir Path dir) {
    CliRun r =
        armory("dev", "dump-graph", "--example", "gpt5", "--out", dir.resolve("x.onnx").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("expected one of mlp, linear-regression"), r.err());
  }

  @Test
  void helpNamesTheExamplesAndTheComingModelOption() {
    CliRun r = armory("dev", "dump-graph", "--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("mlp, linear-regression"), r.out());
    assertTrue(r.out().contains("--model DIR"), r.out());
  }
}
