package dev.armory.platform.events;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Kafka record header names and content types used by Armory events. */
public final class EventHeaders {

  /** How the value is encoded: {@link #PROTOBUF} (default when absent) or {@link #JSON}. */
  public static final String CONTENT_TYPE = "content-type";

  public static final String PROTOBUF = "application/x-protobuf";
  public static final String JSON = "application/json";

  /** Payload type, e.g. armory.events.v1.TrainingRequested (informational; the value decides). */
  public static final String EVENT_TYPE = "armory-event-type";

  public static final String EVENT_ID = "armory-event-id";
  public static final String TRACE_ID = "armory-trace-id";

  /** Dead letters: why the event was rejected, and where it came from. */
  public static final String DLQ_REASON = "armory-dlq-reason";

  /** Dead letters: DECODE (bytes unreadable), INVALID (decoded but not acceptable), HANDLER. */
  public static final String DLQ_KIND = "armory-dlq-kind";

  public static final String DLQ_EXCEPTION = "armory-dlq-exception";
  public static final String DLQ_SOURCE_TOPIC = "armory-dlq-source-topic";
  public static final String DLQ_SOURCE_PARTITION = "armory-dlq-source-partition";
  public static final String DLQ_SOURCE_OFFSET = "armory-dlq-source-offset";
  public static final String DLQ_CONSUMER_GROUP = "armory-dlq-consumer-group";

  private EventHeaders() {}

  /** The last value of a header as UTF-8, or null when absent. */
  public static String get(Headers headers, String name) {
    if (headers == null) {
      return null;
    }
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Replaces a header with a UTF-8 value. */
  public static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
