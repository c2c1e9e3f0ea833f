package dev.worldfx.inference.ref;

import dev.worldfx.inference.Conv2dParams;
import java.util.Arrays;

/**
 * The geometry of one forward convolution x [N,C,H,W] * w [O,C/g,kh,kw] -> y [N,O,Ho,Wo], with the
 * argument checks of every conv op. The transposed convolution and both backward ops are described by
 * the forward convolution they are the adjoint of, so all four ops share one index map:
 * iy = oy * strideH - padTop + ky * dilationH (and the same along x).
 * Shared by the reference and the fast kernels so both accept exactly the same arguments.
 */
public record ConvGeometry(int n, int c, int h, int w, int o, int kh, int kw, int ho, int wo, Conv2dParams p) {
  public int groups() {
    return p.groups();
  }

  /** Input channels per group. */
  public int cg() {
    return c / p.groups();
  }

  /** Output channels per group. */
  public int og() {
    return o / p.groups();
  }

  public int[] inputShape() {
    return new int[] {n, c, h, w};
  }

  public int[] outputShape() {
    return new int[] {n, o, ho, wo};
  }

  public int[] weightShape() {
    return new int[] {o, cg(), kh, kw};
  }

  /** conv2d(x, w, bias): forward geometry. */
  public static ConvGeometry forward(int[] x, int[] w, int[] bias, Conv2dParams p) {
    ConvGeometry g = of("conv2d", x, w, p);
    checkBias("conv2d", bias, g.o);
    return g;
  }

  /**
   * convTranspose2d(x [N,C,H,W], w [C,O/g,kh,kw]): described as the forward conv whose input gradient it
   * is, i.e. input [N,O,Ht,Wt], weight [C,O/g,kh,kw], output [N,C,H,W].
   */
  public static ConvGeometry transpose(int[] x, int[] w, int[] bias, Conv2dParams p) {
    checkParams("convTranspose2d", p);
    rank4("convTranspose2d", "x", x);
    rank4("convTranspose2d", "w", w);
    int g = p.groups();
    if (x[1] % g != 0 || w[0] != x[1]) {
      throw new IllegalArgumentException("convTranspose2d: w " + Arrays.toString(w) + " needs " + x[1]
          + " input channels (divisible by groups=" + g + ") for x " + Arrays.toString(x));
    }
    if (p.outputPadH() < 0 || p.outputPadW() < 0 || (p.outputPadH() >= p.strideH() && p.outputPadH() >= p.dilationH())
        || (p.outputPadW() >= p.strideW() && p.outputPadW() >= p.dilationW())) {
      throw new IllegalArgumentException("convTranspose2d: output padding " + p.outputPadH() + "," + p.outputPadW()
          + " must be >= 0 and smaller than the stride or the dilation");
    }
    int ht = Conv2dParams.transposeOutSize(x[2], w[2], p.strideH(), p.padTop(), p.padBottom(), p.dilationH(),
        p.outputPadH());
    int wt = Conv2dParams.transposeOutSize(x[3], w[3], p.strideW(), p.padLeft(), p.padRight(), p.dilationW(),
        p.outputPadW());
    if (ht <= 0 || wt <= 0) {
      throw new IllegalArgumentException("convTranspose2d: output would be " + ht + "x" + wt + " for x "
          + Arrays.toString(x) + " and w " + Arrays.toString(w) + " with " + p);
    }
    int ot = w[1] * g;
    checkBias("convTranspose2d", bias, ot);
    return new ConvGeometry(x[0], ot, ht, wt, x[1], w[2], w[3], x[2], x[3], p);
  }

  /** conv2dBackwardInput: the forward geometry of {@code inputShape} and w; gradOut must be its output. */
  public static ConvGeometry backwardInput(int[] gradOut, int[] w, int[] inputShape, Conv2dParams p) {
    ConvGeometry g = of("conv2dBackwardInput", inputShape, w, p);
    g.checkGradOut("conv2dBackwardInput", gradOut);
    return g;
  }

  /** conv2dBackwardWeight: the forward geometry of x and {@code weightShape}; gradOut must be its output. */
  public static ConvGeometry backwardWeight(int[] x, int[] gradOut, int[] weightShape, Conv2dParams p) {
    ConvGeometry g = of("conv2dBackwardWeight", x, weightShape, p);
    g.checkGradOut("conv2dBackwardWeight", gradOut);
    return g;
  }

  private void checkGradOut(String op, int[] gradOut) {
    if (!Arrays.equals(gradOut, outputShape())) {
      throw new IllegalArgumentException(op + ": gradOut " + Arrays.toString(gradOut) + " is not the conv output shape "
          + Arrays.toString(outputShape()));
    }
  }

  private static ConvGeometry of(String op, int[] x, int[] w, Conv2dParams p) {
    checkParams(op, p);
    rank4(op, "x", x);
    rank4(op, "w", w);
    int g = p.groups();
    if (x[1] % g != 0 || w[0] % g != 0 || w[1] * g != x[1]) {
      throw new IllegalArgumentException(op + ": w " + Arrays.toString(w) + " does not fit x " + Arrays.toString(x)
          + " with groups=" + g + " (need C and O divisible by groups, w[1] = C/groups)");
    }
    int ho = Conv2dParams.outSize(x[2], w[2], p.strideH(), p.padTop(), p.padBottom(), p.dilationH());
    int wo = Conv2dParams.outSize(x[3], w[3], p.strideW(), p.padLeft(), p.padRight(), p.dilationW());
    if (x[2] + p.padTop() + p.padBottom() < p.dilationH() * (w[2] - 1) + 1
        || x[3] + p.padLeft() + p.padRight() < p.dilationW() * (w[3] - 1) + 1) {
      throw new IllegalArgumentException(op + ": kernel " + w[2] + "x" + w[3] + " (dilation " + p.dilationH() + ","
          + p.dilationW() + ") is larger than the padded input " + Arrays.toString(x));
    }
    return new ConvGeometry(x[0], x[1], x[2], x[3], w[0], w[2], w[3], ho, wo, p);
  }

  private static void checkParams(String op, Conv2dParams p) {
    if (p.strideH() < 1 || p.strideW() < 1 || p.dilationH() < 1 || p.dilationW() < 1 || p.groups() < 1) {
      throw new IllegalArgumentException(op + ": strides, dilations and groups must be >= 1: " + p);
    }
    if (p.padTop() < 0 || p.padLeft() < 0 || p.padBottom() < 0 || p.padRight() < 0) {
      throw new IllegalArgumentException(op + ": pads must be >= 0: " + p);
    }
  }

  private static void rank4(String op, String name, int[] s) {
    if (s.length != 4) {
      throw new IllegalArgumentException(op + ": " + name + " must be 4-D, got " + Arrays.toString(s));
    }
    // Only a batch of images may be empty; channels, sizes and kernel taps may not.
    for (int i = name.equals("x") ? 1 : 0; i < 4; i++) {
      if (s[i] < 1) {
        throw new IllegalArgumentException(op + ": " + name + " has an empty dimension: " + Arrays.toString(s));
      }
    }
    if (s[0] < 0) {
      throw new IllegalArgumentException(op + ": " + name + " has a negative dimension: " + Arrays.toString(s));
    }
  }

  private static void checkBias(String op, int[] bias, int o) {
    if (bias != null && (bias.length != 1 || bias[0] != o)) {
      throw new IllegalArgumentException(op + ": bias " + Arrays.toString(bias) + " must be [" + o + "]");
    }
  }
}
