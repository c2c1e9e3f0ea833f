package dev.worldfx.benchmarks;

/** Entry point of `worldfx bench kernels`; the cases are written by the inference work. */
public final class KernelBench {
  private KernelBench() {}

  public static void main(String[] args) {
    System.out.println("kernel benchmarks: no cases yet");
  }
}
