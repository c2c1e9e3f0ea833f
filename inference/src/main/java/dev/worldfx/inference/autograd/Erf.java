package dev.worldfx.inference.autograd;

/**
 * The error function in double (java.lang.Math has none), for the GELU gradient. Maclaurin series
 * for |x| < 3, summed until a term no longer changes the sum (its largest term, near x = 3, is about
 * 3e3, so cancellation costs at most ~1e-12); above, the continued fraction of erfc (Abramowitz and
 * Stegun 7.1.14), 60 terms, which at x >= 3 converges below double precision. Far more accurate
 * than a float gradient needs.
 */
final class Erf {
  private Erf() {}

  static double erf(double x) {
    double ax = Math.abs(x);
    if (ax < 3) {
      // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
      double term = ax; // (-1)^n x^(2n+1) / n!
      double sum = ax;
      for (int n = 1; n < 200; n++) {
        term *= -ax * ax / n;
        double next = sum + term / (2 * n + 1);
        if (next == sum) {
          break;
        }
        sum = next;
      }
      return Math.copySign(2 / Math.sqrt(Math.PI) * sum, x);
    }
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
    double f = ax;
    for (int k = 60; k >= 1; k--) {
      f = ax + (k / 2.0) / f;
    }
    double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    return Math.copySign(1 - erfc, x);
  }
}
