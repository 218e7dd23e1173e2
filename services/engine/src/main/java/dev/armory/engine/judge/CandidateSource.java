package dev.armory.engine.judge;

import java.util.List;

/**
 * Samples candidate answers: the in-process {@link EngineCandidateSource}, or (in the judge
 * service) the inference service's gRPC client. Implementations must be safe to call from one
 * thread at a time at least; the pipeline calls it sequentially.
 */
public interface CandidateSource {

  /** {@code request.k()} answers, in sample order (index 0 first). */
  List<Candidate> sample(CandidateRequest request);
}
