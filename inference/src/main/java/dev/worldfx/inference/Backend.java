package dev.worldfx.inference;

import java.lang.foreign.Arena;

/** A provider of ops (CPU, CUDA, reference) that says, op by op, what it can run. */
public interface Backend {
  String name();

  /** False for ops this backend has no implementation of; those go to the next backend. */
  boolean supports(OpKind op);

  /** Ops writing their outputs into {@code arena}. */
  Ops ops(Arena arena);
}
