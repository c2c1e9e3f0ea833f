package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.Arrays;

/** Training losses, each a scalar Var (rank 0). */
public final class Losses {
  private Losses() {}

  /** mean((pred - target)^2). */
  public static Var mse(Tape t, Var pred, Var target) {
    Var d = Pointwise.sub(t, pred, target);
    return Pointwise.mean(t, Pointwise.mul(t, d, d), new int[0], false);
  }

  /** Charbonnier (smooth L1): mean(sqrt((pred - target)^2 + eps^2)). */
  public static Var charbonnier(Tape t, Var pred, Var target, float eps) {
    Var d = Pointwise.sub(t, pred, target);
    Var r = Pointwise.unary(t, Ops.Unary.SQRT, Pointwise.addConstant(t, Pointwise.mul(t, d, d), eps * eps));
    return Pointwise.mean(t, r, new int[0], false);
  }

  /**
   * Mean over rows of -log softmax(logits)[target]: logits [N,K], targets N class indices. Computed
   * as logsumexp - logit in double; the gradient is (softmax - onehot) / N.
   */
  public static Var crossEntropy(Tape t, Var logits, int[] targets) {
    int[] s = logits.shape();
    if (s.length != 2 || s[0] != targets.length) {
      throw new IllegalArgumentException("crossEntropy needs logits [N,K] and N targets; got " + Arrays.toString(s)
          + " and " + targets.length);
    }
    int n = s[0];
    int k = s[1];
    float[] x = logits.value().toArray();
    float[] prob = new float[n * k];
    double total = 0;
    for (int i = 0; i < n; i++) {
      if (targets[i] < 0 || targets[i] >= k) {
        throw new IllegalArgumentException("target " + targets[i] + " outside [0, " + k + ")");
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, x[i * k + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(x[i * k + j] - max);
      }
      for (int j = 0; j < k; j++) {
        prob[i * k + j] = (float) (Math.exp(x[i * k + j] - max) / sum);
      }
      total += max + Math.log(sum) - x[i * k + targets[i]];
    }
    Tensor loss = Tensor.of(t.arena(), new float[] {(float) (total / n)});
    int[] tg = targets.clone();
    return t.record(loss, g -> {
      float gs = g.getFlat(0);
      float[] d = new float[n * k];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < k; j++) {
          d[i * k + j] = (float) ((prob[i * k + j] - (j == tg[i] ? 1.0 : 0.0)) * gs / n);
        }
      }
      return new Tensor[] {Tensor.of(t.arena(), d, s)};
    }, logits);
  }
}
