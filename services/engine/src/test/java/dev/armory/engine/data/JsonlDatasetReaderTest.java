package dev.armory.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlDatasetReaderTest {
  @TempDir Path dir;

  private Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  private static Dataset read(Path file) {
    return JsonlDatasetReader.read(file, ReadOptions.defaults());
  }

  @Test
  void alpacaWithAndWithoutInput() throws IOException {
    Dataset data =
        read(
            write(
                "alpaca.jsonl",
                "{\"instruction\": \"Add the numbers.\", \"input\": \"2 and 3\", \"output\": \"5\"}",
                "{\"instruction\": \"Name a colour.\", \"output\": \"Blue.\", \"id\": 7}",
                "{\"instruction\": \"Say hi.\", \"input\": null, \"output\": \"Hi.\"}"));
    assertEquals(
        List.of(
            new DataRecord.Instruction("Add the numbers.", "2 and 3", "5"),
            new DataRecord.Instruction("Name a colour.", "", "Blue."),
            new DataRecord.Instruction("Say hi.", "", "Hi.")),
        data.records().stream().map(DatasetLine::record).toList());
    assertEquals(List.of(1, 2, 3), data.records().stream().map(DatasetLine::line).toList());
    assertEquals(java.util.Set.of(DataFormat.ALPACA), data.formats());
  }

  @Test
  void chatMessagesWithSystemAndTextParts() throws IOException {
    Dataset data =
        read(
            write(
                "chat.jsonl",
                "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                    + " {\"role\": \"user\", \"content\": \"Capital of France?\"},"
                    + " {\"role\": \"assistant\", \"content\": \"Paris.\"}]}",
                "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\":"
                    + " \"Hello\"}]}, {\"role\": \"assistant\", \"content\": \"Hi!\"}]}"));
    assertEquals(
        new DataRecord.Conversation(
            List.of(
                Message.system("Be brief."),
                Message.user("Capital of France?"),
                Message.assistant("Paris."))),
        data.records().get(0).record());
    assertEquals(
        new DataRecord.Conversation(List.of(Message.user("Hello"), Message.assistant("Hi!"))),
        data.records().get(1).record());
  }

  @Test
  void shareGptMapsSpeakersToRoles() throws IOException {
    Dataset data =
        read(
            write(
                "sharegpt.jsonl",
                "{\"conversations\": [{\"from\": \"system\", \"value\": \"S\"}, {\"from\":"
                    + " \"human\", \"value\": \"Q1\"}, {\"from\": \"gpt\", \"value\": \"A1\"},"
                    + " {\"from\": \"human\", \"value\": \"Q2\"}, {\"from\": \"gpt\", \"value\":"
                    + " \"A2\"}]}"));
    assertEquals(DataFormat.SHAREGPT, data.records().get(0).format());
    assertEquals(
        new DataRecord.Conversation(
            List.of(
                Message.system("S"),
                Message.user("Q1"),
                Message.assistant("A1"),
                Message.user("Q2"),
                Message.assistant("A2"))),
        data.records().get(0).record());
  }

  @Test
  void promptCompletionStringsAndMessageLists() throws IOException {
    Dataset data =
        read(
            write(
                "pc.jsonl",
                "{\"prompt\": \"2 + 2 =\", \"completion\": \" 4\"}",
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"2 + 3?\"}], \"completion\":"
                    + " [{\"role\": \"assistant\", \"content\": \"5\"}]}"));
    assertEquals(new DataRecord.Completion("2 + 2 =", " 4"), data.records().get(0).record());
    assertEquals(
        new DataRecord.Conversation(List.of(Message.user("2 + 3?"), Message.assistant("5"))),
        data.records().get(1).record());
    assertEquals(DataFormat.PROMPT_COMPLETION, data.records().get(1).format());
  }

  @Test
  void rawText() throws IOException {
    Dataset data = read(write("text.jsonl", "{\"text\": \"Once upon a time.\"}"));
    assertEquals(new DataRecord.Text("Once upon a time."), data.records().get(0).record());
  }

  @Test
  void preferencePairsAsStringsMessagesAndImplicitPrompt() throws IOException {
    Dataset data =
        read(
            write(
                "prefs.jsonl",
                "{\"prompt\": \"Capital of France?\", \"chosen\": \"Paris.\", \"rejected\":"
                    + " \"Rome.\"}",
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"chosen\":"
                    + " [{\"role\": \"assistant\", \"content\": \"Hello!\"}], \"rejected\":"
                    + " [{\"role\": \"assistant\", \"content\": \"Go away.\"}]}",
                "{\"prompt\": \"Hi\", \"chosen\": [{\"role\": \"assistant\", \"content\":"
                    + " \"Hello!\"}], \"rejected\": [{\"role\": \"assistant\", \"content\":"
                    + " \"No.\"}]}",
                "{\"chosen\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\":"
                    + " \"assistant\", \"content\": \"Hello!\"}], \"rejected\": [{\"role\":"
                    + " \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\":"
                    + " \"Bye.\"}]}"));
    assertTrue(data.isPreference());
    assertEquals(
        new DataRecord.TextPreference("Capital of France?", "Paris.", "Rome."),
        data.records().get(0).record());
    List<Message> hi = List.of(Message.user("Hi"));
    assertEquals(
        new DataRecord.ChatPreference(
            hi, List.of(Message.assistant("Hello!")), List.of(Message.assistant("Go away."))),
        data.records().get(1).record());
    assertEquals(
        new DataRecord.ChatPreference(
            hi, List.of(Message.assistant("Hello!")), List.of(Message.assistant("No."))),
        data.records().get(2).record());
    assertEquals(
        new DataRecord.ChatPreference(
            hi, List.of(Message.assistant("Hello!")), List.of(Message.assistant("Bye."))),
        data.records().get(3).record());
  }

  @Test
  void badLineFailsWithFileLineAndReason() throws IOException {
    Path file =
        write(
            "bad.jsonl",
            "{\"instruction\": \"a\", \"output\": \"b\"}",
            "",
            "{\"instruction\": \"c\", \"input\": \"d\"}");
    DatasetException e = assertThrows(DatasetException.class, () -> read(file));
    assertTrue(e.getMessage().startsWith(file + " line 3: missing 'output'"), e.getMessage());
    assertEquals(List.of(new BadLine(3, "missing 'output'")), e.badLines());
  }

  @Test
  void eachKindOfBadLineIsNamed() throws IOException {
    String[] lines = {
      "{\"instruction\": \"ok\", \"output\": \"fine\"}",
      "not json at all",
      "[1, 2]",
      "{\"instruction\": \"x\", \"output\": 5}",
      "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\","
          + " \"content\": \"  \"}]}",
      "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"tool\","
          + " \"content\": \"r\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}",
      "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}",
      "{\"prompt\": \"p\", \"completion\": \"c\"}",
      "{\"foo\": 1}",
      "{\"instruction\": \"a\", \"output\": \"b\"} trailing",
      "{\"instruction\": \"a\", \"instruction\": \"b\", \"output\": \"c\"}",
      "{\"prompt\": \"p\", \"chosen\": \"same\", \"rejected\": \"same\"}",
      "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"bot\","
          + " \"value\": \"a\"}]}",
      "{\"instruction\": \"last good\", \"output\": \"yes\"}"
    };
    Path file = write("many.jsonl", lines);
    Dataset data = JsonlDatasetReader.read(file, ReadOptions.defaults().withSkipBadLines(true));
    assertEquals(List.of(1, 14), data.records().stream().map(DatasetLine::line).toList());
    List<String> reasons = data.badLines().stream().map(BadLine::toString).toList();
    String[] expected = {
      "line 2: not valid JSON",
      "line 3: not a JSON object (found a list)",
      "line 4: 'output' must be a string, found a number",
      "line 5: message 2 (assistant) is empty",
      "line 6: message 2 has role 'tool': tool and function-call turns are not supported",
      "line 7: the conversation has no assistant message",
      "line 8: is prompt-completion but line 1 is alpaca",
      "line 9: no known keys (found 'foo')",
      "line 10: not valid JSON",
      "line 11: not valid JSON (Duplicate field 'instruction'",
      "line 12: 'chosen' and 'rejected' are identical",
      "line 13: turn 2 is from unknown speaker 'bot'"
    };
    assertEquals(expected.length, reasons.size(), String.join("\n", reasons));
    for (int i = 0; i < expected.length; i++) {
      assertTrue(reasons.get(i).startsWith(expected[i]), reasons.get(i));
    }
    assertTrue(data.report().contains("line 7: the conversation has no assistant message"));
    assertEquals(14, data.lineCount());
  }

  @Test
  void mixedFormatsAllowedWhenAskedButNeverWithPreferences() throws IOException {
    Path file =
        write(
            "mixed.jsonl",
            "{\"instruction\": \"a\", \"output\": \"b\"}",
            "{\"text\": \"plain\"}",
            "{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"}");
    ReadOptions mixed = ReadOptions.defaults().withAllowMixedFormats(true);
    DatasetException e =
        assertThrows(DatasetException.class, () -> JsonlDatasetReader.read(file, mixed));
    assertTrue(e.getMessage().contains("line 3: is a preference pair"), e.getMessage());
    Dataset data = JsonlDatasetReader.read(file, mixed.withSkipBadLines(true));
    assertEquals(java.util.Set.of(DataFormat.ALPACA, DataFormat.TEXT), data.formats());
    assertEquals(1, data.badLines().size());
  }

  @Test
  void explicitFormatOverridesDetection() throws IOException {
    // Alpaca datasets from the Hub often carry a 'text' column too; detection picks Alpaca, and
    // an explicit format reads the same file as raw text.
    Path file =
        write(
            "both.jsonl",
            "{\"instruction\": \"i\", \"output\": \"o\", \"text\": \"### Instruction: i\"}");
    assertEquals(DataFormat.ALPACA, read(file).records().get(0).format());
    Dataset asText =
        JsonlDatasetReader.read(file, ReadOptions.defaults().withFormat(DataFormat.TEXT));
    assertEquals(new DataRecord.Text("### Instruction: i"), asText.records().get(0).record());

    Path chat =
        write(
            "chat.jsonl",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\","
                + " \"content\": \"a\"}]}");
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () ->
                JsonlDatasetReader.read(
                    chat, ReadOptions.defaults().withFormat(DataFormat.ALPACA)));
    assertTrue(
        e.getMessage()
            .contains(
                "line 1: missing 'instruction' (the line looks like chat but the"
                    + " format is alpaca)"),
        e.getMessage());
  }

  @Test
  void crlfBomBlankLinesAndHash() throws IOException {
    byte[] bytes =
        ("\uFEFF{\"text\": \"one\"}\r\n\r\n   \r\n{\"text\": \"two\"}")
            .getBytes(StandardCharsets.UTF_8);
    Dataset data =
        JsonlDatasetReader.read("upload", new ByteArrayInputStream(bytes), ReadOptions.defaults());
    assertEquals(List.of(1, 4), data.records().stream().map(DatasetLine::line).toList());
    assertEquals(new DataRecord.Text("two"), data.records().get(1).record());
    assertEquals(4, data.lineCount());
    String expected;
    try {
      expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    assertEquals(expected, data.sha256());
  }

  @Test
  void invalidUtf8IsABadLine() {
    byte[] bytes = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'};
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () ->
                JsonlDatasetReader.read(
                    "upload", new ByteArrayInputStream(bytes), ReadOptions.defaults()));
    assertTrue(e.getMessage().startsWith("upload line 1: not valid UTF-8"), e.getMessage());
  }

  @Test
  void emptyOrAllBadFilesFail() throws IOException {
    DatasetException empty = assertThrows(DatasetException.class, () -> read(write("e.jsonl", "")));
    assertTrue(empty.getMessage().contains("no usable records"), empty.getMessage());
    Path allBad = write("b.jsonl", "{}", "nope");
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> JsonlDatasetReader.read(allBad, ReadOptions.defaults().withSkipBadLines(true)));
    assertEquals(List.of(1, 2), e.badLines().stream().map(BadLine::line).toList());
    DatasetException missing =
        assertThrows(DatasetException.class, () -> read(dir.resolve("absent.jsonl")));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
  }

  @Test
  void normalisedJsonReadsBackToEqualRecords() throws IOException {
    Path file =
        write(
            "sharegpt.jsonl",
            "{\"conversations\": [{\"from\": \"human\", \"value\": \"Q\"}, {\"from\": \"gpt\","
                + " \"value\": \"A\"}]}");
    DataRecord record = read(file).records().get(0).record();
    Path normalised = write("normalised.jsonl", record.toJson().toString());
    DatasetLine again = read(normalised).records().get(0);
    assertEquals(DataFormat.CHAT, again.format());
    assertEquals(record, again.record());
  }

  @Test
  void normalisedWriterRoundTripsEveryFormat() throws IOException {
    Path file =
        write(
            "mixed.jsonl",
            "{\"instruction\": \"i\", \"output\": \"o\"}",
            "{\"conversations\": [{\"from\": \"human\", \"value\": \"Q\"}, {\"from\": \"gpt\","
                + " \"value\": \"A\"}]}",
            "{\"prompt\": \"p\", \"completion\": \"c\"}",
            "{\"text\": \"line one\\nline two \\u00e9\"}");
    Dataset data =
        JsonlDatasetReader.read(file, ReadOptions.defaults().withAllowMixedFormats(true));
    Path out = dir.resolve("out/normalised.jsonl");
    JsonlDatasetWriter.write(out, data.records());
    Dataset again =
        JsonlDatasetReader.read(out, ReadOptions.defaults().withAllowMixedFormats(true));
    assertEquals(
        data.records().stream().map(DatasetLine::record).toList(),
        again.records().stream().map(DatasetLine::record).toList());
    assertEquals(4, Files.readAllLines(out).size());
  }

  @Test
  void longFilesSplitIntoLinesAcrossReadChunks() throws IOException {
    StringBuilder text = new StringBuilder();
    String big = "x".repeat(100_000);
    for (int i = 0; i < 300; i++) {
      text.append("{\"text\": \"").append(i % 7 == 0 ? big : "story " + i).append("\"}\n");
    }
    Path file = dir.resolve("long.jsonl");
    Files.writeString(file, text.toString().stripTrailing());
    Dataset data = read(file);
    assertEquals(300, data.records().size());
    assertEquals(new DataRecord.Text(big), data.records().get(294).record());
    assertEquals(new DataRecord.Text("story 299"), data.records().get(299).record());
  }
}
