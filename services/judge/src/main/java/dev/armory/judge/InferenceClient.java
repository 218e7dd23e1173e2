package dev.armory.judge;

import com.google.common.util.concurrent.ListenableFuture;
import dev.armory.proto.inference.v1.Adapter;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.GenerateResponse;
import dev.armory.proto.inference.v1.InferenceGrpc;
import dev.armory.proto.inference.v1.ListAdaptersRequest;
import dev.armory.proto.inference.v1.ListModelsRequest;
import dev.armory.proto.inference.v1.Model;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One inference service (armory.inference.v1.Inference) reached over a plaintext gRPC channel;
 * every generation gets the configured deadline. Thread-safe.
 */
public final class InferenceClient implements AutoCloseable {
  /** Codes a retry cannot fix: the request names something the server lacks or refuses. */
  private static final Set<Status.Code> PERMANENT =
      Set.of(
          Status.Code.NOT_FOUND,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.PERMISSION_DENIED,
          Status.Code.UNAUTHENTICATED,
          Status.Code.UNIMPLEMENTED,
          Status.Code.FAILED_PRECONDITION);

  private final String target;
  private final Duration callTimeout;
  private final ManagedChannel channel;

  /**
   * @param target host:port (or any gRPC target string) of the inference service
   * @param callTimeout deadline of each call
   */
  public InferenceClient(String target, Duration callTimeout) {
    this.target = target;
    this.callTimeout = callTimeout;
    this.channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
  }

  public String target() {
    return target;
  }

  /** The model the server serves (it serves one). */
  public Model model() {
    try {
      List<Model> models =
          blocking().listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
      if (models.isEmpty()) {
        throw new InferenceCallException(
            "inference service " + target + " lists no model", true, null);
      }
      return models.get(0);
    } catch (StatusRuntimeException e) {
      throw failure("listing the models", e);
    }
  }

  /** The adapters the server can apply. */
  public List<Adapter> adapters() {
    try {
      return blocking().listAdapters(ListAdaptersRequest.getDefaultInstance()).getAdaptersList();
    } catch (StatusRuntimeException e) {
      throw failure("listing the adapters", e);
    }
  }

  /** Runs one generation to its end. */
  public GenerateResponse generate(GenerateRequest request) {
    try {
      return blocking().generate(request);
    } catch (StatusRuntimeException e) {
      throw failure("generating", e);
    }
  }

  /** Starts one generation; {@link #await} gets its result. */
  public ListenableFuture<GenerateResponse> generateAsync(GenerateRequest request) {
    return InferenceGrpc.newFutureStub(channel)
        .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .generate(request);
  }

  /** The result of {@link #generateAsync}, failures as {@link InferenceCallException}. */
  public GenerateResponse await(ListenableFuture<GenerateResponse> call) {
    try {
      return call.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel(true);
      throw new InferenceCallException("interrupted while generating on " + target, false, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException s) {
        throw failure("generating", s);
      }
      throw new InferenceCallException(
          "generating on " + target + " failed: " + e.getCause(), false, e.getCause());
    }
  }

  private InferenceGrpc.InferenceBlockingStub blocking() {
    return InferenceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private InferenceCallException failure(String what, StatusRuntimeException e) {
    Status s = e.getStatus();
    boolean permanent = PERMANENT.contains(s.getCode());
    return new InferenceCallException(
        what
            + " on inference service "
            + target
            + " failed: "
            + s.getCode()
            + (s.getDescription() == null ? "" : " " + s.getDescription())
            + (permanent ? "" : " (transient; the request will be retried)"),
        permanent,
        s.getCode(),
        e);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
