package dev.armory.engine.export;

import dev.armory.engine.merge.AdaptedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compares an exported model with the engine's reference forward. For each prompt the export runs
 * as a consumer runs it (prefill, then N greedy steps each feeding its presents back as past); the
 * reference runs once over the prompt plus the export's first N−1 tokens (teacher forcing), so
 * every position the export produced logits for has a reference row to compare with.
 */
final class ParityCheck {
  private ParityCheck() {}

  /** A prompt as token ids, with its text when it came from text. */
  record Prompt(String text, long[] tokens) {}

  static ParityReport run(
      ExportedModel exported,
      AdaptedModel reference,
      String referenceName,
      List<Prompt> prompts,
      int greedyTokens,
      ExportPrecision precision,
      double threshold) {
    int v = exported.vocabularySize();
    List<ParityReport.PromptParity> results = new ArrayList<>();
    for (Prompt prompt : prompts) {
      long[] tokens = prompt.tokens();
      int t = tokens.length;
      float[] promptLogits = exported.prefill(tokens); // [T, V]
      long[] generated = new long[greedyTokens];
      List<float[]> decodeLogits = new ArrayList<>(); // rows T .. T+N-2
      float[] last = Arrays.copyOfRange(promptLogits, (t - 1) * v, t * v);
      for (int k = 0; k < greedyTokens; k++) {
        generated[k] = argmax(last, 0, v);
        if (k + 1 < greedyTokens) {
          last = exported.next(generated[k]);
          decodeLogits.add(last);
        }
      }
      long[] full = Arrays.copyOf(tokens, t + greedyTokens - 1);
      System.arraycopy(generated, 0, full, t, greedyTokens - 1);
      float[] ref = reference.logits(full); // [T+N-1, V]

      double promptMax = 0;
      double sum = 0;
      long count = 0;
      for (int i = 0; i < t * v; i++) {
        double d = Math.abs((double) promptLogits[i] - ref[i]);
        promptMax = Math.max(promptMax, d);
        sum += d;
        count++;
      }
      double decodeMax = decodeLogits.isEmpty() ? Double.NaN : 0;
      for (int k = 0; k < decodeLogits.size(); k++) {
        float[] row = decodeLogits.get(k);
        int base = (t + k) * v;
        for (int j = 0; j < v; j++) {
          double d = Math.abs((double) row[j] - ref[base + j]);
          decodeMax = Math.max(decodeMax, d);
          sum += d;
          count++;
        }
      }
      int agreements = 0;
      int firstDisagreement = -1;
      for (int k = 0; k < greedyTokens; k++) {
        if (argmax(ref, (t - 1 + k) * v, v) == generated[k]) {
          agreements++;
        } else if (firstDisagreement < 0) {
          firstDisagreement = k;
        }
      }
      double scale = 0;
      for (float x : ref) {
        scale = Math.max(scale, Math.abs(x));
      }
      double max = Double.isNaN(decodeMax) ? promptMax : Math.max(promptMax, decodeMax);
      results.add(
          new ParityReport.PromptParity(
              prompt.text(),
              t,
              max,
              sum / count,
              promptMax,
              decodeMax,
              greedyTokens,
              agreements,
              firstDisagreement,
              generated,
              scale));
    }
    return new ParityReport(precision, referenceName, threshold, results);
  }

  static int argmax(float[] x, int from, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (x[from + i] > x[from + best]) {
        best = i;
      }
    }
    return best;
  }
}
