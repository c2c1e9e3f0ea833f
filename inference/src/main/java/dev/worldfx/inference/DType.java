package dev.worldfx.inference;

/** Element storage types. Compute is float32; F16/BF16 are storage formats for weights. */
public enum DType {
  F32(4),
  F16(2),
  BF16(2);

  private final int byteSize;

  DType(int byteSize) {
    this.byteSize = byteSize;
  }

  public int byteSize() {
    return byteSize;
  }
}
