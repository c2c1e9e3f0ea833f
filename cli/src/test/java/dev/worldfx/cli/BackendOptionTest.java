package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Backends;
import dev.worldfx.inference.cuda.CudaRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** --backend on every command: checked up front, shown by the doctor, and the GPU benchmark's exit without a GPU. */
class BackendOptionTest {
  @AfterEach
  void forgetTheFlag() {
    System.clearProperty(Backends.MODE_PROPERTY);
  }

  @Test
  void anUnknownBackendIsAUsageError() {
    CliRun r = CliRun.of("bench", "kernels", "--backend", "gpu");
    assertEquals(Main.EXIT_USAGE, r.exit());
    assertTrue(r.err().contains("unknown backend 'gpu' (known: cpu, cuda, auto)"), r.err());
  }

  @Test
  void theGpuBenchmarkWithoutAGpuSaysSoAndExitsWithTheGpuCode() {
    Assumptions.assumeTrue(CudaRuntime.shared().runtime().isEmpty(), "this machine has a CUDA device");
    CliRun r = CliRun.of("bench", "kernels", "--backend", "cuda");
    assertEquals(Main.EXIT_GPU, r.exit());
    assertTrue(r.err().startsWith("worldfx: error: no CUDA device: "), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
  }

  @Test
  void theDoctorSaysWhichBackendWouldRunAndWhy() {
    String cpu = doctor("--backend", "cpu");
    assertTrue(cpu.contains("Backend:     cpu (cpu requested"), cpu);
    String cuda = doctor("--backend", "cuda");
    if (CudaRuntime.shared().runtime().isEmpty()) {
      assertTrue(cuda.contains("Backend:     cpu (cuda requested but unavailable, running on the CPU: "), cuda);
      assertTrue(cuda.contains("GPU:         not usable: "), cuda);
    } else {
      assertTrue(cuda.contains("Backend:     cuda (cuda: CUDA on "), cuda);
    }
  }

  private static String doctor(String... flags) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      String[] args = new String[flags.length + 1];
      args[0] = "doctor";
      System.arraycopy(flags, 0, args, 1, flags.length);
      assertEquals(Main.EXIT_OK, Main.run(args));
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
