package dev.armory.cli;

import dev.armory.engine.hf.ModelType;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine;

/** Parses {@code --arch} values by their config.json names (llama, mistral, qwen2, gpt2). */
final class ModelTypeOption implements CommandLine.ITypeConverter<ModelType>, Iterable<String> {
  @Override
  public ModelType convert(String value) {
    ModelType type = ModelType.fromHfName(value.toLowerCase(Locale.ROOT));
    if (type == null) {
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "' is not a supported architecture; choose one of "
              + ModelType.supported());
    }
    return type;
  }

  /** Completion candidates, shown in --help. */
  @Override
  public Iterator<String> iterator() {
    return Arrays.stream(ModelType.values()).map(ModelType::hfName).iterator();
  }
}
