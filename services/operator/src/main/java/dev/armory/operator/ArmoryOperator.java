package dev.armory.operator;

import dev.armory.operator.reconcile.RunReports;
import dev.armory.operator.reconcile.TuningRunReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;

/**
 * The operator as one object: JOSDK running the TuningRun reconciler on a given client, watching
 * the configured namespaces. Status and Jobs are written with plain create and JSON patches, not
 * server-side apply, so the same code runs against any API server.
 */
public final class ArmoryOperator implements AutoCloseable {

  private final Operator operator;
  private final RunReports reports;

  private ArmoryOperator(Operator operator, RunReports reports) {
    this.operator = operator;
    this.reports = reports;
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
    return new ArmoryOperator(operator, reports);
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
    operator.stop();
  }
}
