package dev.armory.operator.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.armory.operator.MockCluster;
import dev.armory.operator.crd.TuningRunSpec.Method;
import dev.armory.operator.crd.TuningRunSpec.OnnxPrecision;
import dev.armory.operator.model.SpecValidator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The generated CRD's OpenAPI schema, applied the way the API server applies it (required fields,
 * ranges, enums, patterns): it accepts the example and rejects bad specs with messages naming the
 * field. CEL rules (x-kubernetes-validations) need a real API server and are checked for presence.
 */
class CrdSchemaTest {

  private static final Path EXAMPLE = Path.of("../../k8s/examples/tuningrun-qlora.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theExampleIsAcceptedByTheSchemaAndTheOperator() throws Exception {
    assertEquals(Set.of(), validate(example()));

    // Strict: a key the Java model does not know fails here, so the example cannot drift.
    TuningRun run =
        YAML.copy()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .readValue(EXAMPLE.toFile(), TuningRun.class);
    TuningRunSpec spec = run.getSpec();
    assertEquals("TinyLlama-1.1B-Chat-v1.0", spec.baseModel().id());
    assertEquals(Method.QLORA, spec.method());
    assertEquals(OnnxPrecision.INT4, spec.export().onnxPrecision());
    assertEquals(1, spec.resources().gpus());
    assertEquals(List.of(), SpecValidator.problems(spec));
  }

  @Test
  void missingBaseModelIsRejectedNamingTheField() throws Exception {
    ObjectNode run = example();
    ((ObjectNode) run.get("spec")).remove("baseModel");
    Set<String> errors = validate(run);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(Set.of("$.spec: required property 'baseModel' not found"), errors);
  }

  @Test
  void negativeLearningRateIsRejectedNamingTheField() throws Exception {
    ObjectNode run = example();
    ((ObjectNode) run.at("/spec/hyperparameters")).put("learningRate", -0.0002);
    Set<String> errors = validate(run);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(
        Set.of("$.spec.hyperparameters.learningRate: must have a minimum value of 0.0"), errors);

    // The minimum is exclusive: zero is rejected too, the smallest positive rate accepted.
    ((ObjectNode) run.at("/spec/hyperparameters")).put("learningRate", 0.0);
    assertEquals(1, validate(run).size(), validate(run).toString());
    ((ObjectNode) run.at("/spec/hyperparameters")).put("learningRate", 1e-9);
    assertEquals(Set.of(), validate(run));
  }

  @Test
  void outOfRangeValuesUnknownEnumsAndBadIdsAreEachRejected() throws Exception {
    ObjectNode run = example();
    ((ObjectNode) run.get("spec")).put("method", "adapterless");
    ((ObjectNode) run.at("/spec/resources")).put("gpus", 64);
    ((ObjectNode) run.at("/spec/adapter")).put("dropout", 1.0);
    ((ObjectNode) run.at("/spec/export")).put("onnxPrecision", "int8");
    ((ObjectNode) run.at("/spec/dataset")).put("id", "../etc");
    Set<String> errors = validate(run);
    String all = String.join("\n", errors);
    assertEquals(5, errors.size(), all);
    for (String field :
        List.of(
            "$.spec.method:",
            "$.spec.resources.gpus:",
            "$.spec.adapter.dropout:",
            "$.spec.export.onnxPrecision:",
            "$.spec.dataset.id:")) {
      assertTrue(all.contains(field), field + " in\n" + all);
    }
  }

  @Test
  void trainingFieldsAreImmutableThroughACelTransitionRule() {
    JsonNode spec = schemaNode().at("/properties/spec");
    JsonNode rules = spec.get("x-kubernetes-validations");
    assertTrue(rules != null && rules.isArray() && rules.size() == 1, String.valueOf(rules));
    String rule = rules.get(0).get("rule").asText();
    for (String field :
        List.of(
            "baseModel",
            "dataset",
            "method",
            "adapter",
            "objective",
            "hyperparameters",
            "eval",
            "runId")) {
      assertTrue(rule.contains("self." + field), field + " is covered by: " + rule);
    }
    JsonNode ref =
        schemaNode().at("/properties/spec/properties/baseModel/x-kubernetes-validations");
    assertEquals("has(self.id) != has(self.uri)", ref.get(0).get("rule").asText());
  }

  @Test
  void theCrdHasAStatusSubresourceAndThePrinterColumns() {
    CustomResourceDefinition crd = MockCluster.generatedCrd();
    assertEquals("Namespaced", crd.getSpec().getScope());
    CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
    assertEquals("v1alpha1", v.getName());
    assertTrue(v.getSubresources().getStatus() != null, "status subresource");
    Set<String> columns =
        v.getAdditionalPrinterColumns().stream()
            .filter(c -> c.getPriority() == 0)
            .map(c -> c.getName() + "=" + c.getJsonPath())
            .collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "Phase=.status.phase",
            "Step=.status.step",
            "Loss=.status.loss",
            "Age=.metadata.creationTimestamp"),
        columns);
  }

  private static ObjectNode example() throws Exception {
    return (ObjectNode) YAML.readTree(Files.readString(EXAMPLE));
  }

  private static JsonNode schemaNode() {
    CustomResourceDefinition crd = MockCluster.generatedCrd();
    return YAML.valueToTree(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
  }

  private static JsonSchema validator;

  /** Errors of the object against the CRD schema (OpenAPI v3 structural schema = draft 4 rules). */
  private static synchronized Set<String> validate(JsonNode object) {
    if (validator == null) {
      JsonNode schema = stripKubernetesExtensions(schemaNode().deepCopy());
      validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    }
    return validator.validate(object).stream()
        .map(ValidationMessage::getMessage)
        .collect(Collectors.toSet());
  }

  /** x-kubernetes-* keys are API-server extensions (CEL, list types), not JSON Schema keywords. */
  private static JsonNode stripKubernetesExtensions(JsonNode node) {
    if (node instanceof ObjectNode o) {
      Iterator<String> names = o.fieldNames();
      List<String> drop =
          iterable(names).stream().filter(n -> n.startsWith("x-kubernetes-")).toList();
      o.remove(drop);
      o.elements().forEachRemaining(CrdSchemaTest::stripKubernetesExtensions);
    } else if (node instanceof ArrayNode a) {
      a.elements().forEachRemaining(CrdSchemaTest::stripKubernetesExtensions);
    }
    return node;
  }

  private static List<String> iterable(Iterator<String> it) {
    List<String> list = new java.util.ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }
}
