package dev.armory.platform.events;

import dev.armory.events.v1.Envelope;
import dev.armory.events.v1.Envelope.PayloadCase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka topic names, {@code armory.<noun>.<verb>}, one per event payload, plus the dead letters.
 */
public final class Topics {

  public static final String DATASET_INGEST_REQUESTED = "armory.dataset.ingest-requested";
  public static final String DATASET_INGESTED = "armory.dataset.ingested";
  public static final String DATASET_REJECTED = "armory.dataset.rejected";
  public static final String TRAINING_REQUESTED = "armory.training.requested";
  public static final String TRAINING_STARTED = "armory.training.started";
  public static final String TRAINING_PROGRESSED = "armory.training.progressed";
  public static final String TRAINING_COMPLETED = "armory.training.completed";
  public static final String TRAINING_FAILED = "armory.training.failed";
  public static final String EXPORT_REQUESTED = "armory.export.requested";
  public static final String MODEL_EXPORTED = "armory.model.exported";
  public static final String ADAPTER_PUBLISHED = "armory.adapter.published";
  public static final String JUDGE_REQUESTED = "armory.judge.requested";
  public static final String JUDGE_COMPLETED = "armory.judge.completed";

  /** Events that could not be decoded or validated, with the reason in headers. */
  public static final String DEAD_LETTER = "armory.dead-letter";

  private static final Map<PayloadCase, String> BY_PAYLOAD = new EnumMap<>(PayloadCase.class);

  static {
    BY_PAYLOAD.put(PayloadCase.DATASET_INGEST_REQUESTED, DATASET_INGEST_REQUESTED);
    BY_PAYLOAD.put(PayloadCase.DATASET_INGESTED, DATASET_INGESTED);
    BY_PAYLOAD.put(PayloadCase.DATASET_REJECTED, DATASET_REJECTED);
    BY_PAYLOAD.put(PayloadCase.TRAINING_REQUESTED, TRAINING_REQUESTED);
    BY_PAYLOAD.put(PayloadCase.TRAINING_STARTED, TRAINING_STARTED);
    BY_PAYLOAD.put(PayloadCase.TRAINING_PROGRESS, TRAINING_PROGRESSED);
    BY_PAYLOAD.put(PayloadCase.TRAINING_COMPLETED, TRAINING_COMPLETED);
    BY_PAYLOAD.put(PayloadCase.TRAINING_FAILED, TRAINING_FAILED);
    BY_PAYLOAD.put(PayloadCase.EXPORT_REQUESTED, EXPORT_REQUESTED);
    BY_PAYLOAD.put(PayloadCase.MODEL_EXPORTED, MODEL_EXPORTED);
    BY_PAYLOAD.put(PayloadCase.ADAPTER_PUBLISHED, ADAPTER_PUBLISHED);
    BY_PAYLOAD.put(PayloadCase.JUDGE_REQUESTED, JUDGE_REQUESTED);
    BY_PAYLOAD.put(PayloadCase.JUDGE_COMPLETED, JUDGE_COMPLETED);
    for (PayloadCase c : PayloadCase.values()) {
      if (c != PayloadCase.PAYLOAD_NOT_SET && !BY_PAYLOAD.containsKey(c)) {
        throw new ExceptionInInitializerError("no topic for payload " + c + ": add it to Topics");
      }
    }
  }

  private Topics() {}

  /** The topic an envelope with this payload is published to. */
  public static String forPayload(PayloadCase payload) {
    String topic = BY_PAYLOAD.get(payload);
    if (topic == null) {
      throw new IllegalArgumentException("envelope has no payload, so it has no topic: set one");
    }
    return topic;
  }

  /** The topic this envelope is published to. */
  public static String forEnvelope(Envelope envelope) {
    return forPayload(envelope.getPayloadCase());
  }

  /** The payload an envelope on this topic must carry, or PAYLOAD_NOT_SET for unknown topics. */
  public static PayloadCase payloadOf(String topic) {
    for (Map.Entry<PayloadCase, String> e : BY_PAYLOAD.entrySet()) {
      if (e.getValue().equals(topic)) {
        return e.getKey();
      }
    }
    return PayloadCase.PAYLOAD_NOT_SET;
  }

  /** Every topic Armory uses, the dead-letter topic last. */
  public static List<String> all() {
    List<String> all = new ArrayList<>(BY_PAYLOAD.values());
    all.add(DEAD_LETTER);
    return Collections.unmodifiableList(all);
  }
}
