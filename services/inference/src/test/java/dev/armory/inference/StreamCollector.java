package dev.armory.inference;

import dev.armory.proto.inference.v1.Finish;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.GenerateStreamResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;

/**
 * Collects one GenerateStream call: token ids, text, the final message and the closing status;
 * optionally cancels the call once it has received a given number of tokens.
 */
final class StreamCollector
    implements ClientResponseObserver<GenerateRequest, GenerateStreamResponse> {
  final List<Integer> tokens = new ArrayList<>();
  final StringBuilder text = new StringBuilder();
  volatile Finish finish;

  /** Completes with the call's status: OK after onCompleted, else the error's status. */
  final CompletableFuture<Status> done = new CompletableFuture<>();

  /** Completes when the first token arrives. */
  final CompletableFuture<Void> firstToken = new CompletableFuture<>();

  private final IntPredicate cancelAfter;
  private ClientCallStreamObserver<GenerateRequest> call;

  StreamCollector() {
    this(n -> false);
  }

  /** Cancels the call when {@code cancelAfter} accepts the number of tokens received so far. */
  StreamCollector(IntPredicate cancelAfter) {
    this.cancelAfter = cancelAfter;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<GenerateRequest> requestStream) {
    this.call = requestStream;
  }

  @Override
  public synchronized void onNext(GenerateStreamResponse value) {
    if (value.hasDelta()) {
      tokens.add(value.getDelta().getTokenId());
      text.append(value.getDelta().getText());
      firstToken.complete(null);
      if (cancelAfter.test(tokens.size())) {
        call.cancel("the test cancels mid-stream", null);
      }
    } else if (value.hasFinish()) {
      finish = value.getFinish();
    }
  }

  @Override
  public void onError(Throwable t) {
    firstToken.complete(null);
    done.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    firstToken.complete(null);
    done.complete(Status.OK);
  }

  synchronized List<Integer> tokens() {
    return List.copyOf(tokens);
  }
}
