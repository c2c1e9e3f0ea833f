package dev.worldfx.cli.exr;

/** How an EXR channel stores its samples ({@code exr_pixel_type_t}). */
public enum ExrPixelType {
  UINT(0, 4),
  HALF(1, 2),
  FLOAT(2, 4);

  final int code;
  final int bytes;

  ExrPixelType(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  /** Bits per sample, for reports. */
  public int bits() {
    return bytes * 8;
  }

  static ExrPixelType of(int code) throws ExrException {
    for (ExrPixelType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new ExrException("unknown EXR pixel type " + code);
  }
}
