package dev.armory.cli;

import dev.armory.engine.data.AlpacaPrompt;
import dev.armory.proto.inference.v1.ChatMessage;
import dev.armory.proto.inference.v1.ChatPrompt;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.InferenceGrpc;
import dev.armory.proto.inference.v1.ListAdaptersRequest;
import dev.armory.proto.inference.v1.ListModelsRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Asks questions over Armory's gRPC API the way the training data was shaped: a chat turn when the
 * model has a chat template, else the Alpaca prompt layout.
 */
final class InferenceClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final InferenceGrpc.InferenceBlockingStub api;
  private final boolean chat;

  InferenceClient(String host, int port) {
    channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
    api = InferenceGrpc.newBlockingStub(channel);
    chat =
        api.withDeadlineAfter(30, TimeUnit.SECONDS)
            .listModels(ListModelsRequest.getDefaultInstance())
            .getModels(0)
            .getHasChatTemplate();
  }

  /** Waits until the server has {@code adapterId} loaded; false when the wait ran out. */
  boolean awaitAdapter(String adapterId, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() - deadline < 0) {
      boolean loaded =
          api.listAdapters(ListAdaptersRequest.getDefaultInstance()).getAdaptersList().stream()
              .anyMatch(a -> a.getId().equals(adapterId) && a.getLoaded());
      if (loaded) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** The greedy answer to {@code question}, with an adapter or (empty id) the base model. */
  String ask(String question, String adapterId, int maxTokens) {
    GenerateRequest.Builder r =
        GenerateRequest.newBuilder().setAdapterId(adapterId).setMaxTokens(maxTokens);
    if (chat) {
      r.setChat(
          ChatPrompt.newBuilder()
              .addMessages(ChatMessage.newBuilder().setRole("user").setContent(question)));
    } else {
      r.setText(AlpacaPrompt.prompt(question, ""));
    }
    return api.withDeadlineAfter(60, TimeUnit.SECONDS)
        .generate(r.build())
        .getText()
        .strip()
        .replace('\n', ' ');
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
