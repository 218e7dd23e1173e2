package dev.armory.cli;

import io.micronaut.context.env.yaml.YamlPropertySourceLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The {@code application.yml} a service ships in its own jar, as properties. In one JVM every
 * Micronaut context reads the first application.yml on the classpath, whichever service it belongs
 * to; {@link EmbeddedPlatform} hands each service its own defaults explicitly instead.
 */
final class ServiceDefaults {
  private ServiceDefaults() {}

  /** The properties of the application.yml beside {@code serviceClass}, or none. */
  static Map<String, Object> of(Class<?> serviceClass) {
    try {
      Path location =
          Path.of(serviceClass.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        Path yml = location.resolve("application.yml");
        if (!Files.isRegularFile(yml)) {
          return Map.of();
        }
        try (InputStream in = Files.newInputStream(yml)) {
          return read(serviceClass, in);
        }
      }
      try (JarFile jar = new JarFile(location.toFile())) {
        ZipEntry entry = jar.getEntry("application.yml");
        if (entry == null) {
          return Map.of();
        }
        try (InputStream in = jar.getInputStream(entry)) {
          return read(serviceClass, in);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the application.yml of " + serviceClass.getName() + ": " + e.getMessage(),
          e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the classes of " + serviceClass.getName(), e);
    }
  }

  private static Map<String, Object> read(Class<?> serviceClass, InputStream in)
      throws IOException {
    return new YamlPropertySourceLoader().read(serviceClass.getSimpleName(), in);
  }
}
