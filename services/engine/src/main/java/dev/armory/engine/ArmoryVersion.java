package dev.armory.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Armory's version, written into the models and manifests it produces. */
public final class ArmoryVersion {
  /** The version from the build (filtered into a resource), or "dev" when run from sources. */
  public static final String VERSION = load();

  private ArmoryVersion() {}

  private static String load() {
    try (InputStream in = ArmoryVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
