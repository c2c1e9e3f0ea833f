package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;

/**
 * g * f'(x) for the unary ops, as one elementwise loop in double: Ops has no step function or
 * erf to compose relu', leaky' and gelu' from.
 */
final class UnaryDerivative {
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

  private UnaryDerivative() {}

  /** x the input, y = f(x) the output, g the output's gradient; all of one shape. */
  static Tensor times(Tape t, Ops.Unary op, float alpha, Tensor x, Tensor y, Tensor g) {
    float[] xs = x.toArray();
    float[] ys = y.toArray();
    float[] gs = g.toArray();
    float[] out = new float[xs.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (gs[i] * derivative(op, alpha, xs[i], ys[i]));
    }
    return Tensor.of(t.arena(), out, x.shape());
  }

  static double derivative(Ops.Unary op, float alpha, double x, double y) {
    return switch (op) {
      case RELU -> x > 0 ? 1 : 0;
      case LEAKY_RELU -> x > 0 ? 1 : alpha;
      // GELU(x) = x Phi(x): Phi(x) + x phi(x)
      case GELU -> 0.5 * (1 + Erf.erf(x / Math.sqrt(2))) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
      case GELU_TANH -> {
        // 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3)
        double th = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
        yield 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
      }
      case SILU -> {
        double s = 1 / (1 + Math.exp(-x));
        yield s * (1 + x * (1 - s));
      }
      case SIGMOID -> {
        double s = 1 / (1 + Math.exp(-x)); // from x, not the rounded y
        yield s * (1 - s);
      }
      case TANH -> {
        double th = Math.tanh(x);
        yield 1 - th * th;
      }
      case EXP -> y;
      case LOG -> 1 / x;
      case SQRT -> 0.5 / y;
      case NEG -> -1;
      case ABS -> Math.signum(x);
      case IDENTITY -> 1;
    };
  }
}
