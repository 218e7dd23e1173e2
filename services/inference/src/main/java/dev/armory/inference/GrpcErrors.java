package dev.armory.inference;

import dev.armory.engine.generate.InvalidRequestException;
import dev.armory.engine.generate.QueueFullException;
import dev.armory.engine.generate.adapters.AdapterCapacityException;
import dev.armory.engine.generate.adapters.UnknownAdapterException;
import dev.armory.engine.peft.AdapterFormatException;
import dev.armory.engine.tokenizer.ChatTemplateException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.NoSuchFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps the engine's and the service's exceptions to gRPC statuses, keeping their messages. */
final class GrpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  static StatusRuntimeException toStatus(Throwable e) {
    return codeOf(e).withDescription(messageOf(e)).withCause(e).asRuntimeException();
  }

  private static Status codeOf(Throwable e) {
    if (e instanceof InvalidRequestException
        || e instanceof ChatTemplateException
        || e instanceof AdapterFormatException) {
      return Status.INVALID_ARGUMENT;
    }
    if (e instanceof UnknownAdapterException
        || e instanceof UnknownModelException
        || e instanceof NoSuchFileException) {
      return Status.NOT_FOUND;
    }
    if (e instanceof QueueFullException || e instanceof AdapterCapacityException) {
      return Status.RESOURCE_EXHAUSTED;
    }
    if (e instanceof AdapterPathException) {
      return Status.PERMISSION_DENIED;
    }
    if (e instanceof ShuttingDownException) {
      return Status.UNAVAILABLE;
    }
    if (e instanceof IllegalStateException && "the engine is closed".equals(e.getMessage())) {
      return Status.UNAVAILABLE;
    }
    if (e instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT; // e.g. an adapter id with characters ids may not have
    }
    if (e instanceof IllegalStateException) {
      return Status.FAILED_PRECONDITION; // e.g. replacing an adapter running requests use
    }
    LOG.warn("unexpected failure", e);
    return Status.INTERNAL;
  }

  private static String messageOf(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
