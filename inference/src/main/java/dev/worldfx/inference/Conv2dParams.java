package dev.worldfx.inference;

/**
 * Convolution geometry (ONNX Conv / ConvTranspose attributes). Pads are explicit
 * (top, left, bottom, right); outputPadding only matters for the transpose.
 */
public record Conv2dParams(int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                           int dilationH, int dilationW, int groups, int outputPadH, int outputPadW) {
  public static Conv2dParams of(int stride, int pad) {
    return new Conv2dParams(stride, stride, pad, pad, pad, pad, 1, 1, 1, 0, 0);
  }

  public Conv2dParams withGroups(int g) {
    return new Conv2dParams(strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, g, outputPadH,
        outputPadW);
  }

  public Conv2dParams withDilation(int dh, int dw) {
    return new Conv2dParams(strideH, strideW, padTop, padLeft, padBottom, padRight, dh, dw, groups, outputPadH, outputPadW);
  }

  /** Output size of a forward convolution along one axis. */
  public static int outSize(int in, int kernel, int stride, int padBegin, int padEnd, int dilation) {
    return (in + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride + 1;
  }

  /** Output size of a transposed convolution along one axis. */
  public static int transposeOutSize(int in, int kernel, int stride, int padBegin, int padEnd, int dilation, int outPad) {
    return (in - 1) * stride - padBegin - padEnd + dilation * (kernel - 1) + 1 + outPad;
  }
}
