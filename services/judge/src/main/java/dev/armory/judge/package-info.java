/**
 * The judge service: a thin Micronaut shell over {@code dev.armory.engine.judge} that turns
 * JudgeRequested events into preference datasets, sampling candidates and asking LLM judges through
 * the inference service's gRPC API.
 */
package dev.armory.judge;
