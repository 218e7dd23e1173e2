package dev.armory.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * Fabric8's mock API server in CRUD mode with the generated TuningRun CRD installed. It stores and
 * watches objects but runs no controllers: tests play the Job controller and kubelet by writing Job
 * and pod status themselves, and the garbage collector by deleting owned objects.
 */
public final class MockCluster implements AutoCloseable {

  private static CustomResourceDefinition generated;

  /** The CRD the build generated from the Java model. */
  public static final Path GENERATED_CRD =
      Path.of("target/classes/META-INF/fabric8/tuningruns.armory.dev-v1.yml");

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public MockCluster() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(List.of()),
            false);
    server.init();
    client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(generatedCrd()).create();
  }

  public KubernetesClient client() {
    return client;
  }

  /** The CRD generated at build time (process-classes), parsed. */
  public static CustomResourceDefinition generatedCrd() {
    try (InputStream in = Files.newInputStream(GENERATED_CRD)) {
      return new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
          .unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new IllegalStateException(
          GENERATED_CRD.toAbsolutePath()
              + " is missing: the crd-generator-maven-plugin writes it at process-classes; run the"
              + " tests through Maven",
          e);
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
