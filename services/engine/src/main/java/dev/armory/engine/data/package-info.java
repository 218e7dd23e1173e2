/**
 * Training data: JSONL datasets in the formats people bring, normalised, tokenised with loss masks,
 * and batched for the training graph.
 *
 * <p>Reading order: {@link dev.armory.engine.data.JsonlDatasetReader} reads a file into a {@link
 * dev.armory.engine.data.Dataset} of {@link dev.armory.engine.data.DatasetLine}s, each holding a
 * {@link dev.armory.engine.data.DataRecord} (formats in {@link dev.armory.engine.data.DataFormat};
 * {@code RecordParser} and {@code ConversationRules} validate a line). {@link
 * dev.armory.engine.data.Duplicates} and {@link dev.armory.engine.data.EvalSplit} work on records
 * by normalised content hash; {@link dev.armory.engine.data.ExampleEncoder} tokenises records into
 * {@link dev.armory.engine.data.TokenizedExample}s (chat templates through {@code ChatRendering},
 * Alpaca without a template through {@link dev.armory.engine.data.AlpacaPrompt}) or {@link
 * dev.armory.engine.data.PreferenceExample}s; {@link dev.armory.engine.data.Packer} packs short
 * examples into {@link dev.armory.engine.data.TrainingRow}s; {@link
 * dev.armory.engine.data.Collator} pads rows into a {@link dev.armory.engine.data.TokenBatch},
 * whose Javadoc states the contract with the training graph (label alignment, segment-aware
 * attention). {@link dev.armory.engine.data.DemoDatasets} holds the bundled demo data.
 */
package dev.armory.engine.data;
