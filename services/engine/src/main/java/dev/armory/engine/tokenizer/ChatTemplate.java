package dev.armory.engine.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.JinjavaInterpreterFactory;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import java.io.IOException;
import java.nio.charset.Charset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A Hugging Face chat template ({@code tokenizer_config.json}'s {@code chat_template}, Jinja)
 * rendered with Jinjava, configured to match how transformers renders it: Jinja's {@code
 * trim_blocks} and {@code lstrip_blocks} on, variables {@code messages}, {@code
 * add_generation_prompt}, {@code bos_token}, {@code eos_token}, functions {@code
 * raise_exception(msg)} and {@code strftime_now(format)}, and Python's {@code tojson}.
 *
 * <p>Where Jinjava differs from Jinja2 and how it is bridged:
 *
 * <ul>
 *   <li>Python string methods ({@code .strip()}, {@code .startswith()}, {@code .title()}, {@code
 *       .split()}, ...) do not exist on Java strings: {@link TemplateSandbox} routes them to {@link
 *       PythonStrings}; {@code dict.get(key, default)} likewise.
 *   <li>{@code tojson} is Jackson's compact JSON in Jinjava; replaced by {@link PythonJson}.
 *   <li>Jinjava re-renders {@code {{ }}} found inside rendered values ("nested interpretation"), so
 *       a user message containing {@code {{ 7*7 }}} would be evaluated: turned off.
 *   <li>Jinjava's legacy parsing (operator precedence, whitespace control, map keys) is replaced by
 *       its Jinja-compatible modes, except "whitespace required within tokens", which would reject
 *       {@code {{- x }}} and {@code {{'a'}}}.
 *   <li>Jinjava prints booleans as {@code true}/{@code false}; an interpreter subclass prints
 *       Python's {@code True}/{@code False}.
 *   <li>Jinja drops one trailing newline of the template and reads CRLF as LF; done in {@link
 *       #compile} before Jinjava sees the text.
 *   <li>Jinjava renders an unknown filter or test as empty where Jinja refuses the template; {@link
 *       #compile} refuses templates naming one ({@link TemplateNames}).
 *   <li>{@code s[i]} on strings is undefined in Jinjava; {@link TemplateSandbox} indexes them.
 *   <li>Not bridged: {@code loop.previtem}/{@code loop.nextitem} (use {@code messages[loop.index0 -
 *       1]}); and two closing braces inside an expression, as in a nested dict literal, end the
 *       expression early in Jinjava (put a space between them).
 *   <li>Not bridged: {@code none} prints as "" (Jinja: {@code None}), and an undefined variable
 *       {@code is none} (Jinja: it is not). Real chat templates test for absence with {@code is
 *       defined} and do not print none.
 * </ul>
 *
 * <p>The template is untrusted data: Java methods are out of reach ({@link TemplateSandbox}),
 * {@code include}/{@code import}/{@code extends} are disabled and find no files, and output is
 * capped.
 */
public final class ChatTemplate {
  private static final long MAX_OUTPUT_CHARS = 32L << 20;
  private static final Jinjava ENGINE = newEngine();

  private final String source;
  private final String bosToken;
  private final String eosToken;

  private ChatTemplate(String source, String bosToken, String eosToken) {
    this.source = source;
    this.bosToken = bosToken;
    this.eosToken = eosToken;
  }

  /**
   * A template with the given special tokens bound as {@code bos_token}/{@code eos_token} (either
   * may be null). Fails with {@link ChatTemplateException} when the source does not parse.
   */
  public static ChatTemplate compile(String source, String bosToken, String eosToken) {
    Objects.requireNonNull(source, "source");
    source = asJinjaReadsIt(source);
    JinjavaInterpreter interpreter = ENGINE.newInterpreter();
    JinjavaInterpreter.pushCurrent(interpreter);
    try {
      interpreter.parse(source);
    } catch (RuntimeException e) {
      throw new ChatTemplateException("chat template does not parse: " + e.getMessage(), null, e);
    } finally {
      JinjavaInterpreter.popCurrent();
    }
    List<String> problems = fatal(interpreter.getErrorsCopy());
    if (!problems.isEmpty()) {
      throw new ChatTemplateException(
          "chat template does not parse: " + String.join("; ", problems));
    }
    TemplateNames names = TemplateNames.of(source);
    for (String filter : names.filters) {
      if (ENGINE.getGlobalContext().getFilter(filter) == null) {
        throw new ChatTemplateException(unsupported("filter", filter));
      }
    }
    for (String test : names.tests) {
      if (ENGINE.getGlobalContext().getExpTest(test) == null) {
        throw new ChatTemplateException(unsupported("test", test));
      }
    }
    return new ChatTemplate(source, bosToken, eosToken);
  }

  private static String unsupported(String kind, String name) {
    return "chat template uses the Jinja "
        + kind
        + " '"
        + name
        + "', which Armory's template engine (Jinjava) does not have; rendering without it would"
        + " silently drop text from the prompt. Rewrite that part of the template.";
  }

  /**
   * Jinja reads templates with universal newlines and drops one trailing newline ({@code
   * keep_trailing_newline=False}); Jinjava keeps the text as is.
   */
  private static String asJinjaReadsIt(String source) {
    String text = source.replace("\r\n", "\n").replace('\r', '\n');
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }

  /** The prompt text for {@code messages}; with the assistant header appended when asked. */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    return render(messages, addGenerationPrompt, Map.of());
  }

  /**
   * As {@link #render(List, boolean)}, with extra template variables (e.g. {@code tools}, {@code
   * date_string}); they may override {@code bos_token}/{@code eos_token} but not {@code messages}
   * or {@code add_generation_prompt}.
   */
  public String render(
      List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> variables) {
    List<Map<String, Object>> turns = new ArrayList<>(messages.size());
    for (ChatMessage message : messages) {
      Map<String, Object> turn = new LinkedHashMap<>(); // role first, as tojson would print it
      turn.put("role", message.role());
      turn.put("content", message.content());
      turns.add(turn);
    }
    Map<String, Object> bindings = new HashMap<>();
    bindings.put("bos_token", bosToken);
    bindings.put("eos_token", eosToken);
    bindings.putAll(variables);
    bindings.put("messages", turns);
    bindings.put("add_generation_prompt", addGenerationPrompt);

    RenderResult result = ENGINE.renderForResult(source, bindings);
    for (TemplateError error : result.getErrors()) {
      TemplateRaise raised = raisedBy(error.getException());
      if (raised != null) {
        throw new ChatTemplateException(
            "chat template rejected the conversation: " + raised.getMessage(),
            raised.getMessage(),
            raised);
      }
    }
    List<String> problems = fatal(result.getErrors());
    if (!problems.isEmpty()) {
      throw new ChatTemplateException("chat template failed: " + String.join("; ", problems));
    }
    return result.getOutput();
  }

  /** The Jinja source, as rendered (newlines normalised, one trailing newline dropped). */
  public String source() {
    return source;
  }

  private static List<String> fatal(List<TemplateError> errors) {
    List<String> problems = new ArrayList<>();
    for (TemplateError error : errors) {
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        problems.add("line " + error.getLineno() + ": " + error.getMessage());
      }
    }
    return problems;
  }

  private static TemplateRaise raisedBy(Throwable t) {
    for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
      if (t instanceof TemplateRaise raise) {
        return raise;
      }
    }
    return null;
  }

  private static Jinjava newEngine() {
    JinjavaConfig config =
        JinjavaConfig.newBuilder()
            .withTrimBlocks(true)
            .withLstripBlocks(true)
            .withNestedInterpretationEnabled(false)
            .withLegacyOverrides(
                LegacyOverrides.Builder.from(LegacyOverrides.ALL)
                    .withWhitespaceRequiredWithinTokens(false)
                    .build())
            .withElResolver(new TemplateSandbox())
            .withDisabled(
                Map.of(Context.Library.TAG, Set.of("include", "import", "from", "extends")))
            .withMaxOutputSize(MAX_OUTPUT_CHARS)
            .withInterperterFactory(new PythonPrinting()) // sic: Jinjava spells it so
            .build();
    Jinjava jinjava = new Jinjava(config);
    jinjava.setResourceLocator(ChatTemplate::noResources);
    jinjava.registerFilter(new PythonJson());
    jinjava.registerFunction(
        new ELFunctionDefinition(
            "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    jinjava.registerFunction(
        new ELFunctionDefinition(
            "", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
    return jinjava;
  }

  private static String noResources(String name, Charset encoding, JinjavaInterpreter interpreter)
      throws IOException {
    throw new IOException("chat templates cannot load other files (asked for '" + name + "')");
  }

  /** {@code raise_exception(msg)}: how templates reject a conversation they cannot format. */
  static Object raiseException(String message) {
    throw new TemplateRaise(message);
  }

  /** {@code strftime_now(format)}: the current local time in a Python strftime format. */
  static String strftimeNow(String format) {
    return StrftimeFormatter.format(ZonedDateTime.now(), format);
  }

  /** Prints booleans as Python does ({@code True}/{@code False}); Jinjava prints them lowercase. */
  private static final class PythonPrinting extends JinjavaInterpreterFactory {
    @Override
    public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
      return new Interpreter(orig);
    }

    @Override
    public JinjavaInterpreter newInstance(Jinjava jinjava, Context context, JinjavaConfig config) {
      return new Interpreter(jinjava, context, config);
    }
  }

  private static final class Interpreter extends JinjavaInterpreter {
    Interpreter(Jinjava jinjava, Context context, JinjavaConfig config) {
      super(jinjava, context, config);
    }

    Interpreter(JinjavaInterpreter orig) {
      super(orig);
    }

    @Override
    public String getAsString(Object object) {
      if (object instanceof Boolean b) {
        return b ? "True" : "False";
      }
      return super.getAsString(object);
    }
  }

  /** Thrown through Jinjava by {@code raise_exception}; unwrapped into ChatTemplateException. */
  static final class TemplateRaise extends RuntimeException {
    TemplateRaise(String message) {
      super(message, null, false, false);
    }
  }
}
