package dev.armory.engine.judge.eval;

/**
 * The Wilson score interval for a binomial proportion: with p̂ = successes/n and z the normal
 * quantile for the confidence level, centre = (p̂ + z²/2n) / (1 + z²/n) and half-width = z/(1 +
 * z²/n) · √(p̂(1−p̂)/n + z²/4n²). Unlike p̂ ± z·√(p̂(1−p̂)/n) it stays inside [0, 1] and behaves at
 * small n and at p̂ near 0 or 1. Fractional successes (ties counted half) are used as they are.
 *
 * @param lower lower bound
 * @param upper upper bound
 */
public record WilsonInterval(double lower, double upper) {

  /**
   * The interval for {@code successes} of {@code n} at {@code confidence} (e.g. 0.95); n = 0 gives
   * [0, 1] (nothing is known).
   */
  public static WilsonInterval of(double successes, double n, double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
    if (n < 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException("need 0 <= successes <= n, got " + successes + " of " + n);
    }
    if (n == 0) {
      return new WilsonInterval(0, 1);
    }
    double z = normalQuantile(1 - (1 - confidence) / 2);
    double p = successes / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / denominator;
    double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return new WilsonInterval(Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /**
   * The standard normal quantile Φ⁻¹(p), by Acklam's rational approximation (relative error below
   * 1.2e-9), e.g. 1.959964 for p = 0.975.
   */
  public static double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1), got " + p);
    }
    double[] a = {
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    double[] b = {
      -5.447609879822406e+01,
      1.615858368580409e+02,
      -1.556989798598866e+02,
      6.680131188771972e+01,
      -1.328068155288572e+01
    };
    double[] c = {
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    double[] d = {
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      return -normalQuantile(1 - p);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
