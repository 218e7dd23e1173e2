/**
 * Standalone ONNX exports of (merged) models, validated before they are accepted. Reading order:
 * {@link dev.armory.engine.export.OnnxExporter} (the entry) with {@link
 * dev.armory.engine.export.ExportRequest}, {@link dev.armory.engine.export.ExportPrecision}, {@link
 * dev.armory.engine.export.ParitySettings} and {@link dev.armory.engine.export.ExportResult}; the
 * graph: {@code ExportGraph} (the models package's decoder with {@code PastKeyValueAttention},
 * Hugging Face's cache conventions, names from generate.kv's KvNames) and {@code OnnxModelFile}
 * (model.onnx + external data, float16 storage); what is written beside it: {@code
 * OnnxModelDescriptor} (model.onnx.json); validation: {@link
 * dev.armory.engine.export.ExportedModel} (runs the file as a consumer would), {@code ParityCheck}
 * and {@link dev.armory.engine.export.ParityReport}, {@link
 * dev.armory.engine.export.ExportParityException}; serving: {@link
 * dev.armory.engine.export.ExportServing} (an export behind a generate.SequentialEngine).
 */
package dev.armory.engine.export;
