package dev.armory.judge;

import com.google.common.util.concurrent.ListenableFuture;
import dev.armory.engine.judge.Candidate;
import dev.armory.engine.judge.CandidateRequest;
import dev.armory.engine.judge.CandidateSource;
import dev.armory.engine.judge.PromptFormat;
import dev.armory.proto.inference.v1.ChatMessage;
import dev.armory.proto.inference.v1.ChatPrompt;
import dev.armory.proto.inference.v1.FinishReason;
import dev.armory.proto.inference.v1.GenerateRequest;
import dev.armory.proto.inference.v1.GenerateResponse;
import dev.armory.proto.inference.v1.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Samples candidates through the inference service's gRPC API, the remote twin of the engine's
 * in-process {@code EngineCandidateSource}: the k requests of a prompt are sent together (so the
 * server decodes them in one batch), sample i with seed s + i. A candidate's token count is the
 * number of generated tokens, an ending end-of-sequence token not counted.
 */
public final class GrpcCandidateSource implements CandidateSource {
  private final InferenceClient client;
  private final String model;
  private final List<String> stop;

  /**
   * @param model the served model's id the requests name (empty: whatever the server serves)
   * @param stop stop strings of every candidate
   */
  public GrpcCandidateSource(InferenceClient client, String model, List<String> stop) {
    this.client = Objects.requireNonNull(client, "client");
    this.model = model == null ? "" : model;
    this.stop = List.copyOf(stop);
  }

  @Override
  public List<Candidate> sample(CandidateRequest request) {
    GenerateRequest.Builder base = GenerateRequest.newBuilder().setModel(model);
    if (request.format() == PromptFormat.CHAT) {
      base.setChat(
          ChatPrompt.newBuilder()
              .addMessages(ChatMessage.newBuilder().setRole("user").setContent(request.prompt())));
    } else {
      base.setText(request.prompt());
    }
    if (request.adapterId() != null) {
      base.setAdapterId(request.adapterId());
    }
    base.setMaxTokens(request.maxNewTokens()).addAllStop(stop);
    dev.armory.engine.generate.SamplingParams s = request.sampling();
    List<ListenableFuture<GenerateResponse>> calls = new ArrayList<>(request.k());
    for (int i = 0; i < request.k(); i++) {
      SamplingParams.Builder sampling =
          SamplingParams.newBuilder()
              .setTemperature(s.temperature())
              .setTopK(s.topK())
              .setTopP(s.topP())
              .setRepetitionPenalty(s.repetitionPenalty());
      if (s.seed() != null) {
        sampling.setSeed(s.seed() + i);
      }
      calls.add(client.generateAsync(base.clone().setSampling(sampling).build()));
    }
    List<Candidate> out = new ArrayList<>(request.k());
    try {
      for (int i = 0; i < calls.size(); i++) {
        GenerateResponse r = client.await(calls.get(i));
        FinishReason finish = r.getFinish().getFinishReason();
        if (finish == FinishReason.FINISH_REASON_ERROR
            || finish == FinishReason.FINISH_REASON_CANCELLED) {
          throw new InferenceCallException(
              "sampling candidate "
                  + i
                  + " on "
                  + client.target()
                  + " ended "
                  + finish
                  + ": "
                  + r.getFinish().getError(),
              false,
              null);
        }
        out.add(new Candidate(i, r.getText(), answerTokens(r)));
      }
    } finally {
      calls.forEach(c -> c.cancel(true)); // no-op for finished calls; frees slots after a failure
    }
    return out;
  }

  /**
   * Generated tokens without an ending end-of-sequence token: a STOP finish without stop strings is
   * always an end-of-sequence token (with stop strings it may be either, so nothing is subtracted).
   */
  private int answerTokens(GenerateResponse r) {
    int n = r.getTokenIdsCount();
    if (n > 0
        && stop.isEmpty()
        && r.getFinish().getFinishReason() == FinishReason.FINISH_REASON_STOP) {
      n--;
    }
    return n;
  }
}
