package dev.worldfx.inference.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PointwiseErfTest {
  /** z, erf(z), erfc(z): 20-digit values from mpmath at 30-digit precision (an independent implementation). */
  private static final double[][] TABLE = {
    {0.1, 0.1124629160182848922, 0.8875370839817151078},
    {0.5, 0.52049987781304653768, 0.47950012218695346232},
    {1, 0.84270079294971486934, 0.15729920705028513066},
    {1.5, 0.96610514647531072707, 0.033894853524689272933},
    {2, 0.99532226501895273416, 0.0046777349810472658379},
    {2.5, 0.99959304798255504106, 0.00040695201744495893956},
    {3, 0.99997790950300141456, 0.000022090496998585441373},
    {4, 0.99999998458274209972, 1.5417257900280018852e-8},
    {6, 0.99999999999999997848, 2.1519736712498913117e-17},
    {10, 1.0, 2.088487583762544757e-45},
    {20, 1.0, 5.3958656116079009289e-176},
  };

  /** The class promises 1e-13 relative; float32 needs only 6e-8. */
  @Test
  void matchesHighPrecisionValuesToRelativeOneEMinus13() {
    for (double[] row : TABLE) {
      assertClose(row[1], PointwiseErf.erf(row[0]), 1e-13, "erf(" + row[0] + ")");
      assertClose(row[2], PointwiseErf.erfc(row[0]), 1e-13, "erfc(" + row[0] + ")");
      assertClose(-row[1], PointwiseErf.erf(-row[0]), 1e-13, "erf(-" + row[0] + ")");
      assertClose(1 + row[1], PointwiseErf.erfc(-row[0]), 1e-13, "erfc(-" + row[0] + ")");
    }
  }

  @Test
  void specialValues() {
    assertEquals(0.0, PointwiseErf.erf(0.0));
    assertEquals(-0.0, PointwiseErf.erf(-0.0));
    assertEquals(1.0, PointwiseErf.erfc(0.0));
    assertEquals(1.0, PointwiseErf.erf(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, PointwiseErf.erf(Double.NEGATIVE_INFINITY));
    assertEquals(0.0, PointwiseErf.erfc(Double.POSITIVE_INFINITY));
    assertEquals(2.0, PointwiseErf.erfc(Double.NEGATIVE_INFINITY));
    assertTrue(Double.isNaN(PointwiseErf.erf(Double.NaN)));
    assertTrue(Double.isNaN(PointwiseErf.erfc(Double.NaN)));
  }

  /** Both branches meet at the switch point z = 2 without a jump larger than the error bound. */
  @Test
  void continuousAcrossTheSeriesAndFractionBranches() {
    double below = Math.nextDown(2.0);
    assertClose(PointwiseErf.erfc(2.0), PointwiseErf.erfc(below), 1e-13, "erfc at 2-");
  }

  private static void assertClose(double expected, double actual, double rel, String what) {
    assertTrue(Math.abs(actual - expected) <= rel * Math.abs(expected), what + ": expected " + expected + ", got " + actual);
  }
}
