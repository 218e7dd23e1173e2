package dev.armory.engine.quant;

/**
 * The standard normal CDF and its inverse in double precision, written here to re-derive the NF4
 * table from first principles. Φ uses erf's series with only positive terms (no cancellation) for
 * |z| < 3 and erfc's continued fraction beyond; Φ⁻¹ is Acklam's rational approximation (relative
 * error below 1.2e-9) refined by one Halley step on Φ, which brings it to about 1e-15.
 */
final class NormalDistribution {
  private static final double SQRT_2 = Math.sqrt(2);
  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

  private NormalDistribution() {}

  /** Φ(x) = P(X ≤ x) for X ~ N(0, 1). */
  static double cdf(double x) {
    double z = Math.abs(x) / SQRT_2;
    double upperTail = 0.5 * erfc(z); // P(X > |x|)
    return x >= 0 ? 1 - upperTail : upperTail;
  }

  /** erfc(z) for z ≥ 0. */
  static double erfc(double z) {
    if (z < 2) {
      return 1 - erf(z);
    }
    // erfc(z) = exp(-z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), evaluated bottom-up.
    double f = z;
    for (int n = 200; n >= 1; n--) {
      f = z + (n / 2.0) / f;
    }
    return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  }

  /** erf(z) = 2/√π · exp(-z²) · Σ 2ⁿ z^(2n+1) / (1·3·…·(2n+1)), all terms positive. */
  static double erf(double z) {
    double term = z;
    double sum = z;
    for (int n = 1; n < 500; n++) {
      term *= 2 * z * z / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) {
        break;
      }
    }
    return 2 / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
  }

  // Acklam's coefficients for the central region and the tails.
  private static final double[] A = {
    -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
    1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
  };
  private static final double[] B = {
    -5.447609879822406e+01,
    1.615858368580409e+02,
    -1.556989798598866e+02,
    6.680131188771972e+01,
    -1.328068155288572e+01
  };
  private static final double[] C = {
    -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
    -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
  };
  private static final double[] D = {
    7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
  };

  /** Φ⁻¹(p) for 0 < p < 1. */
  static double inverseCdf(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must lie in (0, 1), got " + p);
    }
    double x;
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      x =
          (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
              / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    } else if (p <= 1 - low) {
      double q = p - 0.5;
      double r = q * q;
      x =
          (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5])
              * q
              / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
    } else {
      double q = Math.sqrt(-2 * Math.log(1 - p));
      x =
          -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
              / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    }
    // One Halley step: e = Φ(x) − p, u = e / φ(x), x ← x − u / (1 + x·u/2).
    double e = cdf(x) - p;
    double u = e * SQRT_2PI * Math.exp(x * x / 2);
    return x - u / (1 + x * u / 2);
  }
}
