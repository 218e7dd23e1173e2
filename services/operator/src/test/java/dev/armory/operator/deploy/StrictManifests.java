package dev.armory.operator.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.armory.operator.crd.TuningRun;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses multi-document YAML into Fabric8 model classes strictly: a field the model does not know
 * fails instead of landing in the model's catch-all additionalProperties map, so a misspelt or
 * misplaced key in a template is caught the way kubectl's strict field validation catches it. Kinds
 * Fabric8 has no class for (ServiceMonitor) come back as GenericKubernetesResource.
 */
final class StrictManifests {

  /** One parsed document: its source text position and typed object. */
  record Parsed(String source, HasMetadata object) {}

  private static final KubernetesSerialization LENIENT = new KubernetesSerialization();
  private static final ObjectMapper STRICT =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
          .setAnnotationIntrospector(
              new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                  return Boolean.FALSE;
                }
              });

  private StrictManifests() {}

  /** Every non-empty document of the YAML text, typed. */
  static List<Parsed> parse(String yaml, String source) throws IOException {
    List<Parsed> out = new ArrayList<>();
    ObjectMapper yamlTree = new ObjectMapper(new YAMLFactory());
    try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
      var docs = yamlTree.readValues(parser, JsonNode.class);
      int index = 0;
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        index++;
        if (doc == null || doc.isNull() || doc.isEmpty()) {
          continue;
        }
        String where =
            source
                + " document "
                + index
                + " ("
                + doc.path("kind").asText()
                + " "
                + doc.path("metadata").path("name").asText()
                + ")";
        out.add(new Parsed(where, typed(doc, where)));
      }
    }
    return out;
  }

  private static HasMetadata typed(JsonNode doc, String where) throws IOException {
    if (doc.path("apiVersion").asText().isEmpty() || doc.path("kind").asText().isEmpty()) {
      throw new AssertionError(where + ": apiVersion and kind are required");
    }
    Class<? extends HasMetadata> type;
    if ("TuningRun".equals(doc.path("kind").asText())) {
      type = TuningRun.class;
    } else {
      type = LENIENT.convertValue(doc, HasMetadata.class).getClass();
    }
    if (type == GenericKubernetesResource.class) {
      return LENIENT.convertValue(doc, GenericKubernetesResource.class);
    }
    try {
      return STRICT.treeToValue(doc, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(where + ": " + e.getOriginalMessage(), e);
    }
  }
}
