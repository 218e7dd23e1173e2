package dev.armory.engine.safetensors;

import java.util.Collection;
import java.util.NoSuchElementException;

/** A tensor name was asked for that the file or checkpoint does not hold. */
public class NoSuchTensorException extends NoSuchElementException {
  private final String tensorName;

  public NoSuchTensorException(String source, String tensorName, Collection<String> available) {
    super(
        source
            + ": no tensor named '"
            + tensorName
            + "'"
            + (available.isEmpty()
                ? " (it holds no tensors)"
                : "; closest names: " + ClosestNames.closest(tensorName, available, 5)));
    this.tensorName = tensorName;
  }

  /** The name that was asked for. */
  public String tensorName() {
    return tensorName;
  }
}
