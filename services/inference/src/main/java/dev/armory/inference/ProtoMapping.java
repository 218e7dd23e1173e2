package dev.armory.inference;

import dev.armory.engine.generate.GenerationResult;
import dev.armory.engine.generate.adapters.AdapterInfo;
import dev.armory.engine.generate.adapters.AdapterStats;
import dev.armory.proto.inference.v1.Adapter;
import dev.armory.proto.inference.v1.AdapterCacheStats;
import dev.armory.proto.inference.v1.Finish;
import dev.armory.proto.inference.v1.FinishReason;
import dev.armory.proto.inference.v1.GenerateResponse;
import dev.armory.proto.inference.v1.Usage;

/** Engine results and adapter records as API messages. */
final class ProtoMapping {
  private ProtoMapping() {}

  static Finish finish(GenerationResult r, String modelId, String adapterId) {
    Finish.Builder f =
        Finish.newBuilder()
            .setRequestId(r.requestId())
            .setFinishReason(finishReason(r.finishReason()))
            .setUsage(
                Usage.newBuilder()
                    .setPromptTokens(r.promptTokens())
                    .setCompletionTokens(r.completionTokens())
                    .setTotalTokens(r.promptTokens() + r.completionTokens()))
            .setSeed(r.seed())
            .setTotalMs(r.totalNanos() / 1e6)
            .setModel(modelId)
            .setAdapterId(adapterId);
    if (r.timeToFirstTokenNanos() >= 0) {
      f.setTimeToFirstTokenMs(r.timeToFirstTokenNanos() / 1e6);
    }
    if (r.error() != null) {
      f.setError(r.error());
    }
    return f.build();
  }

  static GenerateResponse response(GenerationResult r, String modelId, String adapterId) {
    GenerateResponse.Builder b =
        GenerateResponse.newBuilder().setText(r.text()).setFinish(finish(r, modelId, adapterId));
    for (int t : r.tokens()) {
      b.addTokenIds(t);
    }
    return b.build();
  }

  static FinishReason finishReason(dev.armory.engine.generate.FinishReason reason) {
    return switch (reason) {
      case STOP -> FinishReason.FINISH_REASON_STOP;
      case LENGTH -> FinishReason.FINISH_REASON_LENGTH;
      case CANCELLED -> FinishReason.FINISH_REASON_CANCELLED;
      case ERROR -> FinishReason.FINISH_REASON_ERROR;
    };
  }

  static Adapter adapter(AdapterInfo a) {
    return Adapter.newBuilder()
        .setId(a.id())
        .setPath(a.directory().toString())
        .setRank(a.rank())
        .addAllTargetModules(a.targetModules())
        .setBytes(a.bytes())
        .setLoaded(a.loaded())
        .build();
  }

  static AdapterCacheStats cache(AdapterStats s) {
    return AdapterCacheStats.newBuilder()
        .setRegistered(s.registered())
        .setLoaded(s.loaded())
        .setResidentBytes(s.residentBytes())
        .setBudgetBytes(s.budgetBytes())
        .setHits(s.hits())
        .setMisses(s.misses())
        .setEvictions(s.evictions())
        .build();
  }
}
