package dev.armory.engine.judge.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The result of a win-rate evaluation: the rate with its interval, every comparison, and the
 * regression check on base scenarios.
 *
 * @param adapterName the evaluated side
 * @param baselineName the baseline
 * @param judge the panel, e.g. "rules:c then llm:m (both orders)"
 * @param winRate wins, losses, ties, the rate and its interval
 * @param comparisons one per prompt, in order
 * @param scenarios the regression check
 */
public record EvalReport(
    String adapterName,
    String baselineName,
    String judge,
    WinRate winRate,
    List<Comparison> comparisons,
    ScenarioCheck scenarios) {
  public EvalReport {
    comparisons = List.copyOf(comparisons);
  }

  /** The report for people: rate, interval, counts, and every regression. */
  public String render() {
    WinRate w = winRate;
    WilsonInterval ci = w.interval();
    StringBuilder out = new StringBuilder();
    out.append(adapterName)
        .append(" vs ")
        .append(baselineName)
        .append(", judged by ")
        .append(judge)
        .append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "prompts: %d compared: %d wins, %d losses, %d ties, %d excluded (unparseable or judge error)%n",
            comparisons.size(),
            w.wins(),
            w.losses(),
            w.ties(),
            w.excluded()));
    out.append(
        String.format(
            Locale.ROOT,
            "win rate: %s (%s; n = %d), %.0f%% Wilson interval [%.3f, %.3f]%n",
            Double.isNaN(w.rate()) ? "n/a" : String.format(Locale.ROOT, "%.3f", w.rate()),
            w.tieHandling() == TieHandling.HALF ? "ties count half" : "ties excluded",
            w.n(),
            w.confidence() * 100,
            ci.lower(),
            ci.upper()));
    ScenarioCheck s = scenarios;
    out.append(
        String.format(
            Locale.ROOT,
            "base scenarios: %d checked (passes when %s): %s passed %d, %s passed %d, %d undetermined%n",
            s.scenarios(),
            s.check(),
            baselineName,
            s.baselinePassed(),
            adapterName,
            s.adapterPassed(),
            s.undetermined()));
    out.append("regressions (")
        .append(baselineName)
        .append(" passed, ")
        .append(adapterName)
        .append(" failed): ")
        .append(s.regressions().size())
        .append('\n');
    for (Regression r : s.regressions()) {
      out.append("  [")
          .append(r.scenario().id())
          .append("] ")
          .append(oneLine(r.scenario().prompt()))
          .append('\n');
      out.append("      reference: ").append(oneLine(r.scenario().reference())).append('\n');
      out.append("      ")
          .append(baselineName)
          .append(": ")
          .append(oneLine(r.baselineAnswer()))
          .append('\n');
      out.append("      ")
          .append(adapterName)
          .append(": ")
          .append(oneLine(r.adapterAnswer()))
          .append('\n');
      out.append("      why: ").append(oneLine(r.why())).append('\n');
    }
    return out.toString();
  }

  private static String oneLine(String s) {
    String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
    return one.length() <= 160 ? one : one.substring(0, 157) + "...";
  }

  /** Everything as JSON (snake_case keys), comparisons and regressions included. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode n = f.objectNode();
    n.put("adapter", adapterName);
    n.put("baseline", baselineName);
    n.put("judge", judge);
    ObjectNode w = n.putObject("win_rate");
    w.put("wins", winRate.wins());
    w.put("losses", winRate.losses());
    w.put("ties", winRate.ties());
    w.put("excluded", winRate.excluded());
    w.put("tie_handling", winRate.tieHandling().name().toLowerCase(Locale.ROOT));
    w.put("n", winRate.n());
    if (!Double.isNaN(winRate.rate())) {
      w.put("rate", winRate.rate());
    }
    w.put("confidence", winRate.confidence());
    w.put("lower", winRate.interval().lower());
    w.put("upper", winRate.interval().upper());
    ArrayNode cs = n.putArray("comparisons");
    for (Comparison c : comparisons) {
      ObjectNode o = cs.addObject();
      o.put("prompt_id", c.prompt().id());
      o.put("prompt", c.prompt().prompt());
      o.put("adapter_answer", c.adapterAnswer());
      o.put("baseline_answer", c.baselineAnswer());
      o.put("result", c.result().name().toLowerCase(Locale.ROOT));
      o.put("outcome", c.decision().outcome().name().toLowerCase(Locale.ROOT));
      o.put("rationale", c.decision().rationale(adapterName, baselineName));
    }
    ObjectNode sc = n.putObject("scenarios");
    sc.put("checked", scenarios.scenarios());
    sc.put("check", scenarios.check());
    sc.put("baseline_passed", scenarios.baselinePassed());
    sc.put("adapter_passed", scenarios.adapterPassed());
    sc.put("undetermined", scenarios.undetermined());
    ArrayNode rs = sc.putArray("regressions");
    for (Regression r : scenarios.regressions()) {
      ObjectNode o = rs.addObject();
      o.put("prompt_id", r.scenario().id());
      o.put("prompt", r.scenario().prompt());
      o.put("reference", r.scenario().reference());
      o.put("baseline_answer", r.baselineAnswer());
      o.put("adapter_answer", r.adapterAnswer());
      o.put("why", r.why());
    }
    return n;
  }
}
