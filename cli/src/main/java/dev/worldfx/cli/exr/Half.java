package dev.worldfx.cli.exr;

/**
 * IEEE 754 binary16 to and from binary32 on bit patterns, in integer arithmetic only, so every
 * half (NaN payloads and signalling NaNs included) survives half → float → half unchanged,
 * whatever the CPU's conversion instructions do to NaNs. Float → half rounds to nearest even.
 */
final class Half {
  private Half() {}

  static int toFloatBits(short half) {
    int sign = (half & 0x8000) << 16;
    int exp = (half >>> 10) & 0x1F;
    int mant = half & 0x3FF;
    if (exp == 0x1F) {
      return sign | 0x7F80_0000 | (mant << 13); // infinity, or NaN with its payload
    }
    if (exp == 0) {
      if (mant == 0) {
        return sign;
      }
      int e = 1; // subnormal: normalise
      while ((mant & 0x400) == 0) {
        mant <<= 1;
        e--;
      }
      return sign | ((e + 112) << 23) | ((mant & 0x3FF) << 13);
    }
    return sign | ((exp + 112) << 23) | (mant << 13);
  }

  static short fromFloatBits(int bits) {
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xFF;
    int mant = bits & 0x7F_FFFF;
    if (exp == 0xFF) {
      if (mant == 0) {
        return (short) (sign | 0x7C00);
      }
      int payload = mant >>> 13;
      return (short) (sign | 0x7C00 | (payload != 0 ? payload : 0x200)); // a NaN stays a NaN
    }
    int e = exp - 112; // half exponent field
    if (e >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // below half the smallest subnormal: rounds to zero
      }
      int m = mant | 0x80_0000;
      int shift = 14 - e;
      int h = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (h & 1) != 0)) {
        h++; // may carry into the smallest normal, which is right
      }
      return (short) (sign | h);
    }
    int h = sign | (e << 10) | (mant >>> 13);
    int rest = mant & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
      h++; // may carry into the exponent, up to infinity, which is right
    }
    return (short) h;
  }
}
