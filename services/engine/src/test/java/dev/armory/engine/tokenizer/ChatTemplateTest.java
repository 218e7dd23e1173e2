package dev.armory.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Year;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Templates written in the shape of real models' chat templates (ChatML/Qwen2, Llama 2, Llama 3,
 * Mistral), rendered to exact strings. The expected strings were cross-checked with Python Jinja2
 * configured as transformers configures it (sandboxed, trim_blocks, lstrip_blocks).
 */
class ChatTemplateTest {
  /** ChatML as Qwen2 writes it: a default system prompt when the conversation has none. */
  static final String QWEN2 =
      """
      {%- for message in messages %}
          {%- if loop.first and message['role'] != 'system' %}
              {{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}
          {%- endif %}
          {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}
      {%- endfor %}
      {%- if add_generation_prompt %}
          {{- '<|im_start|>assistant\\n' }}
      {%- endif %}
      """;

  /** Llama 2: system prompt folded into the first user turn, strict user/assistant order. */
  static final String LLAMA2 =
      "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
          + "{% set system_message = messages[0]['content'] %}"
          + "{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
          + "{% for message in loop_messages %}"
          + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
          + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
          + "{% endif %}"
          + "{% if loop.index0 == 0 and system_message != false %}"
          + "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
          + "{% else %}{% set content = message['content'] %}{% endif %}"
          + "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
          + "{% elif message['role'] == 'assistant' %}{{ ' ' + content.strip() + ' ' + eos_token }}"
          + "{% endif %}{% endfor %}";

  /** Llama 3: header tokens per turn, trimmed content, BOS before the first turn. */
  static final String LLAMA3 =
      """
      {%- set loop_messages = messages %}
      {%- for message in loop_messages %}
          {%- set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' %}
          {%- if loop.index0 == 0 %}
              {%- set content = bos_token + content %}
          {%- endif %}
          {{- content }}
      {%- endfor %}
      {%- if add_generation_prompt %}
          {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
      {%- endif %}
      """;

  /** Mistral: [INST] turns, the system prompt prepended to the last user turn. */
  static final String MISTRAL =
      """
      {%- if messages[0]['role'] == 'system' %}
          {%- set system_message = messages[0]['content'] %}
          {%- set loop_messages = messages[1:] %}
      {%- else %}
          {%- set loop_messages = messages %}
      {%- endif %}
      {{- bos_token }}
      {%- for message in loop_messages %}
          {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
              {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant/...') }}
          {%- endif %}
          {%- if message['role'] == 'user' %}
              {%- if loop.last and system_message is defined %}
                  {{- '[INST] ' + system_message + '\\n\\n' + message['content'] + '[/INST]' }}
              {%- else %}
                  {{- '[INST] ' + message['content'] + '[/INST]' }}
              {%- endif %}
          {%- elif message['role'] == 'assistant' %}
              {{- ' ' + message['content'] + eos_token }}
          {%- endif %}
      {%- endfor %}
      """;

  /** Whitespace around content on purpose: templates that strip/trim must show it. */
  static final List<ChatMessage> CONVERSATION =
      List.of(
          ChatMessage.system("You are a pirate."),
          ChatMessage.user("Hello!"),
          ChatMessage.assistant("Arr, hello. "),
          ChatMessage.user(" Where is the treasure?"));

  static final List<ChatMessage> NO_SYSTEM = CONVERSATION.subList(1, CONVERSATION.size());

  static final List<ChatMessage> TWO_USERS = List.of(ChatMessage.user("a"), ChatMessage.user("b"));

  @Test
  void qwen2ChatMl() {
    ChatTemplate template = ChatTemplate.compile(QWEN2, null, "<|im_end|>");
    assertEquals(
        "<|im_start|>system\nYou are a pirate.<|im_end|>\n"
            + "<|im_start|>user\nHello!<|im_end|>\n"
            + "<|im_start|>assistant\nArr, hello. <|im_end|>\n"
            + "<|im_start|>user\n Where is the treasure?<|im_end|>\n"
            + "<|im_start|>assistant\n",
        template.render(CONVERSATION, true));
    assertEquals(
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\nHello!<|im_end|>\n"
            + "<|im_start|>assistant\nArr, hello. <|im_end|>\n"
            + "<|im_start|>user\n Where is the treasure?<|im_end|>\n",
        template.render(NO_SYSTEM, false));
  }

  @Test
  void llama2WithSystemPrompt() {
    ChatTemplate template = ChatTemplate.compile(LLAMA2, "<s>", "</s>");
    assertEquals(
        "<s>[INST] <<SYS>>\nYou are a pirate.\n<</SYS>>\n\nHello! [/INST] Arr, hello. </s>"
            + "<s>[INST] Where is the treasure? [/INST]",
        template.render(CONVERSATION, true));
    assertEquals(
        "<s>[INST] Hello! [/INST] Arr, hello. </s><s>[INST] Where is the treasure? [/INST]",
        template.render(NO_SYSTEM, true));
  }

