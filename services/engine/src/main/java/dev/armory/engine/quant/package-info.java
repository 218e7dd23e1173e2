/**
 * 4-bit NormalFloat (NF4) base weights for QLoRA. Reading order: {@link
 * dev.armory.engine.quant.Nf4Codebook} (the 16 values), {@link
 * dev.armory.engine.quant.Nf4Quantizer} (blockwise absmax, streaming from fp32/fp16/bf16 bytes),
 * {@link dev.armory.engine.quant.Nf4Tensor} and {@link
 * dev.armory.engine.quant.DoubleQuantizedAbsmax} (the stored form and its byte accounting), {@link
 * dev.armory.engine.quant.MatMulBnb4} (ONNX Runtime's contrib op with its VJP), {@link
 * dev.armory.engine.quant.Nf4Dequantization} (the same weights unpacked with standard ops), {@link
 * dev.armory.engine.quant.Nf4Linear} (what model graphs call) and {@link
 * dev.armory.engine.quant.QuantizedGraphs} (session settings and resident bytes). Inference-only
 * int4: {@link dev.armory.engine.quant.Int4Quantizer} (asymmetric blocks in MatMulNBits' layout),
 * {@link dev.armory.engine.quant.Int4Tensor}, {@link dev.armory.engine.quant.MatMulNBits} and
 * {@link dev.armory.engine.quant.Int4Linears}.
 */
package dev.armory.engine.quant;
