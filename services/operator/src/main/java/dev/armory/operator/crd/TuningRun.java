package dev.armory.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A fine-tuning run managed with kubectl: the operator turns it into a training Job on a GPU node
 * and keeps its status current.
 */
@Group(TuningRun.GROUP)
@Version(TuningRun.VERSION)
@Plural("tuningruns")
@Singular("tuningrun")
@ShortNames("tr")
@AdditionalPrinterColumn(
    name = "Progress",
    jsonPath = ".status.progressPercent",
    type = AdditionalPrinterColumn.Type.NUMBER,
    priority = 1)
@AdditionalPrinterColumn(
    name = "ETA",
    jsonPath = ".status.estimatedCompletionTime",
    type = AdditionalPrinterColumn.Type.DATE,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class TuningRun extends CustomResource<TuningRunSpec, TuningRunStatus>
    implements Namespaced {

  public static final String GROUP = "armory.dev";
  public static final String VERSION = "v1alpha1";

  public TuningRun() {}

  /** A run with this name and spec, for code and tests that build resources. */
  public static TuningRun of(String namespace, String name, TuningRunSpec spec) {
    TuningRun run = new TuningRun();
    run.getMetadata().setNamespace(namespace);
    run.getMetadata().setName(name);
    run.setSpec(spec);
    return run;
  }
}
