package dev.armory.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.generate.GenerationRequest;
import dev.armory.engine.generate.GenerationResult;
import dev.armory.engine.hf.ModelType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** armory serve in this JVM, and armory generate --server against it. */
class ServeCommandTest {
  static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");

  @TempDir Path dir;

  @Test
  void generateAgainstServeStreamsWhatTheEngineGenerates() throws Exception {
    Path model = dir.resolve("tiny");
    TinyModelGenerator.generate(ModelType.QWEN2, model, 3);
    StringWriter serveOut = new StringWriter();
    CommandLine serve = Armory.commandLine();
    serve.setOut(new PrintWriter(serveOut, true));
    serve.setErr(new PrintWriter(new StringWriter(), true));
    CompletableFuture<Integer> serving =
        CompletableFuture.supplyAsync(
            () ->
                serve.execute(
                    "serve", "--model", model.toString(), "--port", "0", "--metrics-port", "0"));
    ServeCommand command = serve.getSubcommands().get("serve").getCommand();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> LISTENING.matcher(serveOut.toString()).find() || serving.isDone());
    Matcher listening = LISTENING.matcher(serveOut.toString());
    assertTrue(listening.find(), "serve printed: " + serveOut);
    assertTrue(
        serveOut.toString().contains("model 'tiny' (qwen2, fp32 weights"), serveOut.toString());
    String server = "localhost:" + listening.group(1);
    try {
      String prompt = "Hello there";
      CliRun run =
          CliRun.of("generate", "--server", server, "--prompt", prompt, "--max-new-tokens", "8");
      System.out.println(run.out() + run.err());
      assertEquals(0, run.exitCode(), run.err());
      String expected;
      try (DecodeEngine engine = DecodeEngine.open(model, EngineConfig.defaults())) {
        GenerationResult r =
            engine.generate(GenerationRequest.greedy(engine.encode(prompt, true), 8));
        expected = prompt + r.text();
      }
      assertEquals(expected + System.lineSeparator(), run.out());
      assertTrue(run.err().contains("prompt tokens: "), run.err());
      assertTrue(run.err().contains("[model tiny"), run.err());

      CliRun chat =
          CliRun.of(
              "generate", "--server", server, "--prompt", "Hi", "--chat", "--max-new-tokens", "4");
      assertEquals(0, chat.exitCode(), chat.err());
      assertTrue(chat.err().contains("new tokens: "), chat.err());

      CliRun unknown =
          CliRun.of("generate", "--server", server, "--prompt", "Hi", "--adapter", "nope");
      assertEquals(1, unknown.exitCode());
      assertTrue(unknown.err().contains("answered NOT_FOUND"), unknown.err());
      assertTrue(!unknown.err().contains("\tat "), unknown.err());
    } finally {
      command.server.close();
    }
    assertEquals(0, serving.get().intValue());
  }

  @Test
  void generateNeedsExactlyOneOfModelAndServer() {
    CliRun neither = CliRun.of("generate", "--prompt", "x");
    assertEquals(2, neither.exitCode());
    assertTrue(neither.err().contains("--model DIR"), neither.err());
    CliRun adapterLocally =
        CliRun.of("generate", "--model", dir.toString(), "--prompt", "x", "--adapter", "a");
    assertEquals(2, adapterLocally.exitCode());
    assertTrue(adapterLocally.err().contains("--adapter need --server"), adapterLocally.err());
  }

  @Test
  void serveHelpDescribesEveryOption() {
    CliRun run = CliRun.of("serve", "--help");
    assertEquals(0, run.exitCode());
    for (String option :
        new String[] {
          "--model",
          "--adapters",
          "--adapter-root",
          "--port",
          "--host",
          "--model-id",
          "--weights",
          "--threads",
          "--max-batch-size",
          "--max-queued-requests",
          "--max-prompt-tokens",
          "--max-tokens",
          "--default-max-tokens",
          "--kv-cache-bytes",
          "--adapter-cache-bytes",
          "--shutdown-grace"
        }) {
      Matcher m = Pattern.compile(Pattern.quote(option) + "=\\S+\\s+\\S").matcher(run.out());
      assertTrue(m.find(), option + " is described in:\n" + run.out());
    }
  }
}
