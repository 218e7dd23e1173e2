package dev.armory.trainer;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.armory.engine.data.DemoDatasets;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.ModelType;
import dev.armory.events.v1.AdapterConfig;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.Hyperparameters;
import dev.armory.events.v1.TrainingRequested;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.store.ArtifactStore;
import dev.armory.platform.store.ManifestDetails;
import dev.armory.platform.store.StagedArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** An artifact store holding a tiny Llama ({@code models/tiny}) and the demo instructions. */
final class TinyStore {
  static final String MODEL = "tiny";
  static final String DATASET = "demo";

  private TinyStore() {}

  static ArtifactStore create(Path root) throws IOException {
    ArtifactStore store = ArtifactStore.open(root);
    try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_MODEL, MODEL)) {
      TinyModelGenerator.generate(ModelType.LLAMA, s.dir(), 7);
      s.commit(ManifestDetails.create().producer("test"));
    }
    ingest(store, DATASET, DemoDatasets.INSTRUCTIONS);
    return store;
  }

  /** Stores a bundled dataset the way ingestion lays it out (train.jsonl, empty eval.jsonl). */
  static void ingest(ArtifactStore store, String id, String bundled) {
    try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_DATASET, id)) {
      DemoDatasets.copy(bundled, s.dir().resolve("train.jsonl"));
      Files.writeString(s.dir().resolve("eval.jsonl"), "");
      s.commit(ManifestDetails.create().producer("test"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ArtifactRef model() {
    return ArtifactRef.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_MODEL).setId(MODEL).build();
  }

  static ArtifactRef dataset(String id) {
    return ArtifactRef.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_DATASET).setId(id).build();
  }

  /** A short QLoRA run on the tiny model: r 8 on all linear layers, high learning rate. */
  static TrainingRequested request(String runId, int steps) {
    return TrainingRequested.newBuilder()
        .setRunId(runId)
        .setIdempotencyKey("key-" + runId)
        .setBaseModel(model())
        .setDataset(dataset(DATASET))
        .setAdapter(AdapterConfig.newBuilder().setR(8).addTargetModules("all-linear"))
        .setHyperparameters(
            Hyperparameters.newBuilder()
                .setLearningRate(3e-3)
                .setMaxSteps(steps)
                .setMicroBatchSize(8)
                .setWarmupSteps(2)
                .setMaxSeqLen(64)
                .setEvalFraction(0.05)
                .setEvalEverySteps(Math.max(1, steps / 2))
                .setSaveEverySteps(1000))
        .build();
  }

  /** A producer that records instead of sending. */
  static MockProducer<String, byte[]> mockProducer() {
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  }

  static EventProducer producer(MockProducer<String, byte[]> mock) {
    return new EventProducer(mock, "test");
  }

  /** The payloads sent so far, in order. */
  static List<Message> sent(MockProducer<String, byte[]> mock) {
    return mock.history().stream().map(TinyStore::payload).toList();
  }

  static Message payload(ProducerRecord<String, byte[]> r) {
    try {
      return Events.payload(Envelope.parseFrom(r.value()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T extends Message> List<T> sent(MockProducer<String, byte[]> mock, Class<T> type) {
    return sent(mock).stream().filter(type::isInstance).map(type::cast).toList();
  }
}