  @Test
  void llama2RejectsWrongRoleAlternation() {
    ChatTemplate template = ChatTemplate.compile(LLAMA2, "<s>", "</s>");
    ChatTemplateException e =
        assertThrows(ChatTemplateException.class, () -> template.render(TWO_USERS, true));
    assertTrue(e.raisedByTemplate());
    assertEquals(
        "Conversation roles must alternate user/assistant/user/assistant/...", e.templateMessage());
    assertTrue(e.getMessage().contains(e.templateMessage()), e.getMessage());
  }

  @Test
  void llama3HeaderTokens() {
    ChatTemplate template = ChatTemplate.compile(LLAMA3, "<|begin_of_text|>", "<|eot_id|>");
    assertEquals(
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a pirate.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nArr, hello.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWhere is the treasure?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n",
        template.render(CONVERSATION, true));
  }

  @Test
  void mistralInstWithSystemPromptOnTheLastTurn() {
    ChatTemplate template = ChatTemplate.compile(MISTRAL, "<s>", "</s>");
    assertEquals(
        "<s>[INST] Hello![/INST] Arr, hello. </s>"
            + "[INST] You are a pirate.\n\n Where is the treasure?[/INST]",
        template.render(CONVERSATION, true));
    assertEquals(
        "<s>[INST] Hello![/INST] Arr, hello. </s>[INST]  Where is the treasure?[/INST]",
        template.render(NO_SYSTEM, true));
    ChatTemplateException e =
        assertThrows(ChatTemplateException.class, () -> template.render(TWO_USERS, true));
    assertTrue(e.templateMessage().startsWith("After the optional system message"));
  }

  @Test
  void pythonStringMethodsAndFilters() {
    String source =
        "{% for m in messages %}[{{ m.content.strip() }}|{{ m.content|trim }}|"
            + "{{ m.role.startswith('us') }}|{{ m.role.endswith('x') }}|{{ m.role.title() }}|"
            + "{{ m.role.upper() }}|{{ m['role'].capitalize() }}]{% endfor %}"
            + "{{ 'a  b c'.split() }}{{ 'a,b'.split(',')[1] }}{{ '  x  '.rstrip() }}!"
            + "{{ 'xxhixx'.strip('x') }}{{ ', '.join(['p', 'q']) }}{{ messages[0].content[0] }}"
            + "{{ messages[0].get('name', 'anon') }}";
    String out =
        ChatTemplate.compile(source, null, null)
            .render(List.of(ChatMessage.user(" hi there \n")), false);
    assertEquals(
        "[hi there|hi there|True|False|User|USER|User]['a', 'b', 'c']b  x!hip, q anon", out);
  }

  @Test
  void jinjaFeaturesRealTemplatesUse() {
    String source =
        "{% set ns = namespace(count=0, seen=false) %}"
            + "{% for m in messages %}{% if m.role == 'user' %}{% set ns.count = ns.count + 1 %}"
            + "{% set ns.seen = true %}{% endif %}"
            + "{{ loop.index0 }}{{ 'F' if loop.first }}{{ 'L' if loop.last }},{% endfor %}"
            + "{{ ns.count }}{{ ns.seen }}|{{ messages[1:]|length }}|{{ messages[-1].role }}|"
            + "{{ 'user' in messages|map(attribute='role')|list }}|{{ tools is defined }}|"
            + "{{ 'a' ~ 1 }}{% for m in messages %}{% if loop.index0 == 1 %}{% break %}{% endif %}"
            + "{{ m.role }}{% endfor %}";
    String out = ChatTemplate.compile(source, null, null).render(CONVERSATION, false);
    assertEquals("0F,1,2,3L,2True|3|user|True|False|a1system", out);
  }

  @Test
  void tojsonIsPythonJsonDumps() {
    String source =
        "{{ messages[0]|tojson }}|{{ tools|tojson }}|{{ tools[0]|tojson(indent=2) }}"
            + "|{{ 'é\"\\n'|tojson }}";
    List<?> tools = List.of(Map.of("name", "get_weather"), Map.of("n", 2.5));
    String out =
        ChatTemplate.compile(source, null, null)
            .render(List.of(ChatMessage.user("Hi")), false, Map.of("tools", tools));
    assertEquals(
        "{\"role\": \"user\", \"content\": \"Hi\"}|[{\"name\": \"get_weather\"}, {\"n\": 2.5}]"
            + "|{\n  \"name\": \"get_weather\"\n}|\"é\\\"\\n\"",
        out);
  }

  @Test
  void extraVariablesAndStrftimeNow() {
    String source = "{{ date_string }}|{{ strftime_now('%Y') }}|{{ bos_token }}";
    String out =
        ChatTemplate.compile(source, "<s>", "</s>")
            .render(List.of(), false, Map.of("date_string", "26 Jul 2024"));
    String year = String.valueOf(Year.now().getValue());
    assertEquals("26 Jul 2024|" + year + "|<s>", out);
  }

