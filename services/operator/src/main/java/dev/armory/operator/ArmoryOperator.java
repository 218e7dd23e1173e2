package dev.armory.operator;

import dev.armory.operator.events.TrainingEventBridge;
import dev.armory.operator.reconcile.RunReports;
import dev.armory.operator.reconcile.TuningRunReconciler;
import dev.armory.platform.PlatformConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The operator as one object: JOSDK running the TuningRun reconciler on a given client, watching
 * the configured namespaces, and, when Kafka is configured, the event bridge (TrainingRequested →
 * TuningRun, trainer events → status). Status and Jobs are written with plain create and JSON
 * patches, not server-side apply, so the same code runs against any API server.
 */
public final class ArmoryOperator implements AutoCloseable {

  private final Operator operator;
  private final RunReports reports;
  private final TrainingEventBridge kafka;

  private ArmoryOperator(Operator operator, RunReports reports, TrainingEventBridge kafka) {
    this.operator = operator;
    this.reports = reports;
    this.kafka = kafka;
  }

  /** Registers the reconciler and starts watching; returns once the informers have synced. */
  public static ArmoryOperator start(KubernetesClient client, OperatorConfig config, Clock clock) {
    RunReports reports = new RunReports();
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false));
    operator.register(
        new TuningRunReconciler(config, reports, clock),
        c -> {
          if (config.namespaces().isEmpty()) {
            c.watchingAllNamespaces();
          } else {
            c.settingNamespaces(config.namespaces());
          }
        });
    operator.start();
    TrainingEventBridge kafka = null;
    if (config.consumesEvents()) {
      // The operator mounts no artifact store; the store root only completes the settings.
      PlatformConfig platform =
          new PlatformConfig(
              config.kafkaBootstrapServers(),
              Path.of(config.storeRoot()),
              "operator",
              config.kafkaClient());
      kafka = TrainingEventBridge.start(platform, client, config.requestsNamespace(), reports);
    }
    return new ArmoryOperator(operator, reports, kafka);
  }

  /** Where trainer events are recorded for the reconciler to pick up. */
  public RunReports reports() {
    return reports;
  }

  /** True once started and while every informer is healthy. */
  public boolean healthy() {
    return operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    if (kafka != null) {
      kafka.close();
    }
    operator.stop();
  }
}
