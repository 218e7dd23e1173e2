/**
 * The artifact store in reading order: {@link dev.armory.platform.store.ArtifactStore} (folders per
 * kind and id), {@link dev.armory.platform.store.StagedArtifact} (atomic commit), {@link
 * dev.armory.platform.store.ArtifactManifest} and {@link dev.armory.platform.store.ManifestDetails}
 * (hashes and lineage), {@link dev.armory.platform.store.ProcessedKeys} (durable idempotency
 * records).
 */
package dev.armory.platform.store;
