package dev.worldfx.cli.exr;

/** EXR compression methods ({@code exr_compression_t}); the library decodes all of them. */
public enum ExrCompression {
  NONE, RLE, ZIPS, ZIP, PIZ, PXR24, B44, B44A, DWAA, DWAB;

  static ExrCompression of(int code) throws ExrException {
    if (code < 0 || code >= values().length) {
      throw new ExrException("unknown EXR compression " + code);
    }
    return values()[code];
  }

  /** Lossless for every pixel type: what we let a caller write. */
  boolean lossless() {
    return this == NONE || this == RLE || this == ZIPS || this == ZIP || this == PIZ;
  }
}
