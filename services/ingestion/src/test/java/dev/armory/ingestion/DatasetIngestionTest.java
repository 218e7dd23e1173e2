package dev.armory.ingestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.events.v1.ArtifactKind;
import dev.armory.events.v1.DatasetIngestRequested;
import dev.armory.events.v1.DatasetKind;
import dev.armory.platform.store.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingestion rules without a broker: rejection thresholds, kinds, deterministic splits. */
class DatasetIngestionTest {

  @TempDir Path dir;

  private DatasetIngestion ingestion(ArtifactStore store) {
    return new DatasetIngestion(
        store, new IngestionConfig("ingestion", false, 0.1, 42, 2048, 0.5, 100));
  }

  private Path file(String name, List<String> lines) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, lines);
    return p;
  }

  private static DatasetIngestRequested request(String id, Path source) {
    return DatasetIngestRequested.newBuilder()
        .setDatasetId(id)
        .setSourceUri(source.toString())
        .build();
  }

  @Test
  void mostlyBadDataIsRejectedWithItsLineNumbers() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir.resolve("store"));
    Path source =
        file("bad.jsonl", List.of("{\"text\":\"fine\"}", "oops", "{\"prompt\":\"no completion\"}"));
    DatasetIngestion.Outcome o = ingestion(store).ingest(request("d", source));
    assertEquals(DatasetIngestion.Status.REJECTED, o.status());
    assertTrue(o.rejected().getReason().contains("2 of 3 lines are bad"), o.rejected().getReason());
    assertEquals(
        List.of(2L, 3L), o.rejected().getErrorsList().stream().map(e -> e.getLine()).toList());
    assertTrue(store.list(ArtifactKind.ARTIFACT_KIND_DATASET).isEmpty());

    DatasetIngestion.Outcome lenient =
        ingestion(store)
            .ingest(request("d", source).toBuilder().setMaxBadLineFraction(0.9).build());
    assertEquals(DatasetIngestion.Status.INGESTED, lenient.status());
    assertEquals(1, lenient.ingested().getRecordsAccepted());
  }

  @Test
  void preferencePairsAreStoredAsPreferenceDataAndKindsAreChecked() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir.resolve("store"));
    Path prefs =
        file(
            "prefs.jsonl",
            List.of(
                "{\"prompt\":\"hi\",\"chosen\":\"hello\",\"rejected\":\"go away\"}",
                "{\"prompt\":\"2+2\",\"chosen\":\"4\",\"rejected\":\"5\"}"));
    DatasetIngestion.Outcome wrongKind =
        ingestion(store)
            .ingest(request("p", prefs).toBuilder().setKind(DatasetKind.DATASET_KIND_SFT).build());
    assertEquals(DatasetIngestion.Status.REJECTED, wrongKind.status());
    assertTrue(wrongKind.rejected().getReason().contains("preference pairs"));

    DatasetIngestion.Outcome ok = ingestion(store).ingest(request("p", prefs));
    assertEquals(DatasetKind.DATASET_KIND_PREFERENCE, ok.ingested().getKind());
    assertEquals(2, ok.ingested().getRecordsAccepted());
  }

  @Test
  void theSplitDependsOnContentAndSeedOnlyAndDuplicatesAreRemoved() throws Exception {
    ArtifactStore store = ArtifactStore.open(dir.resolve("store"));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      lines.add("{\"prompt\":\"p" + i + "\",\"completion\":\"c" + i + "\"}");
    }
    lines.add(lines.get(3));
    lines.add("{\"prompt\":\" p7 \",\"completion\":\"c7\"}");
    List<String> reversed = new ArrayList<>(lines);
    java.util.Collections.reverse(reversed);
    DatasetIngestion.Outcome a = ingestion(store).ingest(request("a", file("a.jsonl", lines)));
    DatasetIngestion.Outcome b = ingestion(store).ingest(request("b", file("b.jsonl", reversed)));
    assertEquals(2, a.ingested().getDuplicatesRemoved());
    assertEquals(50, a.ingested().getRecordsAccepted());
    assertEquals(5, a.ingested().getEvalRecords());
    assertEquals(evalPrompts(store, "a"), evalPrompts(store, "b"));
  }

  private static List<String> evalPrompts(ArtifactStore store, String id) throws Exception {
    return Files.readAllLines(
            store.dir(ArtifactKind.ARTIFACT_KIND_DATASET, id).resolve("eval.jsonl"))
        .stream()
        .filter(l -> !l.isBlank())
        .sorted()
        .toList();
  }
}
