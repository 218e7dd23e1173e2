package dev.armory.engine.judge;

import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.FinishReason;
import dev.armory.engine.generate.GenerationHandle;
import dev.armory.engine.generate.GenerationRequest;
import dev.armory.engine.generate.GenerationResult;
import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.judge.llm.EnginePromptEncoder;
import dev.armory.engine.tokenizer.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples candidates in-process with the KV-cache {@link DecodeEngine}: the k requests of a prompt
 * are submitted together, so the engine decodes them as one batch. Adapters are the engine's
 * registered ones. A candidate's token count is the number of tokens generated (an ending
 * end-of-sequence token not counted).
 */
public final class EngineCandidateSource implements CandidateSource {
  private final DecodeEngine engine;
  private final EnginePromptEncoder encoder;

  public EngineCandidateSource(DecodeEngine engine) {
    this.engine = engine;
    this.encoder = new EnginePromptEncoder(engine);
  }

  /** Whether the model has a chat template ({@link PromptFormat#CHAT} needs one). */
  public boolean hasChatTemplate() {
    return encoder.hasChatTemplate();
  }

  @Override
  public List<Candidate> sample(CandidateRequest request) {
    int[] prompt;
    if (request.format() == PromptFormat.CHAT) {
      if (!encoder.hasChatTemplate()) {
        throw new IllegalArgumentException(
            "the candidate model has no chat template; sample with the raw prompt format");
      }
      prompt = encoder.chat(List.of(ChatMessage.user(request.prompt())));
    } else {
      prompt = encoder.raw(request.prompt());
    }
    if (prompt.length == 0) {
      throw new IllegalArgumentException(
          "the prompt '" + request.prompt() + "' encodes to no tokens");
    }
    SamplingParams sampling = request.sampling();
    List<GenerationHandle> handles = new ArrayList<>(request.k());
    for (int i = 0; i < request.k(); i++) {
      SamplingParams s =
          sampling.seed() == null ? sampling : sampling.withSeed(sampling.seed() + i);
      handles.add(
          engine.submit(
              new GenerationRequest(
                  prompt, request.adapterId(), s, request.maxNewTokens(), List.of()),
              null));
    }
    List<Candidate> out = new ArrayList<>(request.k());
    for (int i = 0; i < handles.size(); i++) {
      GenerationResult r = handles.get(i).result().join();
      if (r.finishReason() == FinishReason.ERROR || r.finishReason() == FinishReason.CANCELLED) {
        throw new IllegalStateException(
            "sampling candidate " + i + " failed (" + r.finishReason() + "): " + r.error());
      }
      out.add(new Candidate(i, r.text(), answerTokens(r)));
    }
    return out;
  }

  /** Generated tokens, an ending stop token not counted. */
  private int answerTokens(GenerationResult r) {
    int n = r.tokens().length;
    if (n > 0
        && r.finishReason() == FinishReason.STOP
        && engine.stopTokenIds().contains(r.tokens()[n - 1])) {
      n--;
    }
    return n;
  }
}
