package dev.armory.ingestion;

import dev.armory.engine.data.Dataset;
import dev.armory.engine.data.DatasetException;
import dev.armory.engine.data.DatasetLine;
import dev.armory.engine.data.EncodeOptions;
import dev.armory.engine.data.ExampleEncoder;
import dev.armory.engine.data.PreferenceExample;
import dev.armory.engine.data.TokenizedExample;
import dev.armory.engine.tokenizer.HfTokenizer;
import dev.armory.events.v1.TokenStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Token counts of a dataset's records as training will see them: rendered with the base model's
 * chat template, special tokens included, not truncated.
 */
final class TokenStatistics {

  /** No truncation while counting: the count is what decides truncation later. */
  private static final int UNLIMITED = 1 << 24;

  private TokenStatistics() {}

  /**
   * Counts tokens per record (the longer side of a preference pair); records the template cannot
   * render are added to {@code warnings} and left out of the statistics.
   */
  static TokenStats compute(
      HfTokenizer tokenizer,
      String tokenizerName,
      Dataset data,
      int maxSeqLen,
      List<IngestionReport.Line> warnings) {
    ExampleEncoder encoder =
        new ExampleEncoder(tokenizer, new EncodeOptions(UNLIMITED, true, false));
    List<Integer> lengths = new ArrayList<>();
    for (DatasetLine line : data.records()) {
      try {
        if (line.record().isPreference()) {
          Optional<PreferenceExample> pair = encoder.encodePreference(data.source(), line);
          pair.ifPresent(p -> lengths.add(Math.max(p.chosen().length(), p.rejected().length())));
        } else {
          encoder.encode(data.source(), line).map(TokenizedExample::length).ifPresent(lengths::add);
        }
      } catch (DatasetException e) {
        warnings.add(new IngestionReport.Line(line.line(), e.getMessage()));
      }
    }
    TokenStats.Builder stats = TokenStats.newBuilder().setTokenizer(tokenizerName);
    if (lengths.isEmpty()) {
      return stats.build();
    }
    int[] sorted = lengths.stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(sorted);
    long total = 0;
    long over = 0;
    for (int n : sorted) {
      total += n;
      if (maxSeqLen > 0 && n > maxSeqLen) {
        over++;
      }
    }
    return stats
        .setTotalTokens(total)
        .setMinTokens(sorted[0])
        .setMaxTokens(sorted[sorted.length - 1])
        .setMeanTokens((double) total / sorted.length)
        .setP50Tokens(percentile(sorted, 0.50))
        .setP95Tokens(percentile(sorted, 0.95))
        .setOverMaxSeqLen(over)
        .build();
  }

  /** Nearest-rank percentile of sorted values. */
  static int percentile(int[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
