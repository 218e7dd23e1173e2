package dev.armory.judge;

import io.grpc.Status;

/**
 * A call to the inference service failed. Permanent failures (unknown model or adapter, a request
 * the server refuses) would fail again on redelivery; transient ones (server unavailable, busy,
 * deadline) may succeed later.
 */
public final class InferenceCallException extends RuntimeException {
  private final boolean permanent;
  private final Status.Code code;

  public InferenceCallException(String message, boolean permanent, Throwable cause) {
    this(message, permanent, null, cause);
  }

  public InferenceCallException(
      String message, boolean permanent, Status.Code code, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
    this.code = code;
  }

  /** The gRPC status code, or null when the failure was not a gRPC status. */
  public Status.Code code() {
    return code;
  }

  /** Whether a later attempt would fail the same way. */
  public boolean permanent() {
    return permanent;
  }
}
