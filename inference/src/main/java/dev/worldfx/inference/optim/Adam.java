package dev.worldfx.inference.optim;

import dev.worldfx.inference.autograd.Var;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1, with bias correction) and AdamW (Loshchilov and Hutter
 * 2019: weight decay decoupled from the gradient, p -= lr * wd * p before the Adam step), in
 * PyTorch's formulation: p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). Plain Adam's
 * weight decay is the classic L2 term added to the gradient. Per element in double, stored in
 * float: deterministic, and the same whatever else runs.
 */
public final class Adam implements Optimizer {
  private final List<Var> params;
  private final double lr;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final boolean decoupled;
  private final float[][] m;
  private final float[][] v;
  private final int[] steps;

  private Adam(List<Var> params, double lr, double beta1, double beta2, double eps, double weightDecay,
      boolean decoupled) {
    if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException("Adam needs lr >= 0, betas in [0, 1), eps >= 0, weight decay >= 0; got lr "
          + lr + ", betas " + beta1 + ", " + beta2 + ", eps " + eps + ", weight decay " + weightDecay);
    }
    this.params = Parameters.checked(params);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decoupled = decoupled;
    this.m = new float[this.params.size()][];
    this.v = new float[this.params.size()][];
    this.steps = new int[this.params.size()];
    for (int i = 0; i < m.length; i++) {
      int n = Math.toIntExact(this.params.get(i).value().numel());
      m[i] = new float[n];
      v[i] = new float[n];
    }
  }

  /** Adam with L2 weight decay (0 for none); the usual defaults are betas 0.9, 0.999, eps 1e-8. */
  public static Adam adam(List<Var> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    return new Adam(params, lr, beta1, beta2, eps, weightDecay, false);
  }

  /** AdamW: decoupled weight decay (PyTorch's default is 0.01). */
  public static Adam adamW(List<Var> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    return new Adam(params, lr, beta1, beta2, eps, weightDecay, true);
  }

  @Override
  public void step() {
    Parameters.step(params, this::update);
  }

  private void update(int i, float[] w, float[] g) {
    float[] mi = m[i];
    float[] vi = v[i];
    int t = ++steps[i];
    double stepSize = lr / (1 - Math.pow(beta1, t));
    double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, t));
    for (int j = 0; j < w.length; j++) {
      double wj = w[j];
      double gj = g[j];
      if (decoupled) {
        wj -= lr * weightDecay * wj;
      } else {
        gj += weightDecay * wj;
      }
      mi[j] = (float) (beta1 * mi[j] + (1 - beta1) * gj);
      vi[j] = (float) (beta2 * vi[j] + (1 - beta2) * gj * gj);
      w[j] = (float) (wj - stepSize * mi[j] / (Math.sqrt(vi[j]) / sqrtCorrection2 + eps));
    }
  }
}
