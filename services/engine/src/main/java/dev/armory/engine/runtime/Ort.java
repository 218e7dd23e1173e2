package dev.armory.engine.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;

/** The one ONNX Runtime environment of the process. */
public final class Ort {
  private static volatile OrtEnvironment env;

  private Ort() {}

  /** The shared environment, created on first use with warnings-only logging. */
  public static OrtEnvironment env() {
    OrtEnvironment e = env;
    if (e == null) {
      synchronized (Ort.class) {
        e = env;
        if (e == null) {
          e = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "armory");
          env = e;
        }
      }
    }
    return e;
  }

  /** Providers compiled into the ONNX Runtime library on the classpath. */
  public static EnumSet<OrtProvider> availableProviders() {
    return OrtEnvironment.getAvailableProviders();
  }
}
