package dev.armory.operator.events;

import dev.armory.events.v1.TrainingRequested;
import dev.armory.operator.crd.TuningRun;
import dev.armory.operator.model.RunNames;
import dev.armory.operator.model.SpecValidator;
import dev.armory.operator.model.TrainingRequests;
import dev.armory.operator.reconcile.RunReports;
import dev.armory.platform.PlatformConfig;
import dev.armory.platform.events.ConsumedEvent;
import dev.armory.platform.events.EventConsumerLoop;
import dev.armory.platform.events.InvalidEventException;
import dev.armory.platform.events.Topics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's Kafka side. A {@code TrainingRequested} becomes a TuningRun (created once: the
 * name derives from the run id and the API server refuses a second create), so Kafka and kubectl
 * converge on one resource; the trainer's started/progress/completed/failed events feed the run's
 * status. Offsets are committed after the effect (the platform's consumer loop); a request that
 * cannot be a TuningRun goes to the dead-letter topic with the reason.
 */
public final class TrainingEventBridge implements AutoCloseable {

  /** Consumer group of the request consumer (also its idempotency scope). */
  public static final String REQUESTS_GROUP = "armory-operator";

  /** Consumer group of the status consumer. */
  public static final String STATUS_GROUP = "armory-operator-status";

  private static final Logger LOG = LoggerFactory.getLogger(TrainingEventBridge.class);

  private final List<EventConsumerLoop> loops;

  private TrainingEventBridge(List<EventConsumerLoop> loops) {
    this.loops = loops;
  }

  /** Starts both consumers against the cluster of the client. */
  public static TrainingEventBridge start(
      PlatformConfig kafka, KubernetesClient client, String namespace, RunReports reports) {
    EventConsumerLoop requests =
        EventConsumerLoop.builder(kafka, REQUESTS_GROUP)
            .topics(Topics.TRAINING_REQUESTED)
            .handler(event -> createRun(client, namespace, event))
            .start();
    EventConsumerLoop status =
        EventConsumerLoop.builder(kafka, STATUS_GROUP)
            .topics(
                Topics.TRAINING_STARTED,
                Topics.TRAINING_PROGRESSED,
                Topics.TRAINING_COMPLETED,
                Topics.TRAINING_FAILED)
            .handler(event -> TrainerEvents.report(event.envelope()).ifPresent(reports::record))
            .start();
    return new TrainingEventBridge(List.of(requests, status));
  }

  /** Creates the request's TuningRun unless it exists; a redelivery finds it and does nothing. */
  static void createRun(KubernetesClient client, String namespace, ConsumedEvent event)
      throws InvalidEventException {
    TrainingRequested request = event.payload(TrainingRequested.class);
    TuningRun run;
    try {
      run = TrainingRequests.toTuningRun(request, namespace);
    } catch (TrainingRequests.Unsupported e) {
      throw InvalidEventException.invalid(e.getMessage());
    }
    List<String> problems = SpecValidator.problems(run.getSpec());
    if (!problems.isEmpty()) {
      throw InvalidEventException.invalid(
          "run " + request.getRunId() + ": " + String.join("; ", problems));
    }
    var runs = client.resources(TuningRun.class).inNamespace(namespace);
    try {
      runs.resource(run).create();
      LOG.info(
          "TrainingRequested {} -> TuningRun {}/{}",
          request.getRunId(),
          namespace,
          run.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        TuningRun existing = runs.withName(run.getMetadata().getName()).get();
        if (existing != null && !Objects.equals(RunNames.runId(existing), request.getRunId())) {
          throw InvalidEventException.invalid(
              "run "
                  + request.getRunId()
                  + ": TuningRun "
                  + namespace
                  + "/"
                  + run.getMetadata().getName()
                  + " already exists for run "
                  + RunNames.runId(existing)
                  + "; use another run_id");
        }
        return; // the same run, requested again: nothing to do
      }
      if (e.getCode() == 422) {
        // The API server's schema refused the spec: the request itself is wrong.
        throw InvalidEventException.invalid("run " + request.getRunId() + ": " + e.getMessage());
      }
      throw e; // API server unavailable and the like: retried, then dead-lettered
    }
  }

  @Override
  public void close() {
    for (EventConsumerLoop loop : loops) {
      loop.close();
    }
  }
}
