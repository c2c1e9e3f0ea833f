package dev.worldfx.inference.models;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.io.SafeTensors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The ESRGAN-slim super-resolution models of the npm package {@code @upscalerjs/esrgan-slim} 1.0.0
 * (MIT, Kevin Scott). Despite the name they are small RDN networks (C1 D2 G4 G0 64, trained on
 * DIV2K): convolutions, ReLU, concatenation and sums, nearest upsampling by the scale, one last
 * convolution. They take and give RGB in 0..255 (the package's model definition sets input and
 * output range [0, 255] for the rdn architecture); the output is clipped to that range and
 * rounded, as UpscalerJS does before writing pixels.
 */
public final class EsrganSlim {
  /** The package version whose models and golden images this class reproduces. */
  public static final String PACKAGE = "@upscalerjs/esrgan-slim@1.0.0";
  static final String MODEL_KEY = "worldfx.model";
  static final String SCALE_KEY = "worldfx.scale";
  private static final String MODEL_NAME = "esrgan-slim";

  private final int scale;
  private final GraphRunner runner;

  private EsrganSlim(int scale, GraphRunner runner) {
    this.scale = scale;
    this.runner = runner;
  }

  /**
   * Converts the package's {@code models/x<scale>/model.json} to a WorldFX model file.
   *
   * @param packageDir the unpacked npm package (the folder with package.json)
   */
  public static void convert(Path packageDir, int scale, Path out) throws IOException {
    TfjsLayersConverter.convert(packageDir.resolve("models/x" + scale + "/model.json"), out, Map.of(
        MODEL_KEY, MODEL_NAME,
        SCALE_KEY, Integer.toString(scale),
        "worldfx.source", PACKAGE + " models/x" + scale,
        "worldfx.license", "MIT, Copyright (c) 2022 Kevin Scott"));
  }

  /** The model in {@code file}; its weights are made F32 in {@code arena} (zero copy when stored as F32). */
  public static EsrganSlim load(SafeTensors file, Arena arena) {
    Map<String, String> meta = file.metadata();
    if (!MODEL_NAME.equals(meta.get(MODEL_KEY)) || !meta.containsKey(ModelGraph.METADATA_KEY)) {
      throw new IllegalArgumentException(file + " is not an " + MODEL_NAME + " model (no " + MODEL_KEY + "=" + MODEL_NAME
          + " and graph in its metadata)");
    }
    int scale = Integer.parseInt(meta.get(SCALE_KEY));
    Map<String, Tensor> weights = new HashMap<>();
    for (String name : file.names()) {
      weights.put(name, file.tensor(name).toF32(arena));
    }
    return new EsrganSlim(scale, new GraphRunner(ModelGraph.fromJson(meta.get(ModelGraph.METADATA_KEY)), weights));
  }

  public int scale() {
    return scale;
  }

  /**
   * rgb [N,3,H,W] F32 in 0..255 -> [N,3,H*scale,W*scale] in 0..255, whole numbers. The result is
   * allocated in {@code out}; {@code backend} makes the Ops for an arena (e.g. {@code CpuOps::new}).
   */
  public Tensor upscale(Tensor rgb, Arena out, Function<Arena, Ops> backend) {
    if (rgb.rank() != 4 || rgb.dim(1) != 3) {
      throw new IllegalArgumentException("esrgan-slim takes RGB [N,3,H,W], got " + Arrays.toString(rgb.shape()));
    }
    Tensor y = runner.run(rgb.toF32(out), out, backend).contiguous(out); // [N,3,H*s,W*s]
    int[] expected = {rgb.dim(0), 3, rgb.dim(2) * scale, rgb.dim(3) * scale};
    if (!Arrays.equals(y.shape(), expected)) {
      throw new IllegalStateException("model produced " + Arrays.toString(y.shape()) + ", expected " + Arrays.toString(expected));
    }
    clipAndRound(y);
    return y;
  }

  /** In place: clip to [0, 255], round half to even (tf.round, Math.rint). */
  private static void clipAndRound(Tensor t) {
    MemorySegment data = t.data();
    long base = t.offset() * 4;
    for (long i = 0, n = t.numel(); i < n; i++) {
      float v = data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, base + i * 4);
      data.set(ValueLayout.JAVA_FLOAT_UNALIGNED, base + i * 4, (float) Math.rint(Math.min(255f, Math.max(0f, v))));
    }
  }
}
