/**
 * Rule checks: a {@link dev.armory.engine.judge.rules.Constitution} read from YAML by {@link
 * dev.armory.engine.judge.rules.ConstitutionReader} (format documented there; errors name file, key
 * and problem as {@link dev.armory.engine.judge.rules.ConstitutionException}) holds {@link
 * dev.armory.engine.judge.rules.Rule}s, each a {@link dev.armory.engine.judge.rules.Check}
 * (required/forbidden patterns, JSON validity against a {@link
 * dev.armory.engine.judge.rules.JsonSchema} subset validator written here, length in characters or
 * tokens) with a {@link dev.armory.engine.judge.rules.RuleAction} (veto or score). Applying them to
 * an answer gives an {@link dev.armory.engine.judge.rules.Assessment} of {@link
 * dev.armory.engine.judge.rules.RuleResult}s.
 */
package dev.armory.engine.judge.rules;
