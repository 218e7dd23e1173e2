package dev.armory.engine.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per line, {@code "type": "train"} per logged step and
 * {@code "type": "eval"} per evaluation, flushed as written so a crash loses at most one line.
 */
final class MetricsLog implements Closeable {
  private final Path file;
  private final BufferedWriter out;

  private MetricsLog(Path file, BufferedWriter out) {
    this.file = file;
    this.out = out;
  }

  /** A new, empty log (an existing file is replaced). */
  static MetricsLog create(Path file) throws IOException {
    return new MetricsLog(
        file,
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE));
  }

  /**
   * Continues a log after a resume from {@code step}: lines of later steps (written before the
   * interruption and about to be redone) are dropped first, so each step appears once.
   */
  static MetricsLog resume(Path file, int step) throws IOException {
    if (Files.exists(file)) {
      List<String> kept = new ArrayList<>();
      int lineNo = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = JsonCodec.LINE.readTree(line);
        } catch (IOException e) {
          // A torn last line from a crash: drop it, it will be rewritten.
          continue;
        }
        if (!n.has("step")) {
          throw new IOException(file + " line " + lineNo + ": no 'step' field in " + line);
        }
        if (n.get("step").asInt() <= step) {
          kept.add(line);
        }
      }
      AtomicFiles.write(
          file,
          (String.join("\n", kept) + (kept.isEmpty() ? "" : "\n"))
              .getBytes(StandardCharsets.UTF_8));
    }
    return new MetricsLog(
        file,
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND,
            StandardOpenOption.WRITE));
  }

  /** One logged training step. */
  void train(
      int step,
      int totalSteps,
      int epoch,
      double loss,
      double gradNorm,
      double lr,
      double millis,
      double tokensPerSecond,
      long tokensSeen,
      Map<String, Double> extra)
      throws IOException {
    ObjectNode n = JsonCodec.LINE.createObjectNode();
    n.put("type", "train");
    n.put("step", step);
    n.put("total_steps", totalSteps);
    n.put("epoch", epoch);
    n.put("loss", loss);
    n.put("grad_norm", gradNorm);
    n.put("lr", lr);
    n.put("ms", millis);
    n.put("tokens_per_s", tokensPerSecond);
    n.put("tokens", tokensSeen);
    extra.forEach(n::put);
    write(n);
  }

  /**
   * One evaluation; {@code trainLoss} is the mean training loss since the previous one and {@code
   * extra}'s metrics are written with an {@code eval_} prefix.
   */
  void eval(
      int step,
      double evalLoss,
      double trainLoss,
      double bestEvalLoss,
      int bestStep,
      long tokens,
      Map<String, Double> extra)
      throws IOException {
    ObjectNode n = JsonCodec.LINE.createObjectNode();
    n.put("type", "eval");
    n.put("step", step);
    n.put("eval_loss", evalLoss);
    if (extra.isEmpty()) {
      n.put("eval_ppl", Math.exp(evalLoss)); // a token loss; objectives with metrics have none
    }
    n.put("train_loss", trainLoss);
    n.put("train_eval_gap", evalLoss - trainLoss);
    n.put("best_eval_loss", bestEvalLoss);
    n.put("best_step", bestStep);
    n.put("eval_tokens", tokens);
    extra.forEach((k, v) -> n.put("eval_" + k, v));
    write(n);
  }

  private void write(ObjectNode n) throws IOException {
    out.write(JsonCodec.LINE.writeValueAsString(n));
    out.write('\n');
    out.flush();
  }

  Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
