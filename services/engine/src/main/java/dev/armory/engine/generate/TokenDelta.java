package dev.armory.engine.generate;

/**
 * What one decoding step added to a request's output: the new token and the text it completed
 * (empty while a character or a possible stop string is still incomplete).
 *
 * @param index the token's position among the new tokens (0 for the first)
 */
public record TokenDelta(String requestId, int tokenId, String text, int index) {}
