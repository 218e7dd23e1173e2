package dev.armory.exporter;

import dev.armory.events.v1.AdapterPublished;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.TrainingCompleted;
import dev.armory.platform.events.ConsumedEvent;
import dev.armory.platform.events.EventHandler;
import dev.armory.platform.events.EventProducer;
import dev.armory.platform.events.Events;
import dev.armory.platform.events.InvalidEventException;
import dev.armory.platform.store.ArtifactStore;
import java.util.Map;

/**
 * Publishes a finished run's adapter when its request asked for it: TrainingCompleted with publish
 * options enabled becomes AdapterPublished (once per run), which inference services consume to
 * hot-load the adapter under its name.
 */
public final class AdapterPublisher implements EventHandler {
  private final ArtifactStore store;
  private final EventProducer producer;

  public AdapterPublisher(ArtifactStore store, EventProducer producer) {
    this.store = store;
    this.producer = producer;
  }

  @Override
  public void handle(ConsumedEvent event) throws Exception {
    TrainingCompleted c = event.payload(TrainingCompleted.class);
    if (!c.getPublish().getEnabled()) {
      return;
    }
    if (!c.hasAdapter() || c.getAdapter().getId().isEmpty() && c.getAdapter().getUri().isEmpty()) {
      throw InvalidEventException.invalid(
          "TrainingCompleted " + c.getRunId() + " asks to publish but names no adapter");
    }
    String name =
        c.getPublish().getAdapterName().isEmpty() ? c.getRunId() : c.getPublish().getAdapterName();
    String manifest =
        c.getAdapter().getId().isEmpty()
            ? ""
            : ArtifactStore.folder(ArtifactKind.ARTIFACT_KIND_ADAPTER)
                + "/"
                + c.getAdapter().getId()
                + "/manifest.json";
    AdapterPublished published =
        AdapterPublished.newBuilder()
            .setAdapterName(name)
            .setRunId(c.getRunId())
            .setAdapter(c.getAdapter())
            .setBaseModel(c.getBaseModel())
            .setManifestPath(manifest)
            .build();
    event.once(
        "publish:" + c.getRunId(),
        () -> {
          producer.sendAndWait(Events.causedBy(event.envelope(), c.getRunId(), published));
          return Map.of("adapter_name", name);
        });
  }
}
