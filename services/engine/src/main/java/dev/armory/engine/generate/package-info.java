/**
 * Text generation. Reading order: {@link dev.armory.engine.generate.TokenChooser} (greedy or
 * sampled next token), {@link dev.armory.engine.generate.FullRecomputeGenerator} (a forward over
 * the whole prefix per token; the KV-cache generator replaces it for serving).
 */
package dev.armory.engine.generate;
