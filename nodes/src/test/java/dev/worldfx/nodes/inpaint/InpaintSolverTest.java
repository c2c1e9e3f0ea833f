package dev.worldfx.nodes.inpaint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.synthesis.HoleMask;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import dev.worldfx.nodes.synthesis.TeleaFill;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The solve against ground truth on synthetic shots, side by side with two references run here:
 * single-frame Telea inpainting and "copy from the nearest frame where the pixel is unmasked".
 */
class InpaintSolverTest {
  static final int W = 192;
  static final int H = 128;

  static List<FrameFill> solve(ShotFrames shot, InpaintSettings s) throws Exception {
    List<FrameFill> out = new ArrayList<>();
    new InpaintSolver(s, () -> {}, f -> {}).solve(shot, (t, fill) -> {
      assertEquals(out.size(), t);
      out.add(fill);
    });
    return out;
  }

  /** The frame the node renders: source outside, source·(1−w) + fill·w inside. */
  static float[] composite(ImagePlanes src, FrameFill f) {
    float[] d = src.data().clone();
    int plane = src.width() * src.height();
    for (int by = 0; by < f.height(); by++) {
      for (int bx = 0; bx < f.width(); bx++) {
        int b = by * f.width() + bx;
        float w = f.weight()[b];
        if (w > 0) {
          int p = (f.y0() + by) * src.width() + f.x0() + bx;
          for (int c = 0; c < 3; c++) {
            d[c * plane + p] = d[c * plane + p] * (1 - w) + f.rgb()[c * f.pixels() + b] * w;
          }
        }
      }
    }
    return d;
  }

  /** PSNR (peak 1) over the pixels where the matte is set, over all frames. */
  static double psnr(List<float[]> results, SyntheticShot shot) {
    double se = 0;
    long count = 0;
    int plane = W * H;
    for (int t = 0; t < shot.count(); t++) {
      float[] r = results.get(t), truth = shot.truth.get(t).data(), m = shot.matte.get(t);
      for (int p = 0; p < plane; p++) {
        if (m[p] > 0) {
          for (int c = 0; c < 3; c++) {
            double d = r[c * plane + p] - truth[c * plane + p];
            se += d * d;
            count++;
          }
        }
      }
    }
    return 10 * Math.log10(1 / (se / count));
  }

  static List<float[]> teleaReference(SyntheticShot shot) {
    List<float[]> out = new ArrayList<>();
    for (int t = 0; t < shot.count(); t++) {
      out.add(TeleaFill.fill(shot.input.get(t), HoleMask.fromMatte(H, W, shot.matte.get(t)), 5).data());
    }
    return out;
  }

  /** Each masked pixel from the temporally nearest frame where it is unmasked (Telea where none is). */
  static List<float[]> nearestFrameReference(SyntheticShot shot, List<float[]> telea) {
    List<float[]> out = new ArrayList<>();
    int plane = W * H, n = shot.count();
    for (int t = 0; t < n; t++) {
      float[] d = shot.input.get(t).data().clone();
      for (int p = 0; p < plane; p++) {
        if (shot.matte.get(t)[p] == 0) {
          continue;
        }
        int from = -1;
        for (int dist = 1; dist < n && from < 0; dist++) {
          if (t - dist >= 0 && shot.matte.get(t - dist)[p] == 0) {
            from = t - dist;
          } else if (t + dist < n && shot.matte.get(t + dist)[p] == 0) {
            from = t + dist;
          }
        }
        for (int c = 0; c < 3; c++) {
          d[c * plane + p] = from >= 0 ? shot.input.get(from).data()[c * plane + p] : telea.get(t)[c * plane + p];
        }
      }
      out.add(d);
    }
    return out;
  }

  private static double[] compare(String name, SyntheticShot shot, InpaintSettings s) throws Exception {
    List<FrameFill> fills = solve(shot, s);
    List<float[]> ours = new ArrayList<>();
    for (int t = 0; t < shot.count(); t++) {
      ours.add(composite(shot.input.get(t), fills.get(t)));
    }
    printByKind(name, shot, fills, ours);
    List<float[]> telea = teleaReference(shot);
    double pOurs = psnr(ours, shot), pTelea = psnr(telea, shot), pNearest = psnr(nearestFrameReference(shot, telea), shot);
    System.out.printf("%s (%dx%d, %d frames, %s): inside the matte %.2f dB; Telea %.2f dB; nearest unmasked frame "
        + "%.2f dB%n", name, W, H, shot.count(), s.finalQuality() ? "final" : "draft", pOurs, pTelea, pNearest);
    return new double[] {pOurs, pTelea, pNearest};
  }

