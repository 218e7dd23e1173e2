package dev.armory.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A PrintStream over picocli's PrintWriter, so engine code that prints lands in the command's out.
 */
final class WriterPrintStream {
  private WriterPrintStream() {}

  static PrintStream of(PrintWriter writer) {
    OutputStream bytes =
        new OutputStream() {
          private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

          @Override
          public void write(int b) {
            pending.write(b);
            if (b == '\n') {
              flush();
            }
          }

          @Override
          public void flush() {
            writer.write(pending.toString(StandardCharsets.UTF_8));
            writer.flush();
            pending.reset();
          }
        };
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
