package dev.armory.engine.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * How closely an exported model reproduces the engine: per prompt, the largest and mean absolute
 * logit difference (over the prompt's positions and each greedily decoded step, the export running
 * through its KV cache and the reference over the whole sequence), and how many of the greedy
 * tokens the reference would also have chosen.
 *
 * @param precision the exported weight precision
 * @param reference what the export was compared with
 * @param threshold the largest max-abs difference accepted
 * @param prompts per-prompt figures
 */
public record ParityReport(
    ExportPrecision precision, String reference, double threshold, List<PromptParity> prompts) {

  /**
   * One prompt's figures.
   *
   * @param text the prompt text, or null when given as token ids
   * @param promptTokens prompt length
   * @param maxAbs largest |export − reference| logit over all compared positions
   * @param meanAbs mean |export − reference| over them
   * @param promptMaxAbs the largest over the prompt's positions only (one prefill run)
   * @param decodeMaxAbs the largest over the decoding steps (cache-fed runs), NaN if none
   * @param greedyTokens tokens the export decoded greedily
   * @param greedyAgreements of those, how many the reference's argmax at the same position equals
   * @param firstDisagreement index of the first greedy token the reference would not choose, or −1
   * @param tokens the tokens the export generated
   * @param referenceMaxAbsLogit the largest |logit| of the reference, to judge differences by
   */
  public record PromptParity(
      String text,
      int promptTokens,
      double maxAbs,
      double meanAbs,
      double promptMaxAbs,
      double decodeMaxAbs,
      int greedyTokens,
      int greedyAgreements,
      int firstDisagreement,
      long[] tokens,
      double referenceMaxAbsLogit) {
    public double greedyAgreement() {
      return (double) greedyAgreements / greedyTokens;
    }
  }

  public ParityReport {
    prompts = List.copyOf(prompts);
  }

  /** The largest max-abs difference over all prompts. */
  public double maxAbs() {
    return prompts.stream().mapToDouble(PromptParity::maxAbs).max().orElse(0);
  }

  /** The mean of the prompts' mean-abs differences. */
  public double meanAbs() {
    return prompts.stream().mapToDouble(PromptParity::meanAbs).average().orElse(0);
  }

  /** Greedy agreements over greedy tokens, all prompts together. */
  public double greedyAgreement() {
    int agree = prompts.stream().mapToInt(PromptParity::greedyAgreements).sum();
    int total = prompts.stream().mapToInt(PromptParity::greedyTokens).sum();
    return total == 0 ? 1 : (double) agree / total;
  }

  /** The largest |logit| the reference produced over all prompts. */
  public double referenceMaxAbsLogit() {
    return prompts.stream().mapToDouble(PromptParity::referenceMaxAbsLogit).max().orElse(0);
  }

  /** True when the largest difference is within the threshold. */
  public boolean passed() {
    return maxAbs() <= threshold;
  }

  public ObjectNode toJson() {
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    r.put("precision", precision.label());
    r.put("reference", reference);
    r.put("threshold_max_abs", threshold);
    r.put("passed", passed());
    r.put("max_abs", maxAbs());
    r.put("mean_abs", meanAbs());
    r.put("greedy_agreement", greedyAgreement());
    r.put("reference_max_abs_logit", referenceMaxAbsLogit());
    ArrayNode list = r.putArray("prompts");
    for (PromptParity p : prompts) {
      ObjectNode n = list.addObject();
      if (p.text() != null) {
        n.put("text", p.text());
      }
      n.put("prompt_tokens", p.promptTokens());
      n.put("max_abs", p.maxAbs());
      n.put("mean_abs", p.meanAbs());
      n.put("prompt_max_abs", p.promptMaxAbs());
      if (!Double.isNaN(p.decodeMaxAbs())) {
        n.put("decode_max_abs", p.decodeMaxAbs());
      }
      n.put("greedy_tokens", p.greedyTokens());
      n.put("greedy_agreement", p.greedyAgreement());
      n.put("first_disagreement", p.firstDisagreement());
      n.put("reference_max_abs_logit", p.referenceMaxAbsLogit());
      ArrayNode t = n.putArray("generated_tokens");
      for (long id : p.tokens()) {
        t.add(id);
      }
    }
    return r;
  }

  /** One line per prompt and a verdict, for consoles. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(Locale.ROOT, "parity (%s weights vs %s):%n", precision.label(), reference));
    for (int i = 0; i < prompts.size(); i++) {
      PromptParity p = prompts.get(i);
      sb.append(
          String.format(
              Locale.ROOT,
              "  prompt %d (%d tokens): max abs %.3e, mean abs %.3e, greedy agreement %d/%d%n",
              i + 1,
              p.promptTokens(),
              p.maxAbs(),
              p.meanAbs(),
              p.greedyAgreements(),
              p.greedyTokens()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  overall: max abs %.3e (threshold %.1e; reference logits up to %.2f), mean abs %.3e,"
                + " greedy agreement %.1f%%: %s",
            maxAbs(),
            threshold,
            referenceMaxAbsLogit(),
            meanAbs(),
            100 * greedyAgreement(),
            passed() ? "PASSED" : "FAILED"));
    return sb.toString();
  }
}
