package dev.armory.platform.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.ArtifactRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {

  @TempDir Path dir;

  @Test
  void committedArtifactAppearsWithHashesAndLineage() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir);
    ArtifactRef base =
        ArtifactRef.newBuilder()
            .setKind(ArtifactKind.ARTIFACT_KIND_MODEL)
            .setId("tiny-llama")
            .setSha256("ab12")
            .build();
    ArtifactManifest m;
    try (StagedArtifact staged = store.stage(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-1")) {
      Files.writeString(staged.dir().resolve("adapter_config.json"), "{\"r\":8}");
      Files.createDirectories(staged.dir().resolve("sub"));
      Files.write(staged.dir().resolve("sub/weights.bin"), new byte[] {1, 2, 3});
      assertFalse(store.exists(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-1"), "visible too early");
      m =
          staged.commit(
              ManifestDetails.create()
                  .producer("trainer")
                  .parent("base_model", base)
                  .hyperparameter("r", 8)
                  .metric("eval_loss", 1.25)
                  .label("team", "search"));
    }
    assertTrue(store.exists(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-1"));
    Path folder = store.dir(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-1");
    assertEquals(dir.resolve("adapters/run-1"), folder);
    assertEquals(
        List.of("adapter_config.json", "sub/weights.bin"),
        m.files().stream().map(ArtifactManifest.FileEntry::path).toList());
    assertEquals(
        ArtifactStore.sha256(new byte[] {1, 2, 3}), m.files().get(1).sha256(), "file hash");
    assertEquals(10, m.totalBytes());

    ArtifactManifest read = store.manifest(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-1").get();
    assertEquals(m, read);
    assertEquals("base_model", read.parents().get(0).role());
    assertEquals("models", read.parents().get(0).kind());
    assertEquals("ab12", read.parents().get(0).sha256());
    assertEquals(1.25, read.metrics().get("eval_loss"));
    assertEquals(8, read.hyperparameters().get("r"));

    ArtifactRef ref = store.ref(ArtifactKind.ARTIFACT_KIND_ADAPTER, "run-1");
    assertEquals(m.sha256(), ref.getSha256());
    assertEquals(folder, store.resolve(ref));
    assertEquals("adapters/run-1/manifest.json", store.relative(folder.resolve("manifest.json")));
    assertEquals(List.of("run-1"), store.list(ArtifactKind.ARTIFACT_KIND_ADAPTER));
  }

  @Test
  void contentHashFollowsContentNotTime() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir);
    String[] hashes = new String[3];
    String[] texts = {"same", "same", "other"};
    for (int i = 0; i < 3; i++) {
      try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_DATASET, "d" + i)) {
        Files.writeString(s.dir().resolve("train.jsonl"), texts[i]);
        hashes[i] = s.commit(ManifestDetails.create()).sha256();
      }
    }
    assertEquals(hashes[0], hashes[1]);
    assertNotEquals(hashes[0], hashes[2]);
  }

  @Test
  void anArtifactIdIsWrittenOnceAndAbandonedStagingIsRemoved() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir);
    try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_DATASET, "d")) {
      Files.writeString(s.dir().resolve("a.txt"), "first");
      s.commit(ManifestDetails.create());
    }
    Path abandoned;
    try (StagedArtifact s = store.stage(ArtifactKind.ARTIFACT_KIND_DATASET, "d")) {
      abandoned = s.dir();
      Files.writeString(s.dir().resolve("a.txt"), "second");
      ArtifactExistsException e =
          assertThrows(ArtifactExistsException.class, () -> s.commit(ManifestDetails.create()));
      assertEquals("d", e.id());
    }
    assertFalse(Files.exists(abandoned));
    assertEquals(
        "first",
        Files.readString(store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, "d").resolve("a.txt")));
  }

  @Test
  void workDirsGetAManifestWhenFinished() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir);
    Path run = store.workDir(ArtifactKind.ARTIFACT_KIND_RUN, "run-7");
    Files.writeString(run.resolve("metrics.jsonl"), "{\"step\":1}\n");
    assertFalse(store.exists(ArtifactKind.ARTIFACT_KIND_RUN, "run-7"));
    store.writeManifest(ArtifactKind.ARTIFACT_KIND_RUN, "run-7", ManifestDetails.create());
    Files.writeString(run.resolve("metrics.jsonl"), "{\"step\":2}\n", StandardCharsets.UTF_8);
    ArtifactManifest again =
        store.writeManifest(ArtifactKind.ARTIFACT_KIND_RUN, "run-7", ManifestDetails.create());
    assertEquals(1, again.files().size(), "manifest.json is not listed in itself");
    assertEquals(
        ArtifactStore.sha256("{\"step\":2}\n".getBytes(StandardCharsets.UTF_8)),
        again.files().get(0).sha256());
  }

  @Test
  void idsAndUrisAreCheckedAndResolved() {
    ArtifactStore store = ArtifactStore.open(dir);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, "../etc"));
    assertTrue(e.getMessage().contains("'../etc'"), e.getMessage());
    assertEquals(
        Path.of("/data/m"),
        store.resolve(ArtifactRef.newBuilder().setUri("file:///data/m").build()));
    assertEquals(
        dir.resolve("datasets/x/train.jsonl"),
        store.resolve(ArtifactRef.newBuilder().setUri("datasets/x/train.jsonl").build()));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.resolve(ArtifactRef.newBuilder().setUri("s3://bucket/x").build()));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.ref(ArtifactKind.ARTIFACT_KIND_MODEL, "missing"));
  }
}
