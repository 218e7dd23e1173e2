package dev.armory.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain byte-level BPE training, as GPT-2 tokenizers are built: text is split into words by GPT-2's
 * pattern, each word becomes its UTF-8 bytes spelled in GPT-2's byte-to-character alphabet, and the
 * most frequent adjacent pair is merged until the merge budget is spent. Deterministic: ties go to
 * the pair whose spelled-out strings sort first.
 */
final class ByteLevelBpe {
  /** GPT-2's pre-tokenizer pattern, the one the tokenizers library's ByteLevel step applies. */
  static final Pattern WORDS =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  /** Byte b is spelled {@code ALPHABET[b]}; printable Latin-1 bytes spell themselves. */
  static final char[] ALPHABET = new char[256];

  /** Bytes in GPT-2's vocabulary order: id i (for i below 256) is byte {@code BYTE_ORDER[i]}. */
  static final int[] BYTE_ORDER = new int[256];

  static {
    boolean[] printable = new boolean[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      if (printable[b]) {
        ALPHABET[b] = (char) b;
        BYTE_ORDER[n++] = b;
      }
    }
    int shifted = 0;
    for (int b = 0; b < 256; b++) {
      if (!printable[b]) {
        ALPHABET[b] = (char) (256 + shifted++);
        BYTE_ORDER[n++] = b;
      }
    }
  }

  /**
   * A trained tokenizer: tokens by id (bytes first, then one per merge) and the merges in order.
   */
  record Model(List<String> tokens, List<String[]> merges) {}

  private ByteLevelBpe() {}

  static Model train(String corpus, int mergeBudget) {
    List<String> tokens = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    for (int b : BYTE_ORDER) {
      ids.put(String.valueOf(ALPHABET[b]), tokens.size());
      tokens.add(String.valueOf(ALPHABET[b]));
    }

    // Distinct words with their counts, sorted so that training never depends on hash order.
    Map<String, Integer> counts = new TreeMap<>();
    Matcher m = WORDS.matcher(corpus);
    while (m.find()) {
      counts.merge(m.group(), 1, Integer::sum);
    }
    List<int[]> words = new ArrayList<>();
    int[] frequency = new int[counts.size()];
    for (Map.Entry<String, Integer> entry : counts.entrySet()) {
      byte[] bytes = entry.getKey().getBytes(StandardCharsets.UTF_8);
      int[] symbols = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        symbols[i] = ids.get(String.valueOf(ALPHABET[bytes[i] & 0xFF]));
      }
      frequency[words.size()] = entry.getValue();
      words.add(symbols);
    }

    List<String[]> merges = new ArrayList<>();
    while (merges.size() < mergeBudget) {
      Map<Long, Integer> pairs = new HashMap<>();
      for (int w = 0; w < words.size(); w++) {
        int[] symbols = words.get(w);
        for (int i = 0; i + 1 < symbols.length; i++) {
          pairs.merge(pair(symbols[i], symbols[i + 1]), frequency[w], Integer::sum);
        }
      }
      long best = -1;
      int bestCount = 1; // a pair seen once teaches nothing
      for (Map.Entry<Long, Integer> entry : pairs.entrySet()) {
        long key = entry.getKey();
        int count = entry.getValue();
        if (count > bestCount || (count == bestCount && best >= 0 && before(key, best, tokens))) {
          best = key;
          bestCount = count;
        }
      }
      if (best < 0) {
        break;
      }
      int left = (int) (best >>> 32);
      int right = (int) best;
      // Two merge paths can spell the same string ("th"+"e", "t"+"he"): they share one id.
      String spelled = tokens.get(left) + tokens.get(right);
      Integer merged = ids.get(spelled);
      if (merged == null) {
        merged = tokens.size();
        ids.put(spelled, merged);
        tokens.add(spelled);
      }
      merges.add(new String[] {tokens.get(left), tokens.get(right)});
      for (int w = 0; w < words.size(); w++) {
        words.set(w, replace(words.get(w), left, right, merged));
      }
    }
    return new Model(List.copyOf(tokens), List.copyOf(merges));
  }

  private static long pair(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  private static boolean before(long a, long b, List<String> tokens) {
    int c = tokens.get((int) (a >>> 32)).compareTo(tokens.get((int) (b >>> 32)));
    return c != 0 ? c < 0 : tokens.get((int) a).compareTo(tokens.get((int) b)) < 0;
  }

  private static int[] replace(int[] symbols, int left, int right, int merged) {
    int[] out = new int[symbols.length];
    int n = 0;
    for (int i = 0; i < symbols.length; i++) {
      if (i + 1 < symbols.length && symbols[i] == left && symbols[i + 1] == right) {
        out[n++] = merged;
        i++;
      } else {
        out[n++] = symbols[i];
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }
}
