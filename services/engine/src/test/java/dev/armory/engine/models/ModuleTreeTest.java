package dev.armory.engine.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.LlamaConfig;
import dev.armory.engine.hf.ModelType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleTreeTest {
  /** stories260K's config, built in code so this test needs no files. */
  static LlamaConfig stories260K() {
    return new LlamaConfig(
        ModelType.LLAMA,
        512,
        64,
        172,
        5,
        8,
        4,
        8,
        512,
        1e-5,
        10000.0,
        null,
        "silu",
        true,
        false,
        false,
        false,
        null,
        0,
        1,
        List.of(2),
        null,
        "float32");
  }

  @Test
  void llamaTreeMatchesPyTorchsPrintWithLayersCollapsed() {
    String expected =
        """
        LlamaForCausalLM(
          (model): LlamaModel(
            (embed_tokens): Embedding(512, 64)
            (layers): ModuleList(
              (0-4): 5 x LlamaDecoderLayer(
                (self_attn): LlamaAttention(
                  (q_proj): Linear(in_features=64, out_features=64, bias=False)
                  (k_proj): Linear(in_features=64, out_features=32, bias=False)
                  (v_proj): Linear(in_features=64, out_features=32, bias=False)
                  (o_proj): Linear(in_features=64, out_features=64, bias=False)
                )
                (mlp): LlamaMLP(
                  (gate_proj): Linear(in_features=64, out_features=172, bias=False)
                  (up_proj): Linear(in_features=64, out_features=172, bias=False)
                  (down_proj): Linear(in_features=172, out_features=64, bias=False)
                  (act_fn): SiLU()
                )
                (input_layernorm): LlamaRMSNorm((64,), eps=1e-05)
                (post_attention_layernorm): LlamaRMSNorm((64,), eps=1e-05)
              )
            )
            (norm): LlamaRMSNorm((64,), eps=1e-05)
            (rotary_emb): LlamaRotaryEmbedding()
          )
          (lm_head): Linear(in_features=64, out_features=512, bias=False)
        )""";
    assertEquals(expected, ModuleTree.render(ModelArchitecture.of(stories260K()).moduleTree()));
  }

  @Test
  void gpt2TreeShowsConv1DDropoutsAndTheTiedHead() {
    var gpt2 =
        TinyModelGenerator.tinyConfig(
            ModelType.GPT2, new TinyModelGenerator.Vocabulary(300, 1, 2, null));
    String expected =
        """
        GPT2LMHeadModel(
          (transformer): GPT2Model(
            (wte): Embedding(300, 64)
            (wpe): Embedding(128, 64)
            (drop): Dropout(p=0.1, inplace=False)
            (h): ModuleList(
              (0-1): 2 x GPT2Block(
                (ln_1): LayerNorm((64,), eps=1e-05, elementwise_affine=True)
                (attn): GPT2Attention(
                  (c_attn): Conv1D(nf=192, nx=64)
                  (c_proj): Conv1D(nf=64, nx=64)
                  (attn_dropout): Dropout(p=0.1, inplace=False)
                  (resid_dropout): Dropout(p=0.1, inplace=False)
                )
                (ln_2): LayerNorm((64,), eps=1e-05, elementwise_affine=True)
                (mlp): GPT2MLP(
                  (c_fc): Conv1D(nf=256, nx=64)
                  (c_proj): Conv1D(nf=64, nx=256)
                  (act): NewGELUActivation()
                  (dropout): Dropout(p=0.1, inplace=False)
                )
              )
            )
            (ln_f): LayerNorm((64,), eps=1e-05, elementwise_affine=True)
          )
          (lm_head): Linear(in_features=64, out_features=300, bias=False)
        )""";
    assertEquals(expected, ModuleTree.render(ModelArchitecture.of(gpt2).moduleTree()));
  }

  @Test
  void differingListEntriesAreNotCollapsedTogether() {
    ModuleNode list =
        new ModuleNode(
            "layers",
            "ModuleList",
            "",
            List.of(
                ModuleNode.leaf("0", "A", ""),
                ModuleNode.leaf("1", "A", ""),
                ModuleNode.leaf("2", "B", "x=1"),
                ModuleNode.leaf("3", "A", "")));
    assertEquals(
        "ModuleList(\n  (0-1): 2 x A()\n  (2): B(x=1)\n  (3): A()\n)", ModuleTree.render(list));
  }

  @Test
  void floatsPrintAsPythonReprDoes() {
    assertEquals("1e-05", ModuleTree.pythonFloat(1e-5));
    assertEquals("1e-06", ModuleTree.pythonFloat(1e-6));
    assertEquals("1.5e-05", ModuleTree.pythonFloat(1.5e-5));
    assertEquals("0.0001", ModuleTree.pythonFloat(1e-4));
    assertEquals("0.1", ModuleTree.pythonFloat(0.1));
    assertEquals("0.0", ModuleTree.pythonFloat(0.0));
    assertEquals("10000.0", ModuleTree.pythonFloat(10000.0));
    assertEquals("1e+16", ModuleTree.pythonFloat(1e16));
    assertEquals("-2.5", ModuleTree.pythonFloat(-2.5));
  }
}
