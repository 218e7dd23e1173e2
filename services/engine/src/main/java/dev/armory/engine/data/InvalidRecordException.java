package dev.armory.engine.data;

/** One line of a dataset is not a valid record; the message is the reason, without the line. */
final class InvalidRecordException extends Exception {
  InvalidRecordException(String reason) {
    super(reason, null, false, false);
  }
}
