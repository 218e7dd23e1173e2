package dev.armory.engine.safetensors;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Picks the names closest to a misspelt one, so "not found" errors can say what was meant. */
public final class ClosestNames {
  private ClosestNames() {}

  /** Up to {@code limit} names from {@code candidates}, nearest first by edit distance. */
  public static List<String> closest(String wanted, Collection<String> candidates, int limit) {
    record Scored(String name, int distance) {}
    List<Scored> scored = new ArrayList<>();
    for (String c : candidates) {
      scored.add(new Scored(c, distance(wanted, c)));
    }
    scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, scored.size()); i++) {
      out.add(scored.get(i).name());
    }
    return out;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