  /** PSNR of propagated and of synthesised pixels separately, and how many of each. */
  static void printByKind(String name, SyntheticShot shot, List<FrameFill> fills, List<float[]> ours) {
    double[] se = new double[3];
    long[] count = new long[3];
    int plane = W * H;
    for (int t = 0; t < shot.count(); t++) {
      FrameFill f = fills.get(t);
      for (int b = 0; b < f.pixels(); b++) {
        int p = (f.y0() + b / f.width()) * W + f.x0() + b % f.width();
        if (shot.matte.get(t)[p] == 0) {
          continue;
        }
        int k = f.kind()[b];
        for (int c = 0; c < 3; c++) {
          double d = ours.get(t)[c * plane + p] - shot.truth.get(t).data()[c * plane + p];
          se[k] += d * d;
        }
        count[k] += 3;
      }
    }
    System.out.printf("%s: propagated %d px at %.2f dB, synthesised %d px at %.2f dB%n", name, count[1] / 3,
        10 * Math.log10(count[1] / se[1]), count[2] / 3, 10 * Math.log10(count[2] / se[2]));
  }

  @Test
  void panWithMovingObjectBeatsBothReferences() throws Exception {
    var shot = new SyntheticShot(W, H, 12, new SyntheticShot.Motion(1.6, -0.7, 50, 60, 5, 0.5, 16, false), 11);
    double[] p = compare("pan + moving disc", shot, new InpaintSettings(1, 0, 8, false, 0));
    assertTrue(p[0] > p[1] + 6, "beats single-frame Telea by 6 dB");
    assertTrue(p[0] > p[2] + 3, "beats the nearest unmasked frame by 3 dB");
  }

  @Test
  void panUnderStaticLogoBeatsBothReferences() throws Exception {
    var shot = new SyntheticShot(W, H, 24, new SyntheticShot.Motion(2.4, 1.1, 100, 40, 0, 0, 22, true), 5);
    double[] p = compare("pan under a static logo", shot, new InpaintSettings(1, 0, 24, false, 0));
    assertTrue(p[0] > p[1] + 5, "beats single-frame Telea by 5 dB");
    assertTrue(p[0] > p[2] + 5, "beats the nearest unmasked frame by 5 dB");
  }

  @Test
  void staticCameraStaticLogoIsSynthesisedEverywhere() throws Exception {
    var shot = new SyntheticShot(W, H, 4, new SyntheticShot.Motion(0, 0, 90, 60, 0, 0, 12, true), 3);
    List<FrameFill> fills = solve(shot, new InpaintSettings(0, 0, 8, false, 0));
    for (FrameFill f : fills) {
      for (int b = 0; b < f.pixels(); b++) {
        if (f.weight()[b] > 0) {
          assertEquals(FrameFill.SYNTHESISED, f.kind()[b], "no frame ever shows what is under a static logo");
          assertEquals(InpaintSolver.SYNTHESISED_CONFIDENCE, f.confidence()[b]);
        }
      }
    }
    List<float[]> ours = new ArrayList<>();
    for (int t = 0; t < shot.count(); t++) {
      ours.add(composite(shot.input.get(t), fills.get(t)));
    }
    double pOurs = psnr(ours, shot), pTelea = psnr(teleaReference(shot), shot);
    System.out.printf("static logo, static camera (synthesis only): %.2f dB; Telea %.2f dB%n", pOurs, pTelea);
    assertTrue(pOurs > 15, "synthesis is far from a flat fill");
  }

  @Test
  void sameInputsGiveTheSameBitsAndTheSeedMatters() throws Exception {
    var shot = new SyntheticShot(96, 64, 5, new SyntheticShot.Motion(0, 0, 40, 30, 0, 0, 8, true), 9);
    InpaintSettings s = new InpaintSettings(0, 0, 4, false, 17);
    List<FrameFill> a = solve(shot, s);
    List<FrameFill> b = solve(shot, s);
    List<FrameFill> c = solve(shot, new InpaintSettings(0, 0, 4, false, 18));
    boolean seedChanged = false;
    for (int t = 0; t < a.size(); t++) {
      assertArrayEquals(a.get(t).encode(), b.get(t).encode(), "frame " + t);
      seedChanged |= !java.util.Arrays.equals(a.get(t).rgb(), c.get(t).rgb());
    }
    assertTrue(seedChanged, "the seed drives the synthesis");
  }

  @Test
  void radiusZeroPropagatesNothingAndFrameFillRoundTrips() throws Exception {
    var shot = new SyntheticShot(96, 64, 3, new SyntheticShot.Motion(1, 0, 40, 30, 2, 0, 8, false), 2);
    List<FrameFill> fills = solve(shot, new InpaintSettings(2, 3, 0, false, 0));
    for (FrameFill f : fills) {
      int removed = 0;
      for (int b = 0; b < f.pixels(); b++) {
        if (f.weight()[b] > 0) {
          removed++;
          assertEquals(FrameFill.SYNTHESISED, f.kind()[b]);
        }
      }
      assertTrue(removed > Math.PI * 8 * 8, "dilate and feather grow the region");
      byte[] bytes = f.encode();
      FrameFill back = FrameFill.decode(java.lang.foreign.MemorySegment.ofArray(bytes));
      assertArrayEquals(bytes, back.encode());
    }
  }
}
