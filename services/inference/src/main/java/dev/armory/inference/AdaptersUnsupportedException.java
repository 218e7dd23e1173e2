package dev.armory.inference;

/** The served model takes no adapters (an ONNX export) (gRPC: FAILED_PRECONDITION). */
public class AdaptersUnsupportedException extends IllegalStateException {
  public AdaptersUnsupportedException(String message) {
    super(message);
  }
}
