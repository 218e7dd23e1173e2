package dev.armory.engine.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.fixtures.SharedModels;
import dev.armory.engine.generate.FullRecomputeGenerator;
import dev.armory.engine.generate.TokenChooser;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.runtime.SessionConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real stories260K checkpoint: graph logits and greedy decoding against the Java reference. */
class Stories260KReferenceTest {
  /**
   * "Once upon a time" with BOS, as stories260K's tokenizer.json encodes it (Prepend "▁", BPE
   * merges): &lt;s&gt; ▁Once ▁upon ▁a ▁time. Derived by hand from the merges until the tokenizer
   * package lands; then encode the prompt with it.
   */
  static final long[] ONCE_UPON_A_TIME = {1, 403, 407, 261, 378};

  static final int NEW_TOKENS = 50;

  static Path modelDir;

  @BeforeAll
  static void findModel() {
    Optional<Path> dir = SharedModels.stories260K();
    if (dir.isEmpty()) {
      System.out.println(SharedModels.stories260KAbsentReason());
    }
    modelDir = dir.orElse(null);
  }

  @Test
  void graphLogitsMatchReference() throws Exception {
    assumeTrue(modelDir != null, SharedModels.stories260KAbsentReason());
    try (HfModelDir model = HfModelDir.open(modelDir)) {
      CheckpointBinding checkpoint = ModelArchitecture.of(model.config()).bind(model.weights());
      // Row 0: the prompt and arbitrary further tokens; row 1: its first 10 tokens left-padded by
      // 4.
      long[] story = {1, 403, 407, 261, 378, 430, 381, 261, 315, 270, 270, 336, 284, 289};
      int seq = story.length;
      long[] ids = new long[2 * seq];
      long[] mask = new long[2 * seq];
      System.arraycopy(story, 0, ids, 0, seq);
      System.arraycopy(story, 0, ids, seq + 4, seq - 4);
      for (int t = 0; t < 2 * seq; t++) {
        mask[t] = t < seq || t >= seq + 4 ? 1 : 0;
      }
      long[] positions = Positions.fromMask(mask, 2, seq);
      double[][][] expected = new LlamaReference(checkpoint).logits(ids, mask, positions, 2, seq);
      double[][][] actual;
      try (ForwardRunner graph = new ForwardRunner(checkpoint)) {
        actual = graph.logits(ids, mask, positions, 2, seq);
      }
      double worst = 0;
      double largest = 0;
      for (int b = 0; b < 2; b++) {
        for (int t = 0; t < seq; t++) {
          if (mask[b * seq + t] == 0) {
            continue;
          }
          for (int v = 0; v < expected[b][t].length; v++) {
            worst = Math.max(worst, Math.abs(expected[b][t][v] - actual[b][t][v]));
            largest = Math.max(largest, Math.abs(expected[b][t][v]));
          }
        }
      }
      System.out.printf(
          "stories260K: graph vs reference max abs diff %.3e (max |logit| %.2f)%n", worst, largest);
      assertTrue(worst <= ReferenceParityTest.TOLERANCE, "max abs diff " + worst);
    }
  }

  @Test
  void greedyStoryMatchesReferenceTokenForToken() throws Exception {
    assumeTrue(modelDir != null, SharedModels.stories260KAbsentReason());
    try (HfModelDir model = HfModelDir.open(modelDir)) {
      CheckpointBinding checkpoint = ModelArchitecture.of(model.config()).bind(model.weights());
      long[] expected = new LlamaReference(checkpoint).greedy(ONCE_UPON_A_TIME, NEW_TOKENS);
      long[] actual;
      try (FullRecomputeGenerator g =
          new FullRecomputeGenerator(checkpoint, SessionConfig.defaults())) {
        actual =
            g.generate(ONCE_UPON_A_TIME, NEW_TOKENS, Set.of(), TokenChooser.greedy(), t -> {})
                .newTokens();
      }
      Map<Long, String> pieces = pieces(modelDir.resolve("tokenizer.json"));
      long[] all = concat(ONCE_UPON_A_TIME, actual);
      System.out.println("stories260K greedy (graph):     " + decode(pieces, all));
      System.out.println(
          "stories260K greedy (reference): " + decode(pieces, concat(ONCE_UPON_A_TIME, expected)));
      assertArrayEquals(expected, actual, "graph and reference decode differently");
    }
  }

  private static long[] concat(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** id → piece from tokenizer.json's BPE vocab (until the tokenizer package lands). */
  private static Map<Long, String> pieces(Path tokenizerJson) throws Exception {
    JsonNode vocab =
        new ObjectMapper().readTree(tokenizerJson.toFile()).path("model").path("vocab");
    Map<Long, String> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getValue().asLong(), e.getKey());
    }
    return out;
  }

  /**
   * The SentencePiece-style decoder of tokenizer.json: "▁" → space, &lt;0xNN&gt; → that byte,
   * special tokens dropped, one leading space stripped.
   */
  private static String decode(Map<Long, String> pieces, long[] ids) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (long id : ids) {
      String p = pieces.get(id);
      if (id <= 2 || p == null) {
        if (id == 1 && bytes.size() > 0) {
          bytes.writeBytes("\n<s>".getBytes(StandardCharsets.UTF_8)); // a new story starts
        }
        continue;
      }
      if (p.matches("<0x[0-9A-F]{2}>")) {
        bytes.write(Integer.parseInt(p.substring(3, 5), 16));
      } else {
        bytes.writeBytes(p.replace('▁', ' ').getBytes(StandardCharsets.UTF_8));
      }
    }
    String s = bytes.toString(StandardCharsets.UTF_8);
    return s.startsWith(" ") ? s.substring(1) : s;
  }
}
