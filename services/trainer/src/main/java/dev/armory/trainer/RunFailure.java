package dev.armory.trainer;

import dev.armory.engine.data.DatasetException;
import dev.armory.engine.train.InvalidConfigException;
import dev.armory.engine.train.TrainingDivergedException;

/** Why a run failed, with the stable code TrainingFailed carries. */
public final class RunFailure extends Exception {

  /** Stable reason codes of TrainingFailed. */
  public enum Code {
    /** The request cannot be run as given (bad hyperparameter, unsupported method ...). */
    INVALID_REQUEST,
    /** The base model reference points at nothing usable. */
    MODEL_NOT_FOUND,
    /** The dataset never appeared (not ingested within the wait, or a missing file). */
    DATASET_NOT_FOUND,
    /** The dataset is there but its records cannot be trained on. */
    DATASET_INVALID,
    /** The loss or gradients stopped being finite. */
    DIVERGED,
    /** Anything else: an I/O error, a bug; the last checkpoint (if any) resumes it. */
    WORKER_ERROR
  }

  private final Code code;

  public RunFailure(Code code, String message) {
    super(message);
    this.code = code;
  }

  public RunFailure(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }

  /** The failure an error thrown while running means. */
  public static RunFailure of(Throwable e) {
    if (e instanceof RunFailure f) {
      return f;
    }
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    if (e instanceof TrainingDivergedException) {
      return new RunFailure(Code.DIVERGED, message, e);
    }
    if (e instanceof DatasetException) {
      return new RunFailure(Code.DATASET_INVALID, message, e);
    }
    if (e instanceof InvalidConfigException || e instanceof IllegalArgumentException) {
      return new RunFailure(Code.INVALID_REQUEST, message, e);
    }
    return new RunFailure(Code.WORKER_ERROR, e.getClass().getSimpleName() + ": " + message, e);
  }
}
