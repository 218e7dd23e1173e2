package dev.armory.engine.judge;

import java.util.Objects;
import java.util.Optional;

/**
 * One prompt of a prompt set.
 *
 * @param id from the file's {@code id}, else its line number
 * @param prompt the prompt text
 * @param reference a reference answer (golden sets, base scenarios), or null
 */
public record PromptEntry(String id, String prompt, String reference) {
  public PromptEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(prompt, "prompt");
  }

  public Optional<String> referenceAnswer() {
    return Optional.ofNullable(reference);
  }
}
