package dev.worldfx.inference.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Backends;
import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpKind;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every GPU op against the CPU backend on the same inputs, with tolerances (FP32 on both sides; summation order
 * differs): the ops of DeviceOpCases and here the cuDNN convolutions. Each comparison also asserts that
 * the GPU side really ran on the device (the backend's counter for that op went up), so the test cannot pass with both
 * sides on the CPU. Skipped, saying so, where there is no CUDA device.
 */
class CudaParityIT extends DeviceOpCases {

  private static String noDevice;

  @BeforeAll
  static void openDevice() {
    CudaRuntime.Availability a = CudaRuntime.shared();
    if (a.runtime().isEmpty()) {
      noDevice = "no CUDA device: " + a.reason();
      System.err.println("CudaParityIT skipped: " + noDevice);
      return;
    }
    gpu = new CudaBackend(a.runtime().get());
    arena = Arena.ofShared();
    dev = gpu.ops(arena);
    cpu = new CpuOps(arena);
    System.out.println("CudaParityIT on " + a.runtime().get().describe());
  }

  /** Every test is reported skipped with the reason where there is no device (CI on CPU machines stays green). */
  @BeforeEach
  void requireDevice() {
    Assumptions.assumeTrue(gpu != null, noDevice);
  }

  @AfterAll
  static void close() {
    if (gpu != null) {
      System.out.println("CudaParityIT device ops: " + gpu.deviceOpCounts() + "; cases on the CPU: " + gpu.cpuCases()
          + "; pool: " + gpu.runtime().pool.stats());
      arena.close();
    }
  }

  @Test
  void convolutions() {
    Tensor x = random(20, 2, 8, 33, 47);
    Tensor w = random(21, 16, 8, 3, 3);
    Tensor bias = random(22, 16);
    Conv2dParams same = Conv2dParams.of(1, 1);
    same("conv2d 3x3 8->16 pad 1 + bias", OpKind.CONV2D, 1e-4, 1e-4, () -> dev.conv2d(x, w, bias, same),
        () -> cpu.conv2d(x, w, bias, same));
    Conv2dParams odd = new Conv2dParams(2, 2, 2, 1, 2, 1, 2, 1, 2, 0, 0);
    Tensor wg = random(23, 16, 4, 3, 3);
    same("conv2d stride 2 dilation (2,1) groups 2", OpKind.CONV2D, 1e-4, 1e-4, () -> dev.conv2d(x, wg, bias, odd),
        () -> cpu.conv2d(x, wg, bias, odd));
    Tensor wd = random(24, 8, 1, 5, 5);
    Conv2dParams depthwise = Conv2dParams.of(1, 2).withGroups(8);
    same("conv2d depthwise 5x5", OpKind.CONV2D, 1e-4, 1e-4, () -> dev.conv2d(x, wd, null, depthwise),
        () -> cpu.conv2d(x, wd, null, depthwise));
    System.setProperty("worldfx.cuda.convBandRows", "4");
    try {
      same("conv2d in bands of 4 rows (the out-of-memory path)", OpKind.CONV2D, 1e-4, 1e-4,
          () -> dev.conv2d(x, w, bias, same), () -> cpu.conv2d(x, w, bias, same));
      same("conv2d stride 2 in bands", OpKind.CONV2D, 1e-4, 1e-4, () -> dev.conv2d(x, wg, bias, odd),
          () -> cpu.conv2d(x, wg, bias, odd));
    } finally {
      System.clearProperty("worldfx.cuda.convBandRows");
    }
    Tensor gy = random(25, 2, 16, 33, 47);
    same("conv2dBackwardInput 3x3", OpKind.CONV2D_BACKWARD_INPUT, 1e-4, 1e-4,
        () -> dev.conv2dBackwardInput(gy, w, x.shape(), same), () -> cpu.conv2dBackwardInput(gy, w, x.shape(), same));
    same("conv2dBackwardWeight 3x3", OpKind.CONV2D_BACKWARD_WEIGHT, 1e-3, 1e-4,
        () -> dev.conv2dBackwardWeight(x, gy, w.shape(), same), () -> cpu.conv2dBackwardWeight(x, gy, w.shape(), same));
    Tensor tx = random(26, 1, 8, 17, 13);
    Tensor tw = random(27, 8, 3, 4, 4);
    Tensor tb = random(28, 6);
    Conv2dParams up = new Conv2dParams(2, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1);
    same("convTranspose2d 4x4 stride 2 groups 2 output pad 1", OpKind.CONV_TRANSPOSE2D, 1e-4, 1e-4,
        () -> dev.convTranspose2d(tx, tw, tb, up), () -> cpu.convTranspose2d(tx, tw, tb, up));
  }

  @Test
  void asymmetricPaddingRunsOnTheCpuAndIsRecorded() {
    Tensor x = random(30, 1, 3, 9, 9);
    Tensor w = random(31, 4, 3, 2, 2);
    Conv2dParams p = new Conv2dParams(1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0);
    long before = gpu.deviceOps(OpKind.CONV2D);
    assertArrayEquals(cpu.conv2d(x, w, null, p).toArray(), dev.conv2d(x, w, null, p).toArray());
    assertEquals(before, gpu.deviceOps(OpKind.CONV2D));
    assertTrue(gpu.cpuCases().get(OpKind.CONV2D).contains("asymmetric padding"), gpu.cpuCases().toString());
  }

  @Test
  void theSelectedCudaBackendComputesOnTheDeviceNotTheCpu() {
    Backends.Selection s = Backends.select(Backends.Mode.CUDA, CudaRuntime::shared);
    assertEquals("cuda", s.name(), s.reason());
    CudaBackend selected = (CudaBackend) s.chain().getFirst();
    Ops ops = Backends.dispatching(arena, s.chain());
    Tensor x = random(90, 1, 4, 16, 16);
    Tensor w = random(91, 4, 4, 3, 3);
    Tensor y = ops.conv2d(x, w, null, Conv2dParams.of(1, 1));
    Tensor z = ops.unary(Ops.Unary.GELU, y, 0);
    ops.concat(List.of(z, z), 1); // not a GPU op: the CPU, by design
    assertEquals(1, selected.deviceOps(OpKind.CONV2D));
    assertEquals(1, selected.deviceOps(OpKind.UNARY));
    assertTrue(Backends.fallbacks().keySet().stream().noneMatch(k -> k.startsWith("cuda/")),
        "fell back: " + Backends.fallbacks());
  }
}
