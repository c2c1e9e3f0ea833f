package dev.worldfx.inference.cuda;

import dev.worldfx.inference.cpu.CpuOps;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The CUDA backend's ops without a GPU: CudaOps, its argument building, the kernel source compiled for the host and
 * the row-major mapping onto cuBLAS's column-major contract, over EmulatedDevice, against the CPU backend (the cases
 * of DeviceOpCases). What this cannot check: NVRTC, the driver, cuBLAS itself and cuDNN (CudaParityIT on a GPU does).
 */
class CudaKernelEmulationTest extends DeviceOpCases {
  private static EmulatedDevice device;
  private static Path dir;

  @BeforeAll
  static void compileKernels() throws Exception {
    dir = Files.createTempDirectory("worldfx-kernel-emulation");
    device = EmulatedDevice.compile(dir);
    Assumptions.assumeTrue(device != null, "g++ not installed: the kernels are not emulated here");
    gpu = new CudaBackend(null, device, null);
    arena = Arena.ofShared();
    dev = gpu.ops(arena);
    cpu = new CpuOps(arena);
  }

  @AfterAll
  static void close() throws Exception {
    if (device != null) {
      device.close();
      arena.close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
