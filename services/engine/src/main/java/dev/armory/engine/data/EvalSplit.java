package dev.armory.engine.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits train and eval data so they never share content. A held-out fraction is chosen by a seeded
 * hash of each record's normalised content ({@link Duplicates#contentHash}), so the choice does not
 * depend on line order, and duplicate records always land on the same side.
 */
public final class EvalSplit {

  /**
   * Train and eval records, each in file order.
   *
   * @param overlapRemoved eval records dropped because the same content is in the train data
   */
  public record Split(Dataset train, Dataset eval, int overlapRemoved) {}

  private EvalSplit() {}

  /**
   * Holds out about {@code fraction} of the records (at least one when there are two or more, never
   * all), chosen by content hash and {@code seed}.
   */
  public static Split heldOut(Dataset data, double fraction, long seed) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException(
          "eval fraction must be in [0, 1), got " + fraction + "; e.g. 0.1 holds out 10%");
    }
    Map<String, List<DatasetLine>> byContent = new LinkedHashMap<>();
    for (DatasetLine line : data.records()) {
      byContent.computeIfAbsent(line.contentHash(), h -> new ArrayList<>()).add(line);
    }
    int n = data.records().size();
    int target = (int) Math.round(fraction * n);
    if (fraction > 0 && n >= 2) {
      target = Math.max(1, target);
    }
    Map<String, Long> score = new HashMap<>();
    for (String hash : byContent.keySet()) {
      score.put(hash, score(seed, hash));
    }
    List<String> order = new ArrayList<>(byContent.keySet());
    order.sort(
        Comparator.comparing((String h) -> score.get(h), Long::compareUnsigned)
            .thenComparing(Comparator.naturalOrder()));
    Set<String> evalHashes = new HashSet<>();
    int evalCount = 0;
    for (String hash : order) {
      int size = byContent.get(hash).size();
      if (evalCount >= target || n - evalCount - size < 1) {
        break;
      }
      evalHashes.add(hash);
      evalCount += size;
    }
    List<DatasetLine> train = new ArrayList<>();
    List<DatasetLine> eval = new ArrayList<>();
    for (DatasetLine line : data.records()) {
      (evalHashes.contains(line.contentHash()) ? eval : train).add(line);
    }
    return new Split(data.withRecords(train), data.withRecords(eval), 0);
  }

  /** Uses a separate eval file, dropping eval records whose content is also in the train data. */
  public static Split separate(Dataset train, Dataset eval) {
    if (train.isPreference() != eval.isPreference()) {
      throw new DatasetException(
          eval.source(),
          List.of(),
          eval.source()
              + ": holds "
              + (eval.isPreference() ? "preference pairs" : "supervised records")
              + " but the train data "
              + train.source()
              + " holds "
              + (train.isPreference() ? "preference pairs" : "supervised records")
              + "; use eval data of the same kind");
    }
    Set<String> trainHashes = new HashSet<>();
    for (DatasetLine line : train.records()) {
      trainHashes.add(line.contentHash());
    }
    List<DatasetLine> kept = new ArrayList<>();
    for (DatasetLine line : eval.records()) {
      if (!trainHashes.contains(line.contentHash())) {
        kept.add(line);
      }
    }
    return new Split(train, eval.withRecords(kept), eval.records().size() - kept.size());
  }

  private static long score(long seed, String contentHash) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
      digest.update(contentHash.getBytes(StandardCharsets.US_ASCII));
      return ByteBuffer.wrap(digest.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
