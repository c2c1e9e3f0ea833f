package dev.worldfx.nodes.synthesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PoissonBlenderTest {
  private static final int H = 120, W = 160;
  private static final ImagePlanes TRUTH = SyntheticTexture.texture(H, W);
  private static final HoleMask BLOB = SyntheticTexture.blob(H, W, 70, 60, 18);
  private static final PoissonBlender BLENDER = new PoissonBlender(PoissonBlender.DEFAULT_TOLERANCE);

  private static ImagePlanes hardPaste(ImagePlanes frame, ImagePlanes source, HoleMask region) {
    ImagePlanes out = frame.copy();
    for (int c = 0; c < frame.channels(); c++) {
      for (int i = 0; i < frame.plane(); i++) {
        if (region.fill()[i]) {
          out.data()[c * frame.plane() + i] = source.data()[c * frame.plane() + i];
        }
      }
    }
    return out;
  }

  /** RMS over every edge crossing the region's border of (result gradient − truth gradient). */
  private static double seamGradientError(ImagePlanes result, ImagePlanes truth, HoleMask region) {
    int w = truth.width(), plane = truth.plane();
    double se = 0;
    long n = 0;
    for (int c = 0; c < truth.channels(); c++) {
      for (int i = 0; i < plane; i++) {
        int[] next = {i % w < w - 1 ? i + 1 : -1, i + w < plane ? i + w : -1};
        for (int q : next) {
          if (q >= 0 && region.fill()[i] != region.fill()[q]) {
            double g = result.data()[c * plane + q] - result.data()[c * plane + i];
            double t = truth.data()[c * plane + q] - truth.data()[c * plane + i];
            se += (g - t) * (g - t);
            n++;
          }
        }
      }
    }
    return Math.sqrt(se / n);
  }

  @Test
  void blendingRemovesTheSeamOfAHardPaste() {
    ImagePlanes frame = SyntheticTexture.punched(TRUTH, BLOB);
    ImagePlanes source = SyntheticTexture.exposed(TRUTH);
    double paste = seamGradientError(hardPaste(frame, source, BLOB), TRUTH, BLOB);
    PoissonBlender.Result r = BLENDER.blend(frame, source, BLOB);
    double blended = seamGradientError(r.image(), TRUTH, BLOB);
    System.out.printf("seam gradient RMS: hard paste %.4f, Poisson %.4f (%d CG iterations, residual %.1e)%n", paste,
        blended, r.iterations(), r.relativeResidual());
    assertTrue(r.relativeResidual() <= PoissonBlender.DEFAULT_TOLERANCE, "converged: " + r.relativeResidual());
    assertTrue(blended < 0.5 * paste, blended + " vs " + paste);
  }

  @Test
  void affineExposureChangeIsUndoneInsideTheRegion() {
    // A constant offset keeps gradients, so the blend recovers the frame's own values exactly
    // (up to the solver tolerance); a gain change is not a pure gradient match, so check offset only.
    ImagePlanes frame = SyntheticTexture.punched(TRUTH, BLOB);
    float[] d = TRUTH.data().clone();
    for (int i = 0; i < d.length; i++) {
      d[i] += 0.3f;
    }
    ImagePlanes out = BLENDER.blend(frame, new ImagePlanes(3, H, W, d), BLOB).image();
    double worst = 0;
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < H * W; i++) {
        worst = Math.max(worst, Math.abs(out.data()[c * H * W + i] - TRUTH.data()[c * H * W + i]));
      }
    }
    assertTrue(worst < 1e-4, "largest deviation " + worst);
  }

  @Test
  void pixelsOutsideTheRegionKeepTheirBits() {
    ImagePlanes frame = TRUTH.copy();
    for (int i = 0; i < frame.data().length; i += 89) {
      frame.data()[i] = (i / 89) % 2 == 0 ? 12.5f : -2.75f;
    }
    frame.data()[3] = -0.0f;
    ImagePlanes out = BLENDER.blend(frame, SyntheticTexture.exposed(TRUTH), BLOB).image();
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < H * W; i++) {
        int k = c * H * W + i;
        if (!BLOB.fill()[i]) {
          assertEquals(Float.floatToRawIntBits(frame.data()[k]), Float.floatToRawIntBits(out.data()[k]), "pixel " + k);
        }
      }
    }
  }

  @Test
  void sourceEqualToFrameIsReproducedAndEmptyRegionIsACopy() {
    assertArrayEquals(TRUTH.data(), BLENDER.blend(TRUTH, TRUTH, BLOB).image().data());
    assertArrayEquals(TRUTH.data(),
        BLENDER.blend(TRUTH, SyntheticTexture.exposed(TRUTH), new HoleMask(H, W, new boolean[H * W])).image().data());
  }

  @Test
  void rejectsWholeImageRegionAndBadTolerance() {
    boolean[] all = new boolean[H * W];
    Arrays.fill(all, true);
    var e = assertThrows(IllegalArgumentException.class, () -> BLENDER.blend(TRUTH, TRUTH, new HoleMask(H, W, all)));
    assertTrue(e.getMessage().contains("whole"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PoissonBlender(0));
    assertThrows(IllegalArgumentException.class, () -> BLENDER.blend(TRUTH, SyntheticTexture.texture(H, W - 1), BLOB));
  }
}
