package dev.armory.operator.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.operator.crd.TuningRun;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every YAML file under k8s/ and every static YAML file of helm/armory (not the templates, which
 * only `helm template` can read) parses strictly into Fabric8 or Armory model classes. Needs no
 * helm binary.
 */
class K8sManifestsTest {

  @Test
  void everyPlainManifestParsesStrictly() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("../../k8s"))) {
      files =
          walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    }
    List<String> kinds = new ArrayList<>();
    for (Path file : files) {
      List<StrictManifests.Parsed> parsed =
          StrictManifests.parse(Files.readString(file), file.toString());
      assertFalse(parsed.isEmpty(), file + " holds no object");
      for (StrictManifests.Parsed p : parsed) {
        HasMetadata o = p.object();
        assertFalse(
            o.getMetadata().getName() == null || o.getMetadata().getName().isBlank(),
            p.source() + ": name");
        kinds.add(o.getKind());
        if (o instanceof TuningRun run) {
          assertTrue(run.getSpec() != null && run.getSpec().baseModel() != null, p.source());
        }
        if (o instanceof Namespace ns) {
          assertEquals("armory", ns.getMetadata().getName());
        }
      }
    }
    for (String kind :
        List.of("CustomResourceDefinition", "TuningRun", "Namespace", "Deployment", "Role")) {
      assertTrue(kinds.contains(kind), kind + " among " + kinds);
    }
  }

  @Test
  void chartMetadataAndValuesParse() throws IOException {
    var yaml =
        new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    var chart = yaml.readTree(Path.of("../../helm/armory/Chart.yaml").toFile());
    assertEquals("v2", chart.get("apiVersion").asText());
    assertEquals("armory", chart.get("name").asText());
    var values = yaml.readTree(Path.of("../../helm/armory/values.yaml").toFile());
    assertEquals("nvidia.com/gpu", values.at("/gpu/resourceName").asText());
    assertEquals("true", values.at("/gpu/nodeSelector").get("nvidia.com/gpu.present").asText());
    assertTrue(values.at("/kafka/bootstrapServers").asText().contains(":9092"));
  }
}
