package dev.armory.engine.export;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.fixtures.SharedModels;
import dev.armory.engine.merge.WeightedAdapter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained model (stories260K) with a QLoRA-style adapter, exported at every precision. */
class Stories260KExportTest {
  @TempDir Path dir;

  @Test
  void storiesExportsAtEveryPrecisionReportTheirParity() throws Exception {
    Optional<Path> stories = SharedModels.stories260K();
    if (stories.isEmpty()) {
      System.out.println(SharedModels.stories260KAbsentReason());
    }
    assumeTrue(stories.isPresent(), SharedModels.stories260KAbsentReason());
    Path adapter = OnnxExporterTest.adapter(stories.get(), dir.resolve("adapter"), 8, 3, 0, 0.02);
    for (ExportPrecision precision : ExportPrecision.values()) {
      ExportResult r =
          OnnxExporter.export(
              ExportRequest.of(
                      stories.get(),
                      List.of(WeightedAdapter.of(adapter)),
                      precision,
                      dir.resolve(precision.label()))
                  .withBaseWeights(BaseWeights.NF4));
      System.out.println(r.parity().toText());
      ParityReport p = r.parity();
      System.out.printf(
          "stories260K + adapter (NF4 base) -> %s: max abs %.3e, mean abs %.3e, greedy agreement"
              + " %.1f%%, %d bytes of weights%n",
          precision.label(), p.maxAbs(), p.meanAbs(), 100 * p.greedyAgreement(), r.dataBytes());
      assertTrue(p.passed());
      if (precision == ExportPrecision.FP32) {
        assertTrue(p.maxAbs() <= 1e-4, "fp32 parity " + p.maxAbs());
      }
    }
  }
}
