package dev.worldfx.inference.cuda;

/** Stands for a failure thrown by the CUDA backend, which is where the CLI's exit code 5 comes from. */
public final class FakeCudaFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FakeCudaFailure() {
    super("CUDA_ERROR_ILLEGAL_ADDRESS");
  }
}
