package dev.armory.engine.judge.eval;

import dev.armory.engine.judge.PromptEntry;

/**
 * A base scenario the baseline passes and the evaluated side fails (catastrophic forgetting).
 *
 * @param scenario the prompt with its reference answer
 * @param baselineAnswer the baseline's (passing) answer
 * @param adapterAnswer the evaluated side's (failing) answer
 * @param why why the evaluated answer fails
 */
public record Regression(
    PromptEntry scenario, String baselineAnswer, String adapterAnswer, String why) {}
