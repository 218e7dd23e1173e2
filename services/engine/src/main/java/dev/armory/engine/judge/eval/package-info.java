/**
 * Win-rate evaluation: {@link dev.armory.engine.judge.eval.WinRateEvaluation} answers each prompt
 * with the adapter and the baseline ({@link dev.armory.engine.judge.eval.EvalOptions}), judges each
 * {@link dev.armory.engine.judge.eval.Comparison} with a judge panel, and reports a {@link
 * dev.armory.engine.judge.eval.WinRate} (ties per {@link dev.armory.engine.judge.eval.TieHandling})
 * with its {@link dev.armory.engine.judge.eval.WilsonInterval}; base scenarios are graded by a
 * {@link dev.armory.engine.judge.eval.ReferenceCheck} ({@link
 * dev.armory.engine.judge.eval.ReferenceMatch} or {@link
 * dev.armory.engine.judge.eval.LlmReferenceGrader}) into a {@link
 * dev.armory.engine.judge.eval.ScenarioCheck} listing {@link
 * dev.armory.engine.judge.eval.Regression}s. {@link dev.armory.engine.judge.eval.EvalReport}
 * renders it all for people and as JSON.
 */
package dev.armory.engine.judge.eval;
