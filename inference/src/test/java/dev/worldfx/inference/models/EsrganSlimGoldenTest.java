package dev.worldfx.inference.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.inference.io.ModelRegistry;
import dev.worldfx.inference.io.SafeTensors;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden test against data no one on this project wrote: the npm package's own sample input
 * (assets/fixture.png, 128x128) and the results UpscalerJS produced from it with TensorFlow.js
 * (assets/samples/{2x,3x,4x}/result.png). The bar: >= 70 dB PSNR, max abs diff <= 1 and >= 99.9 %
 * identical bytes; float32 summation order may move a value across a .5 rounding boundary, nothing
 * more. Wrong padding or normalisation still reaches ~40 dB, which is why 40 dB is not the bar.
 *
 * <p>The package is fetched, not committed: inference/fetch-test-models.sh. Without it this test
 * fails; it never skips.
 */
class EsrganSlimGoldenTest {
  @TempDir
  static Path dir;

  static Path packageDir() {
    String configured = System.getProperty("worldfx.esrgan.dir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String cache = System.getenv("WORLDFX_CACHE");
    Path root = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".worldfx", "cache");
    return root.resolve("npm/upscalerjs-esrgan-slim-1.0.0/package");
  }

  @BeforeAll
  static void testDataIsPresent() {
    Path pkg = packageDir();
    assertTrue(Files.isRegularFile(pkg.resolve("assets/fixture.png")) && Files.isRegularFile(pkg.resolve("models/x2/model.json")),
        "ESRGAN-slim test data missing at " + pkg + ": run inference/fetch-test-models.sh (needs npm), or set "
            + "-Dworldfx.esrgan.dir to the unpacked " + EsrganSlim.PACKAGE + " package");
  }

  @ParameterizedTest(name = "x{0}")
  @ValueSource(ints = {2, 3, 4})
  void reproducesTheShippedResult(int scale) throws IOException {
    Path pkg = packageDir();
    String name = "esrgan-slim-x" + scale;
    EsrganSlim.convert(pkg, scale, dir.resolve(name + ".safetensors"));
    ModelRegistry registry = ModelRegistry.open(dir);
    registry.add(name, name + ".safetensors");

    BufferedImage input = ImageIO.read(pkg.resolve("assets/fixture.png").toFile());
    BufferedImage golden = ImageIO.read(pkg.resolve("assets/samples/" + scale + "x/result.png").toFile());
    assertEquals(input.getWidth() * scale, golden.getWidth());
    assertEquals(input.getHeight() * scale, golden.getHeight());
    try (Arena arena = Arena.ofShared()) {
      EsrganSlim model = EsrganSlim.load(registry.load(name, arena), arena);
      assertEquals(scale, model.scale());
      Tensor out = model.upscale(rgb(input, arena), arena, CpuOps::new); // [1,3,sH,sW]

      Raster g = golden.getRaster();
      long identical = 0;
      int maxDiff = 0;
      double squared = 0;
      long count = 0;
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < golden.getHeight(); y++) {
          for (int x = 0; x < golden.getWidth(); x++) {
            int d = Math.abs((int) out.get(0, c, y, x) - g.getSample(x, y, c));
            identical += d == 0 ? 1 : 0;
            maxDiff = Math.max(maxDiff, d);
            squared += (double) d * d;
            count++;
          }
        }
      }
      double psnr = squared == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / (squared / count));
      double identicalPercent = 100.0 * identical / count;
      System.out.printf(Locale.ROOT, "esrgan-slim x%d vs shipped result.png: PSNR %.2f dB, max abs diff %d, identical %.4f %%%n",
          scale, psnr, maxDiff, identicalPercent);
      assertTrue(psnr >= 70, "PSNR " + psnr + " dB < 70");
      assertTrue(maxDiff <= 1, "max abs diff " + maxDiff + " > 1");
      assertTrue(identicalPercent >= 99.9, "identical " + identicalPercent + " % < 99.9");
    }
  }

  /** The package ships no x8 result; the x8 model must still convert and give 8x output in range (on a small crop, to stay fast). */
  @Test
  void theX8ModelConvertsAndRuns() throws IOException {
    Path file = dir.resolve("esrgan-slim-x8.safetensors");
    EsrganSlim.convert(packageDir(), 8, file);
    BufferedImage input = ImageIO.read(packageDir().resolve("assets/fixture.png").toFile()).getSubimage(40, 40, 12, 10);
    try (Arena arena = Arena.ofShared()) {
      EsrganSlim model = EsrganSlim.load(SafeTensors.open(file, arena), arena);
      assertEquals(8, model.scale());
      Tensor out = model.upscale(rgb(input, arena), arena, CpuOps::new);
      assertEquals(List.of(1, 3, 80, 96), Arrays.stream(out.shape()).boxed().toList());
      for (float v : out.toArray()) {
        assertTrue(v >= 0 && v <= 255 && v == Math.rint(v), "output " + v + " is not a whole number in 0..255");
      }
    }
  }

  /** The PNG's first three bands (R, G, B; the fixture's alpha is opaque and the model takes RGB) -> [1,3,H,W] in 0..255. */
  private static Tensor rgb(BufferedImage image, Arena arena) {
    Raster r = image.getRaster();
    assertTrue(r.getNumBands() >= 3 && r.getSampleModel().getSampleSize(0) == 8, "expected 8-bit RGB(A)");
    int h = image.getHeight();
    int w = image.getWidth();
    float[] v = new float[3 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          v[(c * h + y) * w + x] = r.getSample(x, y, c);
        }
      }
    }
    return Tensor.of(arena, v, 1, 3, h, w);
  }
}
