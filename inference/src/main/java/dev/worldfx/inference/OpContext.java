package dev.worldfx.inference;

/**
 * What an op implementation gets besides its tensors: the arena for its output, the Ops it
 * belongs to (for composite ops, e.g. attention calls matmul) and the scalar reference
 * (a fast kernel that does not cover a case hands it to the reference).
 */
public record OpContext(java.lang.foreign.Arena arena, Ops self, Ops reference) {}
