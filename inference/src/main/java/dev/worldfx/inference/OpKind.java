package dev.worldfx.inference;

/** Every op of {@link Ops}: backends say per op what they can run (per-op fallback). */
public enum OpKind {
  MATMUL, GEMM, CONV2D, CONV_TRANSPOSE2D, CONV2D_BACKWARD_INPUT, CONV2D_BACKWARD_WEIGHT,
  UNARY, BINARY, REDUCE, SOFTMAX, BATCH_NORM, GROUP_NORM, LAYER_NORM, ATTENTION,
  RESIZE, PIXEL_SHUFFLE, PAD, CONCAT, SLICE, GRID_SAMPLE, GRID_SAMPLE_BACKWARD, WARP
}
