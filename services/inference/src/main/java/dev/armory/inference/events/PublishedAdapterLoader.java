package dev.armory.inference.events;

import dev.armory.events.v1.AdapterPublished;
import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import dev.armory.inference.AdapterService;
import dev.armory.platform.events.ConsumedEvent;
import dev.armory.platform.events.EventHandler;
import dev.armory.platform.events.InvalidEventException;
import dev.armory.platform.store.ArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot-loads each published adapter into the running server under its published name, so a finished
 * run is servable without a restart. An adapter for another base model is skipped (other servers
 * serve it); one whose files are unreadable for this model is logged and skipped; an adapter id
 * busy with running requests is retried.
 */
public final class PublishedAdapterLoader implements EventHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PublishedAdapterLoader.class);

  private final AdapterService adapters;
  private final ArtifactStore store;
  private final Path servedModel;
  private final boolean requireSameBase;

  public PublishedAdapterLoader(
      AdapterService adapters, ArtifactStore store, Path servedModel, boolean requireSameBase) {
    this.adapters = adapters;
    this.store = store;
    this.servedModel = servedModel;
    this.requireSameBase = requireSameBase;
  }

  @Override
  public void handle(ConsumedEvent event) throws InvalidEventException {
    AdapterPublished p = event.payload(AdapterPublished.class);
    String name = p.getAdapterName().isEmpty() ? p.getRunId() : p.getAdapterName();
    if (name.isEmpty() || (p.getAdapter().getId().isEmpty() && p.getAdapter().getUri().isEmpty())) {
      throw InvalidEventException.invalid(
          "AdapterPublished "
              + event.envelope().getEventId()
              + " names no adapter or adapter_name");
    }
    Path dir = store.resolve(withKind(p.getAdapter(), ArtifactKind.ARTIFACT_KIND_ADAPTER));
    if (requireSameBase && !servesBase(p.getBaseModel())) {
      LOG.info(
          "adapter '{}' was trained on {}; this server serves {}: not loading it",
          name,
          describe(p.getBaseModel()),
          servedModel);
      return;
    }
    if (!Files.isRegularFile(dir.resolve("adapter_config.json"))) {
      LOG.warn("adapter '{}': {} has no adapter_config.json; not loading it", name, dir);
      return;
    }
    try {
      adapters.hotLoad(name, dir);
    } catch (IOException e) {
      LOG.warn(
          "adapter '{}' from {} cannot be served by this model: {}", name, dir, e.getMessage());
    }
  }

  private boolean servesBase(ArtifactRef base) {
    if (base.getId().isEmpty() && base.getUri().isEmpty()) {
      return true; // unknown: let the load decide
    }
    try {
      Path p = store.resolve(withKind(base, ArtifactKind.ARTIFACT_KIND_MODEL));
      return Files.exists(p) && p.toRealPath().equals(servedModel.toRealPath());
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private static ArtifactRef withKind(ArtifactRef ref, ArtifactKind kind) {
    return ref.getKind() == ArtifactKind.ARTIFACT_KIND_UNSPECIFIED
        ? ref.toBuilder().setKind(kind).build()
        : ref;
  }

  private static String describe(ArtifactRef ref) {
    return ref.getId().isEmpty() ? ref.getUri() : "models/" + ref.getId();
  }
}
