package dev.armory.engine.models;

import java.util.List;

/**
 * One module in PyTorch's module tree: attribute name, class name, the arguments PyTorch prints in
 * its repr, and children in registration order.
 *
 * @param name attribute name in the parent ("model", "q_proj", "0"); empty for the root
 * @param typeName class name, e.g. {@code LlamaDecoderLayer}
 * @param arguments PyTorch's {@code extra_repr}, e.g. {@code in_features=64, out_features=64,
 *     bias=False}; empty when none
 */
public record ModuleNode(
    String name, String typeName, String arguments, List<ModuleNode> children) {
  public ModuleNode {
    children = List.copyOf(children);
  }

  /** A module without children. */
  public static ModuleNode leaf(String name, String typeName, String arguments) {
    return new ModuleNode(name, typeName, arguments, List.of());
  }

  /** A module with children and no arguments. */
  public static ModuleNode of(String name, String typeName, ModuleNode... children) {
    return new ModuleNode(name, typeName, "", List.of(children));
  }

  /** The child named {@code childName}, or null. */
  public ModuleNode child(String childName) {
    for (ModuleNode c : children) {
      if (c.name.equals(childName)) {
        return c;
      }
    }
    return null;
  }
}
