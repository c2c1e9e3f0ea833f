package dev.worldfx.inference.onnx;

import dev.worldfx.inference.Tensor;
import java.util.Arrays;

/** The output comparison of the ONNX backend test runner. */
final class AllClose {
  private AllClose() {}

  /**
   * The tolerance of the ONNX backend test runner: onnx/backend/test/loader/__init__.py gives
   * every node case rtol=1e-3, atol=1e-7, and onnx/backend/test/runner/__init__.py compares
   * with np.testing.assert_allclose(outputs, ref_outputs, rtol, atol), that is
   * |actual - expected| <= atol + rtol * |expected|, NaN equal to NaN, infinities exact.
   */
  static final double RTOL = 1e-3;
  static final double ATOL = 1e-7;

  /** np.testing.assert_allclose(actual, expected, RTOL, ATOL) as a message, null when it holds. */
  static String mismatch(OnnxValue expected, Tensor actual) {
    if (!Arrays.equals(expected.shape(), actual.shape())) {
      return "shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape());
    }
    float[] want = expected.floats();
    float[] got = actual.toArray();
    int bad = 0;
    int first = -1;
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      double e = want[i];
      double g = got[i];
      boolean close = Double.isNaN(e) ? Double.isNaN(g)
          : Double.isInfinite(e) || Double.isInfinite(g) ? e == g
          : Math.abs(g - e) <= ATOL + RTOL * Math.abs(e);
      if (!close) {
        bad++;
        if (first < 0) {
          first = i;
        }
        worst = Math.max(worst, Math.abs(g - e));
      }
    }
    if (bad == 0) {
      return null;
    }
    return bad + " of " + want.length + " elements differ beyond rtol=" + RTOL + " atol=" + ATOL + " (max |diff| "
        + (float) worst + "); first at flat index " + first + ": expected " + want[first] + ", got " + got[first];
  }
}
