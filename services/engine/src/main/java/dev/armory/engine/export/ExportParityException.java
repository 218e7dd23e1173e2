package dev.armory.engine.export;

import java.nio.file.Path;

/** An exported model failed its parity check: its logits differ from the engine's too much. */
public final class ExportParityException extends RuntimeException {
  private final transient ParityReport report;
  private final transient Path rejectedDirectory;

  ExportParityException(ParityReport report, Path rejectedDirectory) {
    super(
        String.format(
            java.util.Locale.ROOT,
            "the exported %s model's logits differ from the engine's by up to %.3e, over the"
                + " threshold %.1e; the export was not accepted (kept for inspection in %s, see"
                + " parity_report.json). Raise the threshold for this precision if the difference"
                + " is expected.",
            report.precision().label(),
            report.maxAbs(),
            report.threshold(),
            rejectedDirectory));
    this.report = report;
    this.rejectedDirectory = rejectedDirectory;
  }

  public ParityReport report() {
    return report;
  }

  /** Where the rejected export was left. */
  public Path rejectedDirectory() {
    return rejectedDirectory;
  }
}
