package dev.armory.engine.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/** Creates ONNX Runtime tensors over direct buffers (zero-copy) and reads outputs back. */
public final class Tensors {
  private Tensors() {}

  /** A direct little-endian buffer of {@code bytes} bytes. */
  public static ByteBuffer direct(long bytes) {
    return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
  }

  public static OnnxTensor floats(float[] data, long... shape) {
    FloatBuffer b = direct(data.length * 4L).asFloatBuffer().put(data);
    b.rewind();
    return create(() -> OnnxTensor.createTensor(Ort.env(), b, shape));
  }

  /**
   * A tensor over an existing direct buffer, without copying: ONNX Runtime reads (or, as a
   * preallocated output, writes) the caller's memory.
   */
  public static OnnxTensor wrap(FloatBuffer data, long... shape) {
    if (!data.isDirect()) {
      throw new IllegalArgumentException("Tensors.wrap needs a direct buffer (off-heap)");
    }
    FloatBuffer view = data.duplicate();
    view.rewind();
    return create(() -> OnnxTensor.createTensor(Ort.env(), view, shape));
  }

  public static OnnxTensor doubles(double[] data, long... shape) {
    DoubleBuffer b = direct(data.length * 8L).asDoubleBuffer().put(data);
    b.rewind();
    return create(() -> OnnxTensor.createTensor(Ort.env(), b, shape));
  }

  public static OnnxTensor longs(long[] data, long... shape) {
    LongBuffer b = direct(data.length * 8L).asLongBuffer().put(data);
    b.rewind();
    return create(() -> OnnxTensor.createTensor(Ort.env(), b, shape));
  }

  public static OnnxTensor ints(int[] data, long... shape) {
    IntBuffer b = direct(data.length * 4L).asIntBuffer().put(data);
    b.rewind();
    return create(() -> OnnxTensor.createTensor(Ort.env(), b, shape));
  }

  /**
   * A tensor over a constant's bytes: zero-copy when they are direct and aligned, else copied once.
   */
  public static OnnxTensor of(TensorData d) {
    ByteBuffer src = d.bytes();
    ByteBuffer b;
    if (src.isDirect() && alignedFor(src, d.type())) {
      b = src;
    } else {
      b = direct(d.byteSize());
      b.put(src).flip();
    }
    ByteBuffer nb = b.order(ByteOrder.nativeOrder());
    return create(() -> OnnxTensor.createTensor(Ort.env(), nb, d.shape(), javaType(d.type())));
  }

  private static boolean alignedFor(ByteBuffer b, ElementType t) {
    // Direct buffers from mmap can start at any file offset; ORT kernels expect natural alignment.
    return t.byteSize() == 1 || b.alignmentOffset(b.position(), t.byteSize()) == 0;
  }

  static OnnxJavaType javaType(ElementType t) {
    return switch (t) {
      case FLOAT -> OnnxJavaType.FLOAT;
      case DOUBLE -> OnnxJavaType.DOUBLE;
      case INT64 -> OnnxJavaType.INT64;
      case INT32 -> OnnxJavaType.INT32;
      case INT8 -> OnnxJavaType.INT8;
      case UINT8 -> OnnxJavaType.UINT8;
      case BOOL -> OnnxJavaType.BOOL;
      case FLOAT16 -> OnnxJavaType.FLOAT16;
      case BFLOAT16 -> OnnxJavaType.BFLOAT16;
    };
  }

  public static float[] toFloats(OnnxValue v) {
    FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  public static double[] toDoubles(OnnxValue v) {
    DoubleBuffer b = ((OnnxTensor) v).getDoubleBuffer();
    double[] out = new double[b.remaining()];
    b.get(out);
    return out;
  }

  public static long[] toLongs(OnnxValue v) {
    LongBuffer b = ((OnnxTensor) v).getLongBuffer();
    long[] out = new long[b.remaining()];
    b.get(out);
    return out;
  }

  public static long[] shape(OnnxValue v) {
    return ((OnnxTensor) v).getInfo().getShape();
  }

  @FunctionalInterface
  private interface TensorFactory {
    OnnxTensor make() throws OrtException;
  }

  private static OnnxTensor create(TensorFactory f) {
    try {
      return f.make();
    } catch (OrtException e) {
      throw new RuntimeFailure("could not create an ONNX Runtime tensor: " + e.getMessage(), e);
    }
  }
}
