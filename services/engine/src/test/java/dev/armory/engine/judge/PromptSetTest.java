package dev.armory.engine.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.data.DatasetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptSetTest {
  @TempDir Path dir;

  @Test
  void readsPromptsReferencesAndIdsFromCommonLayouts() throws Exception {
    Path file = dir.resolve("eval.jsonl");
    Files.writeString(
        file,
        """
        {"id": "add", "prompt": "What is 2+2?", "reference": "4"}
        {"prompt": "Capital of France?", "completion": "Paris", "source": "golden"}

        {"instruction": "Translate", "input": "chat", "output": "cat"}
        {"id": 7, "prompt": "Say hi"}
        """);
    List<PromptEntry> prompts = PromptSet.read(file);
    assertEquals(
        List.of(
            new PromptEntry("add", "What is 2+2?", "4"),
            new PromptEntry("2", "Capital of France?", "Paris"),
            new PromptEntry("4", "Translate\n\nchat", "cat"),
            new PromptEntry("7", "Say hi", null)),
        prompts);
  }

  @Test
  void readsPlainTextOnePromptPerLine() throws Exception {
    Path file = dir.resolve("prompts.txt");
    Files.writeString(file, "Tell me a story\n\n  Name a colour  \n");
    assertEquals(
        List.of(
            new PromptEntry("1", "Tell me a story", null),
            new PromptEntry("3", "Name a colour", null)),
        PromptSet.read(file));
  }

  @Test
  void badLinesNameFileAndLine() throws Exception {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"prompt\": \"ok\"}\n{\"question\": \"x\"}\n");
    DatasetException e = assertThrows(DatasetException.class, () -> PromptSet.read(file));
    assertTrue(e.getMessage().startsWith(file + " line 2: has no 'prompt'"), e.getMessage());
    Files.writeString(file, "{\"id\": 1, \"prompt\": \"a\"}\n{\"id\": \"1\", \"prompt\": \"b\"}\n");
    e = assertThrows(DatasetException.class, () -> PromptSet.read(file));
    assertTrue(
        e.getMessage().contains("line 2: id '1' is used by an earlier line"), e.getMessage());
    Files.writeString(file, "not json\n");
    e = assertThrows(DatasetException.class, () -> PromptSet.read(file));
    assertTrue(e.getMessage().contains("line 1: not valid JSON"), e.getMessage());
  }
}
