package dev.armory.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Token strings and ids of a {@code tokenizer.json}: the model's vocabulary (an object for BPE,
 * WordPiece and WordLevel; a list of {@code [piece, score]} for Unigram) joined with {@code
 * added_tokens}. Read from the JSON because the native binding exposes no id-to-token lookup.
 */
final class Vocabulary {
  private final Map<String, Integer> ids;
  private final String[] tokens; // by id; null where no token has that id
  private final Set<Integer> specialIds;

  private Vocabulary(Map<String, Integer> ids, String[] tokens, Set<Integer> specialIds) {
    this.ids = ids;
    this.tokens = tokens;
    this.specialIds = specialIds;
  }

  static Vocabulary of(Path file, JsonNode root) {
    Map<String, Integer> ids = new HashMap<>();
    JsonNode model = root.path("model");
    JsonNode vocab = model.path("vocab");
    if (vocab.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (!entry.getValue().canConvertToInt() || entry.getValue().intValue() < 0) {
          throw new TokenizerException(
              file
                  + ": model.vocab maps '"
                  + entry.getKey()
                  + "' to "
                  + entry.getValue()
                  + ", expected a non-negative integer id");
        }
        ids.put(entry.getKey(), entry.getValue().intValue());
      }
    } else if (vocab.isArray()) {
      int id = 0;
      for (JsonNode piece : vocab) {
        if (!piece.isArray() || !piece.path(0).isTextual()) {
          throw new TokenizerException(
              file + ": model.vocab entry " + id + " is " + piece + ", expected [piece, score]");
        }
        ids.put(piece.path(0).textValue(), id++);
      }
    } else {
      throw new TokenizerException(
          file
              + ": model.vocab is missing (model type "
              + model.path("type").asText("?")
              + "); the file is not a Hugging Face tokenizers file");
    }

    Set<Integer> special = new TreeSet<>();
    for (JsonNode added : root.path("added_tokens")) {
      JsonNode content = added.path("content");
      JsonNode id = added.path("id");
      if (!content.isTextual() || !id.canConvertToInt() || id.intValue() < 0) {
        throw new TokenizerException(
            file
                + ": added_tokens entry "
                + added
                + " needs a string 'content' and an integer 'id'");
      }
      ids.put(content.textValue(), id.intValue());
      if (added.path("special").asBoolean(false)) {
        special.add(id.intValue());
      }
    }

    int maxId = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    String[] tokens = new String[maxId + 1];
    for (Map.Entry<String, Integer> entry : ids.entrySet()) {
      tokens[entry.getValue()] = entry.getKey();
    }
    return new Vocabulary(ids, tokens, Collections.unmodifiableSet(special));
  }

  /** Number of distinct tokens, as {@code len(tokenizer)} counts them in transformers. */
  int size() {
    return ids.size();
  }

  /** One past the largest id: the row count an embedding matrix needs. */
  int idLimit() {
    return tokens.length;
  }

  OptionalInt id(String token) {
    Integer id = ids.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  boolean contains(int id) {
    return id >= 0 && id < tokens.length && tokens[id] != null;
  }

  String token(int id) {
    if (!contains(id)) {
      throw new IllegalArgumentException(
          "token id "
              + id
              + " is not in the vocabulary (ids run from 0 to "
              + (idLimit() - 1)
              + ")");
    }
    return tokens[id];
  }

  Set<Integer> specialIds() {
    return specialIds;
  }
}
