package dev.armory.engine.judge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A candidate source with answers written down in advance per (adapter, prompt), standing in for
 * the inference service. Token counts are the number of whitespace-separated words.
 */
public final class FixedCandidates implements CandidateSource {
  private final Map<String, List<String>> answers = new HashMap<>();
  private final List<CandidateRequest> requests = new ArrayList<>();

  /** Answers {@code texts} (in order) to {@code prompt} for {@code adapterId} (null: base). */
  public FixedCandidates put(String adapterId, String prompt, String... texts) {
    answers.put(adapterId + "\u0000" + prompt, List.of(texts));
    return this;
  }

  public List<CandidateRequest> requests() {
    return requests;
  }

  @Override
  public List<Candidate> sample(CandidateRequest request) {
    requests.add(request);
    List<String> texts = answers.get(request.adapterId() + "\u0000" + request.prompt());
    if (texts == null) {
      throw new IllegalArgumentException(
          "no answers for " + request.adapterId() + " / " + request.prompt());
    }
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < request.k(); i++) {
      String t = texts.get(i % texts.size());
      out.add(new Candidate(i, t, t.isBlank() ? 0 : t.strip().split("\\s+").length));
    }
    return out;
  }
}
