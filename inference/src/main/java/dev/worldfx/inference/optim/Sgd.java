package dev.worldfx.inference.optim;

import dev.worldfx.inference.autograd.Var;
import java.util.List;

/**
 * Stochastic gradient descent with heavy-ball momentum, as PyTorch's SGD (no dampening): with
 * g = grad + wd * p, b = g on the first step and momentum * b + g after, p -= lr * b.
 */
public final class Sgd implements Optimizer {
  private final List<Var> params;
  private final double lr;
  private final double momentum;
  private final double weightDecay;
  private final float[][] buffers; // null until a parameter's first step

  public Sgd(List<Var> params, double lr, double momentum, double weightDecay) {
    if (!(lr >= 0) || !(momentum >= 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException("SGD needs lr, momentum, weight decay >= 0; got " + lr + ", " + momentum + ", "
          + weightDecay);
    }
    this.params = Parameters.checked(params);
    this.lr = lr;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.buffers = new float[this.params.size()][];
  }

  @Override
  public void step() {
    Parameters.step(params, this::update);
  }

  private void update(int i, float[] w, float[] g) {
    boolean first = buffers[i] == null;
    if (first) {
      buffers[i] = new float[w.length];
    }
    float[] b = buffers[i];
    for (int j = 0; j < w.length; j++) {
      double gj = g[j] + weightDecay * w[j];
      b[j] = (float) (first ? gj : momentum * b[j] + gj);
      w[j] = (float) (w[j] - lr * b[j]);
    }
  }
}
