package dev.armory.cli;

import dev.armory.proto.inference.v1.ChatMessage;
import dev.armory.proto.inference.v1.ChatPrompt;
import dev.armory.proto.inference.v1.Finish;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.GenerateStreamResponse;
import dev.armory.proto.inference.v1.InferenceGrpc;
import dev.armory.proto.inference.v1.SamplingParams;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code armory generate --server}: one GenerateStream call to a running {@code armory serve},
 * printing text deltas as they arrive and the usage line at the end.
 */
final class RemoteGeneration {
  private final GenerateCommand options;

  RemoteGeneration(GenerateCommand options) {
    this.options = options;
  }

  int run() {
    PrintWriter out = options.spec.commandLine().getOut();
    PrintWriter err = options.spec.commandLine().getErr();
    GenerateRequest request = request();
    ManagedChannel channel = ManagedChannelBuilder.forTarget(options.server).usePlaintext().build();
    // Ctrl-C closes the channel, which cancels the call: the server frees its batch slot.
    Thread hook = new Thread(channel::shutdownNow, "armory-generate-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Iterator<GenerateStreamResponse> stream =
          InferenceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(options.timeoutSeconds, TimeUnit.SECONDS)
              .generateStream(request);
      Finish finish = null;
      boolean first = true;
      while (stream.hasNext()) {
        GenerateStreamResponse message = stream.next();
        if (first && !options.chat) {
          out.print(options.prompt);
        }
        first = false;
        if (message.hasDelta()) {
          out.print(message.getDelta().getText());
          out.flush();
        } else if (message.hasFinish()) {
          finish = message.getFinish();
        }
      }
      out.println();
      out.flush();
      if (finish != null) {
        err.println(summary(finish));
        err.flush();
      }
      return 0;
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException(
          options.server
              + " answered "
              + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null
                  ? ""
                  : ": " + e.getStatus().getDescription()),
          e);
    } finally {
      channel.shutdownNow();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook has run.
      }
    }
  }

  private GenerateRequest request() {
    GenerateRequest.Builder b = GenerateRequest.newBuilder().setMaxTokens(options.maxNewTokens);
    if (options.chat) {
      ChatPrompt.Builder chat = ChatPrompt.newBuilder();
      if (options.system != null) {
        chat.addMessages(ChatMessage.newBuilder().setRole("system").setContent(options.system));
      }
      chat.addMessages(ChatMessage.newBuilder().setRole("user").setContent(options.prompt));
      b.setChat(chat);
    } else {
      b.setText(options.prompt);
    }
    if (options.adapter != null) {
      b.setAdapterId(options.adapter);
    }
    SamplingParams.Builder s = SamplingParams.newBuilder().setTemperature(options.temperature);
    if (options.temperature > 0) {
      s.setSeed(options.seed);
    }
    if (options.topK != null) {
      s.setTopK(options.topK);
    }
    if (options.topP != null) {
      s.setTopP(options.topP);
    }
    if (options.repetitionPenalty != null) {
      s.setRepetitionPenalty(options.repetitionPenalty);
    }
    b.setSampling(s);
    if (options.stop != null) {
      b.addAllStop(options.stop);
    }
    return b.build();
  }

  private static String summary(Finish f) {
    double seconds = f.getTotalMs() / 1000;
    return String.format(
        Locale.ROOT,
        "prompt tokens: %d, new tokens: %d (%s), %.1f tokens/s, first token after %.0f ms"
            + " [model %s%s, request %s]",
        f.getUsage().getPromptTokens(),
        f.getUsage().getCompletionTokens(),
        describe(f),
        seconds > 0 ? f.getUsage().getCompletionTokens() / seconds : 0,
        f.getTimeToFirstTokenMs(),
        f.getModel(),
        f.getAdapterId().isEmpty() ? "" : ", adapter " + f.getAdapterId(),
        f.getRequestId());
  }

  private static String describe(Finish f) {
    switch (f.getFinishReason()) {
      case FINISH_REASON_STOP:
        return "stopped at end of sequence or a stop string";
      case FINISH_REASON_LENGTH:
        return "reached --max-new-tokens or the model's context length";
      case FINISH_REASON_CANCELLED:
        return "cancelled by the server";
      case FINISH_REASON_ERROR:
        return "failed: " + f.getError();
      default:
        return f.getFinishReason().name();
    }
  }
}
