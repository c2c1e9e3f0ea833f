package dev.worldfx.nodes.extend;

import dev.worldfx.inference.Backends;
import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.autograd.Linear;
import dev.worldfx.inference.autograd.Losses;
import dev.worldfx.inference.autograd.Pointwise;
import dev.worldfx.inference.autograd.Tape;
import dev.worldfx.inference.autograd.Var;
import dev.worldfx.inference.optim.Adam;
import dev.worldfx.inference.optim.Optimizer;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The learned part of ExtendShot's model: a small convolutional network trained on the shot
 * itself that corrects a motion-extrapolated frame towards what the shot really looked like
 * (blur of resampling, flicker, the flow's errors on fine texture). Residual: out = x + f(x),
 * f = conv3x3(3→16) · leaky ReLU · conv3x3(16→16) · leaky ReLU · conv3x3(16→3), the last layer
 * started near zero so an untrained network changes nothing.
 *
 * <p>Training pairs come from the shot: the frame before, moved along its own flow by one frame
 * (exactly how the extender predicts the next frame), against the real next frame; random 64x64
 * crops, batches of 4, Adam, seeded. The last pair is held out and its PSNR change reported.
 * Whether predictions use the network is decided by the back-test (it must raise the PSNR of the
 * hidden real frames), so it can only help what the back-test measures.
 */
final class AppearanceModel {
  static final int CROP = 64;
  static final int BATCH = 4;
  static final int HIDDEN = 16;
  /** Steps between measurements of the loss on the fixed monitoring crops. */
  static final int MONITOR_EVERY = 10;
  /** Fixed crops of the training pairs the loss is measured on while training (the per-step loss is over random crops, so it is noisy). */
  static final int MONITOR_CROPS = 8;

  private final Tensor w1, b1, w2, b2, w3, b3;
  final ShotExtender.AppearanceTraining training;

  /** The network with weights {@code p} = w1, b1, w2, b2, w3, b3 (as {@link #parameters}), e.g. read from a model file. */
  AppearanceModel(Tensor[] p, ShotExtender.AppearanceTraining training) {
    this.w1 = p[0];
    this.b1 = p[1];
    this.w2 = p[2];
    this.b2 = p[3];
    this.w3 = p[4];
    this.b3 = p[5];
    this.training = training;
  }

  /** The weights: w1 [16,3,3,3], b1 [16], w2 [16,16,3,3], b2 [16], w3 [3,16,3,3], b3 [3]. */
  Tensor[] parameters() {
    return new Tensor[] {w1, b1, w2, b2, w3, b3};
  }

  /**
   * Trains on {@code inputs[i] → targets[i]} (all frames the same size, at least 2 pairs: the
   * last is held out for validation).
   */
  static AppearanceModel train(List<ImagePlanes> inputs, List<ImagePlanes> targets, int steps, long seed) {
    return train(inputs, targets, steps, seed, dev.worldfx.nodes.jobs.LossSink.NONE);
  }

  /** As above, each step's loss reported to {@code sink} once the step is done. */
  static AppearanceModel train(List<ImagePlanes> inputs, List<ImagePlanes> targets, int steps, long seed,
                               dev.worldfx.nodes.jobs.LossSink sink) {
    int n = inputs.size();
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
    Arena params = Arena.ofAuto(); // the network lives as long as the model that holds it
    Tensor[] p = {
        uniform(params, rng, 1 / Math.sqrt(27), HIDDEN, 3, 3, 3), uniform(params, rng, 1 / Math.sqrt(27), HIDDEN),
        uniform(params, rng, 1 / Math.sqrt(9.0 * HIDDEN), HIDDEN, HIDDEN, 3, 3),
        uniform(params, rng, 1 / Math.sqrt(9.0 * HIDDEN), HIDDEN),
        uniform(params, rng, 0.1 / Math.sqrt(9.0 * HIDDEN), 3, HIDDEN, 3, 3), Tensor.zeros(params, 3)};
    Var[] v = new Var[p.length];
    for (int i = 0; i < p.length; i++) {
      v[i] = Var.param(p[i]);
    }
    Optimizer adam = Adam.adam(List.of(v), 2e-3, 0.9, 0.999, 1e-8, 0);
    ImagePlanes first = inputs.getFirst();
    int w = first.width(), h = first.height(), crop = Math.min(CROP, Math.min(w, h));
    float[] losses = new float[steps];
    // the monitoring set: fixed crops drawn from their own random stream (training draws the same as without it)
    SplittableRandom mrng = new SplittableRandom(seed ^ 0x6A09E667F3BCC909L);
    float[] mx = new float[MONITOR_CROPS * 3 * crop * crop], my = new float[MONITOR_CROPS * 3 * crop * crop];
    for (int b = 0; b < MONITOR_CROPS; b++) {
      int k = mrng.nextInt(Math.max(1, n - 1));
      int x0 = mrng.nextInt(w - crop + 1), y0 = mrng.nextInt(h - crop + 1);
      cropInto(inputs.get(k), x0, y0, crop, mx, b);
      cropInto(targets.get(k), x0, y0, crop, my, b);
    }
    float[] monitor = new float[steps / MONITOR_EVERY + 1];
    for (int s = 0; s < steps; s++) {
      if (s % MONITOR_EVERY == 0) {
        monitor[s / MONITOR_EVERY] = monitorLoss(p, mx, my, crop);
      }
      float[] x = new float[BATCH * 3 * crop * crop];
      float[] y = new float[BATCH * 3 * crop * crop];
      for (int b = 0; b < BATCH; b++) {
        int k = rng.nextInt(Math.max(1, n - 1)); // never the held-out last pair (unless it is the only one)
        int x0 = rng.nextInt(w - crop + 1), y0 = rng.nextInt(h - crop + 1);
        cropInto(inputs.get(k), x0, y0, crop, x, b);
        cropInto(targets.get(k), x0, y0, crop, y, b);
      }
      try (Arena step = Arena.ofShared()) {
        Tape t = new Tape(Backends.forCompute(step), step);
        Var out = forward(t, Var.constant(Tensor.of(step, x, BATCH, 3, crop, crop)), v);
        Var loss = Losses.mse(t, out, Var.constant(Tensor.of(step, y, BATCH, 3, crop, crop)));
        losses[s] = loss.value().getFlat(0);
        t.backward(loss);
        adam.step();
      }
      sink.loss(s, losses[s]);
    }
    monitor[monitor.length - 1] = monitorLoss(p, mx, my, crop);
    AppearanceModel m = new AppearanceModel(p, null);
    ImagePlanes valIn = inputs.getLast(), valTarget = targets.getLast();
    double before = Metrics.psnr(valIn.data(), valTarget.data());
    double after = Metrics.psnr(m.apply(valIn).data(), valTarget.data());
    double gain = after - before;
    return new AppearanceModel(p, new ShotExtender.AppearanceTraining(losses, monitor, MONITOR_EVERY, gain, gain > 0.1));
  }

  /** Mean squared error of the network on the monitoring crops (no gradients). */
  private static float monitorLoss(Tensor[] p, float[] x, float[] y, int crop) {
    try (Arena arena = Arena.ofShared()) {
      Tensor out = forward(Backends.forCompute(arena), Tensor.of(arena, x, MONITOR_CROPS, 3, crop, crop), p);
      double e = 0;
      for (int i = 0; i < y.length; i++) {
        double d = out.getFlat(i) - y[i];
        e += d * d;
      }
      return (float) (e / y.length);
    }
  }

  private static Var forward(Tape t, Var x, Var[] v) {
    Conv2dParams same = Conv2dParams.of(1, 1);
    Var h1 = Pointwise.unary(t, Ops.Unary.LEAKY_RELU, Linear.conv2d(t, x, v[0], v[1], same), 0.1f);
    Var h2 = Pointwise.unary(t, Ops.Unary.LEAKY_RELU, Linear.conv2d(t, h1, v[2], v[3], same), 0.1f);
    return Pointwise.add(t, x, Linear.conv2d(t, h2, v[4], v[5], same));
  }

  /** x + f(x) for a whole frame. */
  ImagePlanes apply(ImagePlanes img) {
    try (Arena arena = Arena.ofShared()) {
      return ImagePlanes.fromTensor(forward(Backends.forCompute(arena), img.toTensor(arena), new Tensor[] {w1, b1, w2, b2, w3, b3}));
    }
  }

  /** x + f(x) without gradients. */
  private static Tensor forward(Ops ops, Tensor x, Tensor[] p) {
    Conv2dParams same = Conv2dParams.of(1, 1);
    Tensor h1 = ops.unary(Ops.Unary.LEAKY_RELU, ops.conv2d(x, p[0], p[1], same), 0.1f);
    Tensor h2 = ops.unary(Ops.Unary.LEAKY_RELU, ops.conv2d(h1, p[2], p[3], same), 0.1f);
    return ops.binary(Ops.Binary.ADD, x, ops.conv2d(h2, p[4], p[5], same));
  }

  private static void cropInto(ImagePlanes src, int x0, int y0, int crop, float[] dst, int b) {
    int w = src.width(), plane = w * src.height();
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < crop; y++) {
        System.arraycopy(src.data(), c * plane + (y0 + y) * w + x0, dst, ((b * 3 + c) * crop + y) * crop, crop);
      }
    }
  }

  private static Tensor uniform(Arena arena, SplittableRandom r, double bound, int... shape) {
    float[] v = new float[(int) Tensor.numel(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((2 * r.nextDouble() - 1) * bound);
    }
    return Tensor.of(arena, v, shape);
  }
}
