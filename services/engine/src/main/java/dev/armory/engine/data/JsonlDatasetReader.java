package dev.armory.engine.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a JSONL dataset: one JSON object per line, blank lines ignored, UTF-8 (a leading byte order
 * mark is allowed). Each line is validated and normalised by its format (detected from its keys
 * unless {@link ReadOptions#format()} fixes it). The first bad line fails the load with "FILE line
 * N: reason"; with {@link ReadOptions#skipBadLines()} bad lines are skipped and listed instead, and
 * every good line is kept.
 */
public final class JsonlDatasetReader {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonlDatasetReader() {}

  /** Reads a JSONL file. */
  public static Dataset read(Path file, ReadOptions options) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(file.toString(), in, options);
    } catch (NoSuchFileException e) {
      throw new DatasetException(
          file.toString(), file + ": no such file; check the dataset path", e);
    } catch (IOException e) {
      throw new DatasetException(
          file.toString(), file + ": cannot be read (" + e.getMessage() + ")", e);
    }
  }

  /** Reads JSONL from a stream (e.g. an upload); {@code source} names it in messages. */
  public static Dataset read(String source, InputStream in, ReadOptions options) {
    MessageDigest sha256 = sha256();
    List<DatasetLine> records = new ArrayList<>();
    List<BadLine> badLines = new ArrayList<>();
    DatasetLine first = null;
    int lineNumber = 0;
    try (InputStream digesting = new DigestInputStream(in, sha256)) {
      LineSplitter lines = new LineSplitter(digesting);
      byte[] bytes;
      while ((bytes = lines.next()) != null) {
        lineNumber++;
        DatasetLine parsed;
        try {
          parsed = parseLine(bytes, lineNumber, options);
          if (parsed == null) {
            continue; // blank line
          }
          if (first == null) {
            first = parsed;
          } else {
            checkCompatible(first, parsed, options);
          }
        } catch (InvalidRecordException e) {
          BadLine bad = new BadLine(lineNumber, e.getMessage());
          if (!options.skipBadLines()) {
            throw new DatasetException(
                source,
                List.of(bad),
                source
                    + " line "
                    + lineNumber
                    + ": "
                    + e.getMessage()
                    + " (fix the line, or skip bad lines to load the rest)");
          }
          badLines.add(bad);
          continue;
        }
        records.add(parsed);
      }
    } catch (IOException e) {
      throw new DatasetException(
          source,
          source + ": read failed after line " + lineNumber + " (" + e.getMessage() + ")",
          e);
    }
    if (records.isEmpty()) {
      StringBuilder message = new StringBuilder(source).append(": no usable records");
      message.append(
          badLines.isEmpty()
              ? " (the file is empty or blank)"
              : " (" + badLines.size() + " bad lines skipped)");
      for (BadLine bad : badLines.subList(0, Math.min(10, badLines.size()))) {
        message.append("\n  ").append(bad);
      }
      throw new DatasetException(source, badLines, message.toString());
    }
    return new Dataset(
        source, records, badLines, HexFormat.of().formatHex(sha256.digest()), lineNumber);
  }

  /** Splits a stream at '\n' into byte lines, reading it in large chunks. */
  private static final class LineSplitter {
    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
    private int position;
    private int limit;
    private boolean ended;

    LineSplitter(InputStream in) {
      this.in = in;
    }

    /** The next line without its '\n', or null at the end (a final line needs no '\n'). */
    byte[] next() throws IOException {
      line.reset();
      while (true) {
        if (position == limit) {
          if (ended) {
            return null;
          }
          limit = in.read(chunk);
          position = 0;
          if (limit <= 0) {
            limit = 0;
            ended = true;
            return line.size() > 0 ? line.toByteArray() : null;
          }
        }
        int start = position;
        while (position < limit && chunk[position] != '\n') {
          position++;
        }
        line.write(chunk, start, position - start);
        if (position < limit) {
          position++; // the '\n'
          return line.toByteArray();
        }
      }
    }
  }

  private static DatasetLine parseLine(byte[] bytes, int lineNumber, ReadOptions options)
      throws InvalidRecordException {
    int start = 0;
    int end = bytes.length;
    if (lineNumber == 1
        && end >= 3
        && (bytes[0] & 0xff) == 0xEF
        && (bytes[1] & 0xff) == 0xBB
        && (bytes[2] & 0xff) == 0xBF) {
      start = 3;
    }
    if (end > start && bytes[end - 1] == '\r') {
      end--;
    }
    String text = decodeUtf8(bytes, start, end);
    if (text.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      long column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
      throw new InvalidRecordException(
          "not valid JSON ("
              + e.getOriginalMessage()
              + (column > 0 ? " at column " + column : "")
              + ")");
    }
    RecordParser.Parsed parsed = RecordParser.parse(node, options.format());
    return new DatasetLine(lineNumber, parsed.format(), parsed.record());
  }

  private static String decodeUtf8(byte[] bytes, int start, int end) throws InvalidRecordException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidRecordException(
          "not valid UTF-8; save the file as UTF-8 (JSONL is UTF-8 by definition)");
    }
  }

  private static void checkCompatible(DatasetLine first, DatasetLine line, ReadOptions options)
      throws InvalidRecordException {
    if (first.record().isPreference() != line.record().isPreference()) {
      throw new InvalidRecordException(
          "is "
              + (line.record().isPreference()
                  ? "a preference pair"
                  : "supervised data (" + line.format() + ")")
              + " but line "
              + first.line()
              + " is "
              + (first.record().isPreference()
                  ? "a preference pair"
                  : "supervised data (" + first.format() + ")")
              + "; preference pairs and supervised records cannot share a dataset");
    }
    if (!options.allowMixedFormats() && first.format() != line.format()) {
      throw new InvalidRecordException(
          "is "
              + line.format()
              + " but line "
              + first.line()
              + " is "
              + first.format()
              + "; a dataset holds one format (allow mixed formats to combine them)");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
