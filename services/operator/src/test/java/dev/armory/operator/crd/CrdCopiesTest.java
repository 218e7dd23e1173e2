package dev.armory.operator.crd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.operator.MockCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRD copies committed under k8s/crds and helm/armory/crds are exactly what the Fabric8 CRD
 * generator makes from the Java model in this build. Run with {@code -Darmory.updateCrds=true} to
 * refresh them after changing the model.
 */
class CrdCopiesTest {

  private static final String FILE = "tuningruns.armory.dev-v1.yml";
  private static final List<Path> COPIES =
      List.of(Path.of("../../k8s/crds", FILE), Path.of("../../helm/armory/crds", FILE));

  @Test
  void committedCopiesMatchTheGeneratedCrd() throws IOException {
    String generated = Files.readString(MockCluster.GENERATED_CRD);
    boolean update = Boolean.getBoolean("armory.updateCrds");
    for (Path copy : COPIES) {
      if (update) {
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, generated);
        System.out.println("CrdCopiesTest: wrote " + copy.normalize());
      }
      String committed = Files.exists(copy) ? Files.readString(copy) : "<missing>";
      assertTrue(
          generated.equals(committed),
          copy.normalize()
              + " differs from the CRD generated from the Java model ("
              + MockCluster.GENERATED_CRD
              + "); refresh the copies with: mvn -B test -pl services/operator"
              + " -Dtest=CrdCopiesTest -Darmory.updateCrds=true");
    }
  }
}
