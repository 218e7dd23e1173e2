package dev.armory.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code armory up} in its own JVM: it prints where things listen, serves, and stops on SIGTERM.
 */
class UpCommandTest {
  @TempDir Path dir;

  @Test
  void upServesUntilSigtermThenStopsServicesBeforeTheBroker() throws Exception {
    Path classpath = pathingJar(dir.resolve("classpath.jar"));
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "-cp",
                classpath.toString(),
                "dev.armory.cli.Armory",
                "up",
                "--data-dir",
                dir.resolve("data").toString(),
                "--kafka-port",
                "0",
                "--grpc-port",
                "0",
                "--http-port",
                "-1")
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!read(stdout).contains("Ctrl-C stops")) {
        assertTrue(
            p.isAlive(),
            "armory up exited early ("
                + (p.isAlive() ? "" : p.exitValue())
                + "):\n"
                + read(stdout)
                + read(stderr));
        assertTrue(System.nanoTime() < deadline, "armory up not ready:\n" + read(stdout));
        Thread.sleep(200);
      }
      String text = read(stdout);
      assertTrue(text.contains("embedded KRaft broker"), text);
      assertTrue(text.contains("models/tiny-llama"), text);
      Matcher grpc = Pattern.compile("gRPC localhost:(\\d+)").matcher(text);
      assertTrue(grpc.find(), text);
      try (InferenceClient client =
          new InferenceClient("localhost", Integer.parseInt(grpc.group(1)))) {
        // the gRPC API answers (the tiny random model's text itself may be blank)
        assertNotNull(client.ask("What is the capital of France?", "", 4));
      }

      p.destroy(); // SIGTERM, as Ctrl-C or Kubernetes would send
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "armory up did not stop on SIGTERM");
    } finally {
      p.destroyForcibly();
    }
    String all = read(stdout);
    assertEquals(143, p.exitValue(), all + read(stderr));
    assertTrue(all.contains("armory: stopped"), all + read(stderr));
    assertTrue(
        Files.isDirectory(dir.resolve("data/kafka")), "the broker's data stays for the next start");
  }

  /**
   * A jar whose manifest holds the test classpath, so the child starts the way {@code java -jar
   * armory.jar} does. (With the same entries given as a long -cp, the child crashed with SIGSEGV
   * while ONNX Runtime loaded its native library, after the broker and HTTP server were up.)
   */
  private static Path pathingJar(Path jar) throws IOException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    StringBuilder entries = new StringBuilder();
    for (String e : classpath.split(File.pathSeparator)) {
      Path p = Path.of(e);
      entries.append(' ').append(p.toUri());
    }
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, entries.toString().trim());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
      out.flush();
    }
    return jar;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
