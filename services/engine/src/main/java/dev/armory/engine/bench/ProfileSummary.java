package dev.armory.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Sums ONNX Runtime profiler node events by op type: where a step's time goes. */
public final class ProfileSummary {
  /** Total microseconds and call count of one op type. */
  public record OpTime(String opType, long micros, long calls) {}

  private ProfileSummary() {}

  /** Op types by total kernel time, largest first. */
  public static List<OpTime> read(Path profileJson) throws IOException {
    JsonNode events = new ObjectMapper().readTree(profileJson.toFile());
    Map<String, long[]> byOp = new HashMap<>();
    for (JsonNode e : events) {
      if (!"Node".equals(e.path("cat").asText())
          || !e.path("name").asText().endsWith("_kernel_time")) {
        continue;
      }
      String op = e.path("args").path("op_name").asText("?");
      long[] t = byOp.computeIfAbsent(op, k -> new long[2]);
      t[0] += e.path("dur").asLong();
      t[1]++;
    }
    List<OpTime> out = new ArrayList<>();
    byOp.forEach((op, t) -> out.add(new OpTime(op, t[0], t[1])));
    out.sort((a, b) -> Long.compare(b.micros(), a.micros()));
    return out;
  }

  /** Prints the top {@code n} op types with their share of kernel time. */
  public static void print(List<OpTime> ops, int n, PrintStream out) {
    long total = ops.stream().mapToLong(OpTime::micros).sum();
    out.printf(
        "kernel time by op type (%d op types, %.1f ms in total):%n", ops.size(), total / 1e3);
    for (OpTime t : ops.subList(0, Math.min(n, ops.size()))) {
      out.printf(
          "  %-24s %8.1f ms %5.1f%%  (%d calls)%n",
          t.opType(), t.micros() / 1e3, 100.0 * t.micros() / total, t.calls());
    }
  }
}
