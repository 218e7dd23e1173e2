package dev.armory.inference;

import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineLimits;
import dev.armory.engine.generate.FinishReason;
import dev.armory.engine.generate.GenerationHandle;
import dev.armory.engine.generate.GenerationListener;
import dev.armory.engine.generate.ServingEngine;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.GenerateResponse;
import dev.armory.proto.inference.v1.GenerateStreamResponse;
import dev.armory.proto.inference.v1.InferenceGrpc;
import dev.armory.proto.inference.v1.ListAdaptersRequest;
import dev.armory.proto.inference.v1.ListAdaptersResponse;
import dev.armory.proto.inference.v1.ListModelsRequest;
import dev.armory.proto.inference.v1.ListModelsResponse;
import dev.armory.proto.inference.v1.LoadAdapterRequest;
import dev.armory.proto.inference.v1.LoadAdapterResponse;
import dev.armory.proto.inference.v1.Model;
import dev.armory.proto.inference.v1.UnloadAdapterRequest;
import dev.armory.proto.inference.v1.UnloadAdapterResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code armory.inference.v1.Inference}: translates calls to {@link GenerationService} and {@link
 * AdapterService} and their results and exceptions back to messages and statuses. A cancelled or
 * expired call cancels its generation, which frees its batch row at the next step.
 */
@Singleton
final class InferenceEndpoint extends InferenceGrpc.InferenceImplBase {
  private final GenerationService generation;
  private final AdapterService adapters;

  InferenceEndpoint(GenerationService generation, AdapterService adapters) {
    this.generation = generation;
    this.adapters = adapters;
  }

  @Override
  public void generate(GenerateRequest request, StreamObserver<GenerateResponse> observer) {
    var call = (ServerCallStreamObserver<GenerateResponse>) observer;
    GenerationHandle handle = submit(call, request, null);
    if (handle == null) {
      return;
    }
    handle
        .result()
        .thenAccept(
            result -> {
              if (call.isCancelled()) {
                return;
              }
              if (result.finishReason() == FinishReason.ERROR) {
                call.onError(
                    Status.INTERNAL
                        .withDescription("generation failed: " + result.error())
                        .asRuntimeException());
              } else if (result.finishReason() == FinishReason.CANCELLED) {
                // The client did not cancel (checked above): the server is going away.
                call.onError(
                    Status.UNAVAILABLE
                        .withDescription(
                            "the generation was cancelled after "
                                + result.completionTokens()
                                + " tokens: the server is shutting down")
                        .asRuntimeException());
              } else {
                call.onNext(
                    ProtoMapping.response(result, generation.modelId(), request.getAdapterId()));
                call.onCompleted();
              }
            });
  }

  @Override
  public void generateStream(
      GenerateRequest request, StreamObserver<GenerateStreamResponse> observer) {
    var call = (ServerCallStreamObserver<GenerateStreamResponse>) observer;
    submit(call, request, new StreamRelay(call, generation.modelId(), request.getAdapterId()));
  }

  /**
   * Submits the request with the call's cancellation wired to the generation; on a rejected request
   * closes the call with the matching status and returns null.
   */
  private GenerationHandle submit(
      ServerCallStreamObserver<?> call, GenerateRequest request, GenerationListener listener) {
    // Set before submitting: gRPC takes the handler only before this method returns, and a
    // deadline may expire while the request is still queued.
    AtomicReference<GenerationHandle> submitted = new AtomicReference<>();
    call.setOnCancelHandler(
        () -> {
          GenerationHandle h = submitted.get();
          if (h != null) {
            h.cancel();
          }
        });
    GenerationHandle handle;
    try {
      handle = generation.submit(request, listener);
    } catch (RuntimeException e) {
      call.onError(GrpcErrors.toStatus(e));
      return null;
    }
    submitted.set(handle);
    if (call.isCancelled()) {
      handle.cancel(); // cancelled between the handler's installation and now
    }
    return handle;
  }

  @Override
  public void listAdapters(
      ListAdaptersRequest request, StreamObserver<ListAdaptersResponse> observer) {
    ListAdaptersResponse.Builder b = ListAdaptersResponse.newBuilder();
    adapters.list().forEach(a -> b.addAdapters(ProtoMapping.adapter(a)));
    b.setCache(ProtoMapping.cache(generation.engine().stats().adapters()));
    observer.onNext(b.build());
    observer.onCompleted();
  }

  @Override
  public void loadAdapter(
      LoadAdapterRequest request, StreamObserver<LoadAdapterResponse> observer) {
    try {
      var info =
          request.getPath().isEmpty()
              ? adapters.load(request.getId())
              : adapters.loadFromClientPath(request.getId(), request.getPath());
      observer.onNext(
          LoadAdapterResponse.newBuilder().setAdapter(ProtoMapping.adapter(info)).build());
      observer.onCompleted();
    } catch (Exception e) {
      observer.onError(GrpcErrors.toStatus(e));
    }
  }

  @Override
  public void unloadAdapter(
      UnloadAdapterRequest request, StreamObserver<UnloadAdapterResponse> observer) {
    try {
      boolean wasLoaded = adapters.unload(request.getId(), request.getForget());
      observer.onNext(UnloadAdapterResponse.newBuilder().setWasLoaded(wasLoaded).build());
      observer.onCompleted();
    } catch (RuntimeException e) {
      observer.onError(GrpcErrors.toStatus(e));
    }
  }

  @Override
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> observer) {
    ModelConfig c = generation.engine().modelConfig();
    ServingEngine engine = generation.engine();
    EngineLimits limits = engine.limits();
    Model model =
        Model.newBuilder()
            .setId(generation.modelId())
            .setModelType(c.modelType().hfName())
            .setContextLength(c.maxPositionEmbeddings())
            .setVocabSize(c.vocabularySize())
            .setWeightFormat(engine.weightsLabel())
            .setHasChatTemplate(generation.hasChatTemplate())
            .setSupportsAdapters(engine.adapterRegistry().isPresent())
            .setSource(engine instanceof DecodeEngine ? "hf" : "onnx")
            .setMaxPromptTokens(limits.maxPromptTokens())
            .setMaxTokens(limits.maxNewTokens())
            .build();
    observer.onNext(ListModelsResponse.newBuilder().addModels(model).build());
    observer.onCompleted();
  }
}
