package dev.armory.inference;

import dev.armory.engine.generate.FinishReason;
import dev.armory.engine.generate.GenerationListener;
import dev.armory.engine.generate.GenerationResult;
import dev.armory.proto.inference.v1.GenerateStreamResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * Forwards one generation to its gRPC stream: a message per token, then the final message and the
 * end of the call. Runs on the engine's thread; gRPC's onNext only queues, so it never blocks. A
 * call the client has cancelled gets nothing more (the engine is told through the cancel handler).
 */
final class StreamRelay implements GenerationListener {
  private final ServerCallStreamObserver<GenerateStreamResponse> call;
  private final String modelId;
  private final String adapterId;

  StreamRelay(
      ServerCallStreamObserver<GenerateStreamResponse> call, String modelId, String adapterId) {
    this.call = call;
    this.modelId = modelId;
    this.adapterId = adapterId;
  }

  @Override
  public void onToken(dev.armory.engine.generate.TokenDelta delta) {
    if (call.isCancelled()) {
      return;
    }
    call.onNext(
        GenerateStreamResponse.newBuilder()
            .setDelta(
                dev.armory.proto.inference.v1.TokenDelta.newBuilder()
                    .setIndex(delta.index())
                    .setTokenId(delta.tokenId())
                    .setText(delta.text()))
            .build());
  }

  @Override
  public void onFinish(GenerationResult result) {
    if (call.isCancelled()) {
      return;
    }
    call.onNext(
        GenerateStreamResponse.newBuilder()
            .setFinish(ProtoMapping.finish(result, modelId, adapterId))
            .build());
    if (result.finishReason() == FinishReason.ERROR) {
      call.onError(
          Status.INTERNAL
              .withDescription("generation failed: " + result.error())
              .asRuntimeException());
    } else {
      call.onCompleted();
    }
  }
}