  @Test
  void userTextIsNeverEvaluatedAsTemplateCode() {
    ChatTemplate template = ChatTemplate.compile(QWEN2, null, null);
    String out = template.render(List.of(ChatMessage.user("{{ 7 * 7 }} {% raw %}")), false);
    assertTrue(out.contains("{{ 7 * 7 }} {% raw %}"), out);
    assertFalse(out.contains("49"), out);
  }

  @Test
  void templateCannotReachJavaReflection() {
    for (String attack :
        List.of(
            "{{ ''.getClass() }}",
            "{{ ''.getClass().forName('java.lang.Runtime') }}",
            "{{ messages.getClass() }}",
            "{{ messages[0].getClass() }}",
            "{{ ''.getBytes() }}",
            "{{ messages.clear() }}",
            "{{ ____int3rpr3t3r____.context.getGlobalContext() }}",
            "{{ ____int3rpr3t3r____.getConfig() }}")) {
      ChatTemplate template = ChatTemplate.compile(attack, null, null);
      try {
        String out = template.render(CONVERSATION, false);
        assertFalse(out.contains("class"), attack + " rendered " + out);
        assertFalse(out.contains("Config"), attack + " rendered " + out);
        assertFalse(out.contains("Context"), attack + " rendered " + out);
      } catch (ChatTemplateException refused) {
        assertFalse(refused.raisedByTemplate());
      }
    }
    ChatTemplateException e =
        assertThrows(
            ChatTemplateException.class,
            () -> ChatTemplate.compile("{{ ''.getClass() }}", null, null).render(List.of(), false));
    assertTrue(e.getMessage().contains("no method 'getClass'"), e.getMessage());
    assertEquals("", ChatTemplate.compile("{{ ''.class }}", null, null).render(List.of(), false));
  }

  @Test
  void templateCannotReadFiles() {
    for (String attack :
        List.of(
            "{% include '/etc/passwd' %}",
            "{% import '/etc/passwd' as p %}",
            "{% from '/etc/passwd' import x %}",
            "{% extends '/etc/passwd' %}")) {
      try {
        String out = ChatTemplate.compile(attack, null, null).render(List.of(), false);
        assertFalse(out.contains("root"), attack + " rendered " + out);
      } catch (ChatTemplateException expected) {
        assertFalse(expected.getMessage().contains("root:"), expected.getMessage());
      }
    }
  }

  @Test
  void jinjaDropsOneTrailingNewlineAndPrintsPythonBooleans() {
    assertEquals("A", ChatTemplate.compile("A\n", null, null).render(List.of(), false));
    assertEquals("A\n", ChatTemplate.compile("A\r\n\r\n", null, null).render(List.of(), false));
    assertEquals(
        "True False",
        ChatTemplate.compile("{{ add_generation_prompt }} {{ 1 > 2 }}", null, null)
            .render(List.of(), true));
  }

  @Test
  void syntaxErrorsFailAtCompile() {
    ChatTemplateException e =
        assertThrows(
            ChatTemplateException.class,
            () -> ChatTemplate.compile("{% for m in messages %}{{ m.role }}", null, null));
    assertTrue(e.getMessage().startsWith("chat template does not parse"), e.getMessage());
  }

  @Test
  void unknownFiltersAndTestsAreRefusedAtCompile() {
    ChatTemplateException filter =
        assertThrows(
            ChatTemplateException.class,
            () -> ChatTemplate.compile("{{ 'x' | no_such_filter }}", null, null));
    assertTrue(filter.getMessage().contains("filter 'no_such_filter'"), filter.getMessage());
    ChatTemplateException test =
        assertThrows(
            ChatTemplateException.class,
            () -> ChatTemplate.compile("{% if x is not no_such_test %}{% endif %}", null, null));
    assertTrue(test.getMessage().contains("test 'no_such_test'"), test.getMessage());
    // Names inside strings, comments and raw blocks are text, not filters.
    String text = "{{ 'a | b is c' }}{# x | nope #}{% raw %}{{ y | nope }}{% endraw %}";
    assertEquals(
        "a | b is c{{ y | nope }}",
        ChatTemplate.compile(text, null, null).render(List.of(), false));
  }

  @Test
  void oneEngineRendersFromManyThreads() throws Exception {
    ChatTemplate mistral = ChatTemplate.compile(MISTRAL, "<s>", "</s>");
    ChatTemplate llama3 = ChatTemplate.compile(LLAMA3, "<|begin_of_text|>", "<|eot_id|>");
    String expectedMistral = mistral.render(CONVERSATION, true);
    String expectedLlama3 = llama3.render(CONVERSATION, true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        boolean even = i % 2 == 0;
        results.add(
            pool.submit(
                () ->
                    even
                        ? mistral.render(CONVERSATION, true).equals(expectedMistral)
                        : llama3.render(CONVERSATION, true).equals(expectedLlama3)));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unknownFunctionFailsAtRender() {
    ChatTemplate template = ChatTemplate.compile("{{ no_such_function('x') }}", null, null);
    ChatTemplateException e =
        assertThrows(ChatTemplateException.class, () -> template.render(List.of(), false));
    assertTrue(e.getMessage().contains("no_such_function"), e.getMessage());
    assertFalse(e.raisedByTemplate());
  }
}
