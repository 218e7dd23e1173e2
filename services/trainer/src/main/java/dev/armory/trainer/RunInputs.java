package dev.armory.trainer;

import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.store.ArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The files a run reads, resolved from the request's references: the base model directory, and the
 * training (and eval) JSONL of the dataset.
 *
 * <p>A dataset by id is an ingested dataset ({@code datasets/<id>/train.jsonl} and {@code
 * eval.jsonl}); the run waits for it to be committed, so a TrainingRequested may be published
 * together with the DatasetIngestRequested it depends on. A dataset by uri is a JSONL file, or a
 * folder laid out like an ingested one.
 *
 * @param model the base model's Hugging Face directory
 * @param modelRef reference to the base model (with its sha256 when the store knows it)
 * @param trainData training JSONL
 * @param evalData eval JSONL, or null when the dataset has no eval split and none was given
 * @param datasetRef reference to the dataset (with its sha256 when the store knows it)
 * @param splitByIngestion the dataset is an ingested one (train.jsonl and eval.jsonl), whose
 *     train/eval split was already decided: no more records are held out unless asked
 * @param startAdapter the adapter directory the run starts from, or null for a fresh adapter
 */
public record RunInputs(
    Path model,
    ArtifactRef modelRef,
    Path trainData,
    Path evalData,
    ArtifactRef datasetRef,
    boolean splitByIngestion,
    Path startAdapter) {

  static final String TRAIN_FILE = "train.jsonl";
  static final String EVAL_FILE = "eval.jsonl";

  /** Resolves the request's inputs; waits up to {@code datasetWait} for an ingested dataset. */
  public static RunInputs resolve(
      ArtifactStore store, TrainingRequested request, Duration datasetWait, BooleanSupplier stop)
      throws RunFailure, InterruptedException {
    if (!request.hasBaseModel() || isEmpty(request.getBaseModel())) {
      throw new RunFailure(
          RunFailure.Code.INVALID_REQUEST,
          "TrainingRequested " + request.getRunId() + " has no base_model: set its id or uri");
    }
    if (!request.hasDataset() || isEmpty(request.getDataset())) {
      throw new RunFailure(
          RunFailure.Code.INVALID_REQUEST,
          "TrainingRequested " + request.getRunId() + " has no dataset: set its id or uri");
    }
    ArtifactRef modelRef = withKind(request.getBaseModel(), ArtifactKind.ARTIFACT_KIND_MODEL);
    Path model = resolveModel(store, modelRef);
    ArtifactRef dataRef = withKind(request.getDataset(), ArtifactKind.ARTIFACT_KIND_DATASET);
    Path data = resolveDataset(store, dataRef, datasetWait, stop);
    Path train = data;
    Path eval = null;
    if (Files.isDirectory(data)) {
      train = data.resolve(TRAIN_FILE);
      if (!Files.isRegularFile(train)) {
        throw new RunFailure(
            RunFailure.Code.DATASET_INVALID,
            "dataset folder " + data + " has no " + TRAIN_FILE + ": ingest the dataset first");
      }
      eval = nonEmpty(data.resolve(EVAL_FILE));
    }
    if (request.hasEvalDataset() && !isEmpty(request.getEvalDataset())) {
      ArtifactRef evalRef = withKind(request.getEvalDataset(), ArtifactKind.ARTIFACT_KIND_DATASET);
      Path e = resolveDataset(store, evalRef, datasetWait, stop);
      // An ingested eval dataset: all its records are eval records, whatever split it got.
      eval = Files.isDirectory(e) ? e.resolve(TRAIN_FILE) : e;
    }
    Path start = null;
    if (request.hasStartAdapter() && !isEmpty(request.getStartAdapter())) {
      ArtifactRef ref = withKind(request.getStartAdapter(), ArtifactKind.ARTIFACT_KIND_ADAPTER);
      try {
        start = store.resolve(ref);
      } catch (IllegalArgumentException e) {
        throw new RunFailure(
            RunFailure.Code.INVALID_REQUEST, "start_adapter: " + e.getMessage(), e);
      }
      if (!Files.isRegularFile(start.resolve("adapter_config.json"))) {
        throw new RunFailure(
            RunFailure.Code.INVALID_REQUEST,
            "start_adapter "
                + describe(ref)
                + " ("
                + start
                + ") has no adapter_config.json: name a PEFT adapter directory");
      }
    }
    return new RunInputs(
        model,
        known(store, modelRef),
        train,
        eval,
        known(store, dataRef),
        Files.isDirectory(data),
        start);
  }

  private static Path resolveModel(ArtifactStore store, ArtifactRef ref) throws RunFailure {
    Path dir;
    try {
      dir = store.resolve(ref);
    } catch (IllegalArgumentException e) {
      throw new RunFailure(RunFailure.Code.INVALID_REQUEST, "base_model: " + e.getMessage(), e);
    }
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new RunFailure(
          RunFailure.Code.MODEL_NOT_FOUND,
          "base model "
              + describe(ref)
              + " ("
              + dir
              + ") is not a Hugging Face model directory with config.json: put the model in the"
              + " artifact store's models/ folder or give its path as uri");
    }
    return dir;
  }

  private static Path resolveDataset(
      ArtifactStore store, ArtifactRef ref, Duration wait, BooleanSupplier stop)
      throws RunFailure, InterruptedException {
    if (!ref.getId().isEmpty()) {
      long deadline = System.nanoTime() + wait.toNanos();
      while (!store.exists(ArtifactKind.ARTIFACT_KIND_DATASET, ref.getId())) {
        if (System.nanoTime() - deadline > 0) {
          throw new RunFailure(
              RunFailure.Code.DATASET_NOT_FOUND,
              "dataset "
                  + describe(ref)
                  + " was not ingested within "
                  + String.format(java.util.Locale.ROOT, "%.1f", wait.toMillis() / 1000.0)
                  + " s: publish a DatasetIngestRequested for it (or check its DatasetRejected)");
        }
        if (stop.getAsBoolean()) {
          throw new InterruptedException("stopped while waiting for dataset " + ref.getId());
        }
        Thread.sleep(200);
      }
      return store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, ref.getId());
    }
    Path p;
    try {
      p = store.resolve(ref);
    } catch (IllegalArgumentException e) {
      throw new RunFailure(RunFailure.Code.INVALID_REQUEST, "dataset: " + e.getMessage(), e);
    }
    if (!Files.exists(p)) {
      throw new RunFailure(
          RunFailure.Code.DATASET_NOT_FOUND,
          "dataset " + describe(ref) + ": " + p + " does not exist");
    }
    return p;
  }

  /** The reference with the store's sha256 when it holds the artifact with a manifest. */
  private static ArtifactRef known(ArtifactStore store, ArtifactRef ref) {
    if (!ref.getId().isEmpty() && store.exists(ref.getKind(), ref.getId())) {
      return store.ref(ref.getKind(), ref.getId());
    }
    return ref;
  }

  private static ArtifactRef withKind(ArtifactRef ref, ArtifactKind kind) {
    return ref.getKind() == ArtifactKind.ARTIFACT_KIND_UNSPECIFIED
        ? ref.toBuilder().setKind(kind).build()
        : ref;
  }

  private static boolean isEmpty(ArtifactRef ref) {
    return ref.getId().isEmpty() && ref.getUri().isEmpty();
  }

  private static Path nonEmpty(Path file) {
    try {
      return Files.isRegularFile(file) && Files.size(file) > 0 ? file : null;
    } catch (IOException e) {
      return null;
    }
  }

  static String describe(ArtifactRef ref) {
    return ref.getId().isEmpty()
        ? ref.getUri()
        : ArtifactStore.folder(ref.getKind()) + "/" + ref.getId();
  }
}
