package dev.armory.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicatesTest {

  @Test
  void normalisedContentMatchesAcrossLayouts() {
    DataRecord alpacaWithoutInput = new DataRecord.Instruction("Name a colour.", "", "Blue.");
    DataRecord alpacaWithCrlf = new DataRecord.Instruction("Name a colour.\r\n", "", " Blue.");
    assertEquals(
        Duplicates.contentHash(alpacaWithoutInput), Duplicates.contentHash(alpacaWithCrlf));
    assertNotEquals(
        Duplicates.contentHash(alpacaWithoutInput),
        Duplicates.contentHash(new DataRecord.Instruction("Name a colour.", "", "Red.")));
    // Same words, different kind of record: not a duplicate.
    assertNotEquals(
        Duplicates.contentHash(new DataRecord.Text("Blue.")),
        Duplicates.contentHash(new DataRecord.Completion("", "Blue.")));
  }

  @Test
  void findsLaterCopiesAndKeepsFirst() {
    List<DatasetLine> lines =
        List.of(
            line(1, new DataRecord.Text("a")),
            line(2, new DataRecord.Text("b")),
            line(3, new DataRecord.Text("a ")),
            line(4, new DataRecord.Text("c")),
            line(5, new DataRecord.Text("b")));
    assertEquals(
        List.of(new Duplicates.Duplicate(3, 1), new Duplicates.Duplicate(5, 2)),
        Duplicates.find(lines));
    assertEquals(
        List.of(1, 2, 4),
        Duplicates.deduplicate(lines).kept().stream().map(DatasetLine::line).toList());
  }

  @Test
  void chatAndShareGptOfSameConversationAreDuplicates() {
    DataRecord chat =
        new DataRecord.Conversation(List.of(Message.user("Hi"), Message.assistant("Hello")));
    List<DatasetLine> lines =
        List.of(
            new DatasetLine(1, DataFormat.CHAT, chat),
            new DatasetLine(2, DataFormat.SHAREGPT, chat));
    assertEquals(List.of(new Duplicates.Duplicate(2, 1)), Duplicates.find(lines));
  }

  private static DatasetLine line(int n, DataRecord record) {
    return new DatasetLine(n, DataFormat.TEXT, record);
  }
}
