package dev.armory.operator.reconcile;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.Objects;

/**
 * Makes the cluster's Job match the desired one: creates it, patches its suspend flag (the only
 * field of a started Job the operator changes; the pod template is immutable), or deletes it when
 * the desired Job is null. Plain create and JSON merge patch, no server-side apply.
 */
final class JobApplier {

  /** What {@link #apply} did. */
  enum Result {
    CREATED,
    PATCHED,
    DELETED,
    NOOP
  }

  /** The outcome and the Job as the API server returned it (null when none exists). */
  record Applied(Result result, Job job) {}

  private final KubernetesClient client;

  JobApplier(KubernetesClient client) {
    this.client = client;
  }

  Applied apply(Job existing, Job desired) {
    if (desired == null) {
      if (existing == null) {
        return new Applied(Result.NOOP, null);
      }
      client
          .batch()
          .v1()
          .jobs()
          .resource(existing)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
      return new Applied(Result.DELETED, null);
    }
    if (existing == null) {
      try {
        return new Applied(Result.CREATED, client.batch().v1().jobs().resource(desired).create());
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        // Created by an earlier reconcile whose event has not reached the cache yet.
        Job current = client.batch().v1().jobs().resource(desired).get();
        return new Applied(Result.NOOP, current);
      }
    }
    boolean want = Boolean.TRUE.equals(desired.getSpec().getSuspend());
    boolean have = Boolean.TRUE.equals(existing.getSpec().getSuspend());
    if (Objects.equals(want, have)) {
      return new Applied(Result.NOOP, existing);
    }
    Job patched =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(existing.getMetadata().getNamespace())
            .withName(existing.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":" + want + "}}");
    return new Applied(Result.PATCHED, patched);
  }
}
