package dev.armory.engine.finetune;

import dev.armory.engine.data.PreferenceExample;

/**
 * A tokenised preference pair with the reference policy's sequence log-probs of its two
 * completions, computed once before training so the reference model never runs again.
 */
public record DpoExample(PreferenceExample pair, float referenceChosen, float referenceRejected) {}
