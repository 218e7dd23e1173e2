package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchSourceTest {
  /** A batch of example ids. */
  record Ids(List<Integer> ids) implements Batch {
    @Override
    public long tokens() {
      return ids.size();
    }

    @Override
    public long lossTokens() {
      return ids.size();
    }
  }

  static final List<Integer> DATA = IntStream.range(0, 10).boxed().toList();

  static List<List<Integer>> take(BatchSource<Integer, Ids> s, int n) {
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(s.next().ids());
    }
    return out;
  }

  @Test
  void eachEpochCoversEveryExampleOnceInASeededOrder() {
    BatchSource<Integer, Ids> s = BatchSource.shuffled(DATA, 4, 42, Ids::new);
    assertEquals(3, s.batchesPerEpoch());
    List<List<Integer>> epoch0 = take(s, 3);
    assertEquals(List.of(4, 4, 2), epoch0.stream().map(List::size).toList());
    TreeSet<Integer> seen = new TreeSet<>();
    epoch0.forEach(seen::addAll);
    assertEquals(new TreeSet<>(DATA), seen);
    List<List<Integer>> epoch1 = take(s, 3);
    assertEquals(new DataCursor(1, 3), s.cursor());
    assertNotEquals(epoch0, epoch1, "a new order every epoch");
    BatchSource<Integer, Ids> again = BatchSource.shuffled(DATA, 4, 42, Ids::new);
    assertEquals(epoch0, take(again, 3), "same seed, same order");
    BatchSource<Integer, Ids> other = BatchSource.shuffled(DATA, 4, 43, Ids::new);
    assertNotEquals(epoch0, take(other, 3), "another seed, another order");
  }

  @Test
  void seekingToACursorReplaysTheSameBatches() {
    BatchSource<Integer, Ids> a = BatchSource.shuffled(DATA, 3, 7, Ids::new);
    take(a, 5);
    DataCursor c = a.cursor();
    List<List<Integer>> rest = take(a, 6);
    BatchSource<Integer, Ids> b = BatchSource.shuffled(DATA, 3, 7, Ids::new);
    b.seek(c);
    assertEquals(rest, take(b, 6));
  }

  @Test
  void inOrderKeepsTheExamplesOrder() {
    BatchSource<Integer, Ids> s = BatchSource.inOrder(DATA, 4, Ids::new);
    assertEquals(List.of(0, 1, 2, 3), s.next().ids());
    assertEquals(List.of(8, 9), s.batch(5, 2).ids());
  }
}
