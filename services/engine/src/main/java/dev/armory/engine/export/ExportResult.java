package dev.armory.engine.export;

import java.nio.file.Path;

/**
 * What an export wrote.
 *
 * @param directory the export directory (model.onnx, model.onnx.data, model.onnx.json,
 *     parity_report.json, config and tokenizer files)
 * @param onnxFile model.onnx
 * @param precision weight precision
 * @param parity the validation result (passed)
 * @param onnxBytes size of model.onnx
 * @param dataBytes size of its external data
 */
public record ExportResult(
    Path directory,
    Path onnxFile,
    ExportPrecision precision,
    ParityReport parity,
    long onnxBytes,
    long dataBytes) {}
