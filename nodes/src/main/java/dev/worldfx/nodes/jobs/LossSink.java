package dev.worldfx.nodes.jobs;

/** Receives a model's training loss, step by step; step 0 starts a new training run. */
@FunctionalInterface
public interface LossSink {
  LossSink NONE = (step, loss) -> {};

  void loss(int step, float loss);
}
