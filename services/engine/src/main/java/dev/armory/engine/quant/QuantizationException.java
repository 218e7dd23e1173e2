package dev.armory.engine.quant;

/** A tensor cannot be quantised or a quantised tensor is malformed; the message names it. */
public class QuantizationException extends IllegalArgumentException {
  public QuantizationException(String message) {
    super(message);
  }
}
