package dev.worldfx.inference.models;

import dev.worldfx.inference.io.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build time: converts the models WorldFX ships into a registry folder (the bundle's
 * Contents/Resources/models). Today that is ESRGAN-slim x2, x3, x4 and x8 from its npm release.
 *   ShippedModels ESRGAN_PACKAGE_DIR OUT_DIR
 */
public final class ShippedModels {
  static final int[] ESRGAN_SCALES = {2, 3, 4, 8};

  private ShippedModels() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: ShippedModels ESRGAN_PACKAGE_DIR OUT_DIR");
    }
    Path out = Path.of(args[1]);
    Files.createDirectories(out);
    ModelRegistry registry = ModelRegistry.open(out);
    for (int scale : ESRGAN_SCALES) {
      String file = "esrgan-slim-x" + scale + ".safetensors";
      EsrganSlim.convert(Path.of(args[0]), scale, out.resolve(file));
      registry.add("esrgan-slim-x" + scale, file);
    }
  }
}
