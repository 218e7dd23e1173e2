/**
 * RLAIF: AI-judged preference data and win-rate evaluation, as a library the judge service and the
 * CLI call (no Kafka, no gRPC here).
 *
 * <p>Reading order: prompts come from a {@link dev.armory.engine.judge.PromptSet} as {@link
 * dev.armory.engine.judge.PromptEntry}s; a {@link dev.armory.engine.judge.CandidateSource} samples
 * {@link dev.armory.engine.judge.Candidate} answers for a {@link
 * dev.armory.engine.judge.CandidateRequest} (in-process: {@link
 * dev.armory.engine.judge.EngineCandidateSource} over the KV-cache decode engine; in the service:
 * the inference gRPC client). A {@link dev.armory.engine.judge.JudgePanel} combines the judges: the
 * constitution's rules ({@code judge.rules}) veto or rank answers before any LLM is asked, then LLM
 * judges ({@code judge.llm}: any {@link dev.armory.engine.judge.llm.ChatModel}, in-process or an
 * OpenAI-compatible endpoint from {@code judge.external}) compare pairs in both orders; its {@link
 * dev.armory.engine.judge.PairDecision} says who won or why the pair is dropped. The {@link
 * dev.armory.engine.judge.PreferencePipeline} runs sample → assess → judge every pair → {@link
 * dev.armory.engine.judge.PreferenceRecord}s and a {@link
 * dev.armory.engine.judge.PreferenceSummary}; {@link dev.armory.engine.judge.PreferenceWriter}
 * writes JSONL the data package reads as preference pairs (DPO input). {@code judge.eval} measures
 * an adapter's win rate against a baseline with the same panel, with a Wilson interval and a
 * regression check on base scenarios.
 */
package dev.armory.engine.judge;
