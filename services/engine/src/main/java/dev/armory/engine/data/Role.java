package dev.armory.engine.data;

import java.util.Locale;

/** The speaker of a conversation turn; tool and function turns are not supported for training. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT;

  /** The role name chat templates expect ({@code system}, {@code user}, {@code assistant}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
