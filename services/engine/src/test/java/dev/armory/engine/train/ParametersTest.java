package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.runtime.Tensors;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersTest {
  @Test
  void parametersAreDirectOrderedAndZeroed() {
    Parameters p = new Parameters();
    p.add("b", 2, 3);
    p.add("a", new long[] {4}, new float[] {1, 2, 3, 4});
    assertEquals(List.of("b", "a"), p.names());
    assertTrue(p.get("b").data().isDirect());
    assertArrayEquals(new float[6], p.get("b").toArray());
    assertEquals(10, p.elementCount());
    Parameters z = p.zerosLike();
    assertArrayEquals(new float[4], z.get("a").toArray());
    z.copyFrom(p);
    assertArrayEquals(new float[] {1, 2, 3, 4}, z.get("a").toArray());
  }

  @Test
  void wrapKeepsTheCallersBufferAndChecksIt() {
    FloatBuffer mine = Tensors.direct(12).asFloatBuffer();
    Parameters p = new Parameters();
    assertSame(mine, p.wrap("w", new long[] {3}, mine).data());
    IllegalArgumentException heap =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.wrap("h", new long[] {3}, FloatBuffer.allocate(3)));
    assertTrue(heap.getMessage().contains("needs a direct native-order buffer"), heap.getMessage());
  }

  @Test
  void unknownNamesAndLayoutMismatchesAreNamed() {
    Parameters p = new Parameters();
    p.add("lora_A", 2, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.get("x"));
    assertEquals("no parameter named 'x'; the parameters are [lora_A]", e.getMessage());
    Parameters q = new Parameters();
    q.add("lora_A", 4);
    IllegalArgumentException layout =
        assertThrows(IllegalArgumentException.class, () -> p.copyFrom(q));
    assertEquals(
        "copy source: parameter 'lora_A' has shape [4] but expected [2, 2]", layout.getMessage());
  }
}
