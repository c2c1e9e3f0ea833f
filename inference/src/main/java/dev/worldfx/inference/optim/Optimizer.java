package dev.worldfx.inference.optim;

/**
 * Updates its parameters in place from the gradients a tape's backward left on them, then
 * clears those gradients (they live in the tape's arena, which may close next). A parameter
 * without a gradient is left alone and its state does not advance.
 */
public sealed interface Optimizer permits Adam, Sgd {
  void step();
}
