package dev.armory.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the operator: settings from ARMORY_* environment variables, the Kubernetes client from the
 * pod's service account (or ~/.kube/config outside a cluster), health endpoints, and a clean stop
 * on SIGTERM.
 */
public final class OperatorMain {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    OperatorConfig config;
    try {
      config = OperatorConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("armory-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    LOG.info(
        "armory-operator: namespaces {}, trainer image {}, artifacts claim {} at {}, GPU nodes {},"
            + " Kafka {}",
        config.namespaces().isEmpty() ? "(all)" : config.namespaces(),
        config.trainerImage(),
        config.artifactsClaim(),
        config.storeRoot(),
        config.gpuNodeSelector(),
        config.kafkaEnabled()
            ? config.kafkaBootstrapServers()
                + (config.consumesEvents() ? " (consuming requests and trainer events)" : "")
            : "(off)");

    KubernetesClient client = new KubernetesClientBuilder().build();
    ArmoryOperator operator;
    try {
      operator = ArmoryOperator.start(client, config, Clock.systemUTC());
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      System.err.println(
          "armory-operator: cannot start against the Kubernetes API at "
              + client.getMasterUrl()
              + " ("
              + root
              + "); run it in a cluster or point KUBECONFIG at one, with the CRD installed"
              + " (kubectl apply -f k8s/crds/)");
      client.close();
      System.exit(1);
      return;
    }
    HealthServer health =
        config.healthPort() > 0 ? HealthServer.start(config.healthPort(), operator::healthy) : null;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("armory-operator: stopping");
                  if (health != null) {
                    health.close();
                  }
                  operator.close();
                  client.close();
                  stopped.countDown();
                },
                "armory-operator-shutdown"));
    stopped.await();
  }
}
