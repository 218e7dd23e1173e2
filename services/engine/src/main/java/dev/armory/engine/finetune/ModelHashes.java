package dev.armory.engine.finetune;

import dev.armory.engine.hf.HfModelDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Content hashes that identify a base model in lineage records. */
public final class ModelHashes {
  private ModelHashes() {}

  /** sha256 over config.json and every weight file, in name order ("sha256:<hex>"). */
  public static String sha256(HfModelDir model) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(model.directory().resolve("config.json"));
    files.addAll(model.weights().files());
    files.sort(null);
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
    byte[] buffer = new byte[1 << 20];
    for (Path f : files) {
      digest.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      try (InputStream in = Files.newInputStream(f)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }
}
