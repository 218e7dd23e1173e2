package dev.armory.engine.data;

/**
 * The fixed prompt layout for Alpaca data when the tokenizer has no chat template (the Stanford
 * Alpaca headers, without its one-sentence preamble to keep short-context models' budgets for
 * content):
 *
 * <pre>
 * ### Instruction:
 * {instruction}
 *
 * ### Input:          (only when the input is not empty)
 * {input}
 *
 * ### Response:
 * {output}{EOS}
 * </pre>
 *
 * Everything up to and including "### Response:\n" is the prompt (masked); the output and EOS are
 * trained. Prompt a model trained this way with {@link #prompt} at inference.
 */
public final class AlpacaPrompt {
  private AlpacaPrompt() {}

  /** The prompt text for an instruction and an optional input ("" for none). */
  public static String prompt(String instruction, String input) {
    StringBuilder text = new StringBuilder("### Instruction:\n").append(instruction);
    if (!input.isEmpty()) {
      text.append("\n\n### Input:\n").append(input);
    }
    return text.append("\n\n### Response:\n").toString();
  }

  /** The record as a prompt/completion pair in this layout. */
  public static DataRecord.Completion completion(DataRecord.Instruction record) {
    return new DataRecord.Completion(prompt(record.instruction(), record.input()), record.output());
  }
}
