package dev.armory.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EvalSplitTest {

  private static Dataset dataset(List<DatasetLine> lines) {
    return new Dataset("test.jsonl", lines, List.of(), "00", lines.size());
  }

  private static List<DatasetLine> numbered(int n) {
    List<DatasetLine> lines = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      lines.add(new DatasetLine(i, DataFormat.TEXT, new DataRecord.Text("story number " + i)));
    }
    return lines;
  }

  private static Set<DataRecord> records(Dataset data) {
    return data.records().stream().map(DatasetLine::record).collect(Collectors.toSet());
  }

  @Test
  void heldOutFractionIsDisjointAndComplete() {
    Dataset data = dataset(numbered(200));
    EvalSplit.Split split = EvalSplit.heldOut(data, 0.1, 42);
    assertEquals(20, split.eval().records().size());
    assertEquals(180, split.train().records().size());
    Set<DataRecord> train = records(split.train());
    Set<DataRecord> eval = records(split.eval());
    assertTrue(Collections.disjoint(train, eval));
    Set<DataRecord> all = new HashSet<>(train);
    all.addAll(eval);
    assertEquals(records(data), all);
  }

  @Test
  void sameSeedSameSplitUnderReorderingOtherSeedDiffers() {
    List<DatasetLine> lines = numbered(100);
    Set<DataRecord> eval = records(EvalSplit.heldOut(dataset(lines), 0.2, 7).eval());
    List<DatasetLine> shuffled = new ArrayList<>(lines);
    Collections.shuffle(shuffled, new Random(3));
    assertEquals(eval, records(EvalSplit.heldOut(dataset(shuffled), 0.2, 7).eval()));
    assertNotEquals(eval, records(EvalSplit.heldOut(dataset(lines), 0.2, 8).eval()));
  }

  @Test
  void duplicatesStayOnOneSide() {
    List<DatasetLine> lines = new ArrayList<>(numbered(30));
    for (int i = 1; i <= 30; i++) {
      lines.add(new DatasetLine(30 + i, DataFormat.TEXT, new DataRecord.Text("story number " + i)));
    }
    EvalSplit.Split split = EvalSplit.heldOut(dataset(lines), 0.25, 1);
    assertTrue(Collections.disjoint(records(split.train()), records(split.eval())));
    assertEquals(0, split.eval().records().size() % 2);
    assertEquals(60, split.train().records().size() + split.eval().records().size());
  }

  @Test
  void tinyDatasetsKeepTrainNonEmpty() {
    EvalSplit.Split two = EvalSplit.heldOut(dataset(numbered(2)), 0.1, 0);
    assertEquals(1, two.eval().records().size());
    assertEquals(1, two.train().records().size());
    assertEquals(0, EvalSplit.heldOut(dataset(numbered(5)), 0, 0).eval().records().size());
    assertThrows(
        IllegalArgumentException.class, () -> EvalSplit.heldOut(dataset(numbered(5)), 1, 0));
  }

  @Test
  void separateEvalFileDropsContentSeenInTraining() {
    Dataset train = dataset(numbered(10));
    List<DatasetLine> evalLines = new ArrayList<>();
    evalLines.add(new DatasetLine(1, DataFormat.TEXT, new DataRecord.Text("story number 3")));
    evalLines.add(new DatasetLine(2, DataFormat.TEXT, new DataRecord.Text("a new story")));
    EvalSplit.Split split = EvalSplit.separate(train, dataset(evalLines));
    assertEquals(1, split.overlapRemoved());
    assertEquals(List.of(2), split.eval().records().stream().map(DatasetLine::line).toList());
  }
}
