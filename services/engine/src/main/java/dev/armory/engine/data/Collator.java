package dev.armory.engine.data;

import dev.armory.engine.tokenizer.HfTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/** Builds {@link TokenBatch}es: right-pads rows to the longest one and computes aligned labels. */
public final class Collator {
  private final int padId;

  /** A collator padding with {@code padId} (the tokenizer's pad token, else its EOS). */
  public Collator(int padId) {
    if (padId < 0) {
      throw new IllegalArgumentException("pad id must be a token id (>= 0), got " + padId);
    }
    this.padId = padId;
  }

  /** A collator padding with the tokenizer's pad token, else its EOS token. */
  public static Collator forTokenizer(HfTokenizer tokenizer) {
    OptionalInt pad = tokenizer.padId();
    if (pad.isEmpty()) {
      pad = tokenizer.eosId();
    }
    if (pad.isEmpty()) {
      throw new IllegalArgumentException(
          tokenizer.directory()
              + ": the tokenizer has neither a pad_token nor an eos_token, so batches cannot be"
              + " padded; set pad_token in tokenizer_config.json");
    }
    return new Collator(pad.getAsInt());
  }

  public int padId() {
    return padId;
  }

  /** A batch of unpacked examples, one per row. */
  public TokenBatch collateExamples(List<TokenizedExample> examples) {
    List<TrainingRow> rows = new ArrayList<>(examples.size());
    for (TokenizedExample example : examples) {
      rows.add(TrainingRow.of(example));
    }
    return collate(rows);
  }

  /** A batch of rows (single examples or packed), padded to the longest row. */
  public TokenBatch collate(List<TrainingRow> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("cannot collate an empty micro-batch");
    }
    int seqLen = 0;
    for (TrainingRow row : rows) {
      seqLen = Math.max(seqLen, row.length());
    }
    if (seqLen == 0) {
      throw new IllegalArgumentException("cannot collate rows that are all empty");
    }
    int b = rows.size();
    long[] inputIds = new long[b * seqLen];
    long[] attentionMask = new long[b * seqLen];
    long[] positionIds = new long[b * seqLen];
    long[] labels = new long[b * seqLen];
    long[] segmentIds = new long[b * seqLen];
    Arrays.fill(inputIds, padId);
    Arrays.fill(labels, TokenBatch.IGNORE_INDEX);
    long real = 0;
    long trained = 0;
    for (int r = 0; r < b; r++) {
      TrainingRow row = rows.get(r);
      int base = r * seqLen;
      int n = row.length();
      for (int t = 0; t < n; t++) {
        inputIds[base + t] = row.ids()[t];
        attentionMask[base + t] = 1;
        positionIds[base + t] = row.positionIds()[t];
        segmentIds[base + t] = row.segmentIds()[t];
        // The logit at t predicts token t+1: label it when t+1 is a target of the same example.
        if (t + 1 < n && row.trainable()[t + 1] && row.segmentIds()[t + 1] == row.segmentIds()[t]) {
          labels[base + t] = row.ids()[t + 1];
          trained++;
        }
      }
      real += n;
    }
    return new TokenBatch(
        b, seqLen, inputIds, attentionMask, positionIds, labels, segmentIds, real, trained);
  }

  /**
   * A DPO batch of {@code 2 × pairs} rows: the chosen sequences of every pair, then the rejected
   * ones in the same order, padded to the longest of all; labels only on completion tokens.
   */
  public TokenBatch collatePreferences(List<PreferenceExample> pairs) {
    List<TrainingRow> rows = new ArrayList<>(2 * pairs.size());
    for (PreferenceExample pair : pairs) {
      rows.add(TrainingRow.of(pair.chosen()));
    }
    for (PreferenceExample pair : pairs) {
      rows.add(TrainingRow.of(pair.rejected()));
    }
    return collate(rows);
  }
}
