package dev.worldfx.inference.autograd;

/** Differentiable scaled dot-product attention, composed of matmul and softmax. */
public final class Attention {
  private Attention() {}

  /**
   * softmax(q k^T * scale + mask) v: q [...,Lq,D], k [...,Lk,D], v [...,Lk,Dv], mask additive and
   * broadcastable to [...,Lq,Lk], or null; scale NaN means 1/sqrt(D). As {@code Ops.attention}.
   */
  public static Var attention(Tape t, Var q, Var k, Var v, Var mask, float scale) {
    int d = q.value().dim(-1);
    float s = Float.isNaN(scale) ? (float) (1 / Math.sqrt(d)) : scale;
    Var scores = Pointwise.scale(t, Linear.matmul(t, q, Views.transpose(t, k, -2, -1)), s); // [...,Lq,Lk]
    if (mask != null) {
      scores = Pointwise.add(t, scores, mask);
    }
    Var weights = Pointwise.softmax(t, scores, scores.value().rank() - 1);
    return Linear.matmul(t, weights, v); // [...,Lq,Dv]
  }
}
