/**
 * LLM judges: the {@link dev.armory.engine.judge.llm.ChatModel} interface (in-process {@link
 * dev.armory.engine.judge.llm.EngineChatModel} with {@link
 * dev.armory.engine.judge.llm.EnginePromptEncoder}; an OpenAI-compatible endpoint in {@code
 * judge.external}; the inference service's client later), the {@link
 * dev.armory.engine.judge.llm.PairwisePrompt}, the {@link
 * dev.armory.engine.judge.llm.LlmPairwiseJudge} that asks in both orders and reports a {@link
 * dev.armory.engine.judge.llm.PairwiseResult}, and the parsers that read a {@link
 * dev.armory.engine.judge.llm.Verdict} ({@link dev.armory.engine.judge.llm.VerdictParser}) or a
 * pass/fail grade ({@link dev.armory.engine.judge.llm.GradeParser}) without guessing. A model that
 * cannot answer throws {@link dev.armory.engine.judge.llm.JudgeCallException}, fatal or not.
 */
package dev.armory.engine.judge.llm;
