package dev.worldfx.nodes.synthesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.synthesis.PatchMatchInpainter.Anchor;
import dev.worldfx.nodes.synthesis.PatchMatchInpainter.Quality;
import dev.worldfx.nodes.synthesis.PatchMatchInpainter.Settings;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PatchMatchInpainterTest {
  private static final int H = 120, W = 160;
  private static final ImagePlanes TRUTH = SyntheticTexture.texture(H, W);
  private static final HoleMask SQUARE = SyntheticTexture.rectangle(H, W, 60, 40, 40);
  private static final HoleMask BLOB = SyntheticTexture.blob(H, W, 70, 60, 18);
  private static final PatchMatchInpainter DRAFT = new PatchMatchInpainter(Settings.of(Quality.DRAFT));
  private static final PatchMatchInpainter FINAL = new PatchMatchInpainter(Settings.of(Quality.FINAL));

  @Test
  void pixelsOutsideTheHoleKeepTheirBits() {
    ImagePlanes hdr = TRUTH.copy();
    for (int i = 0; i < hdr.data().length; i += 97) {
      hdr.data()[i] = (i / 97) % 2 == 0 ? 7.25f : -3.5f; // HDR and negative values outside the hole
    }
    hdr.data()[5] = -0.0f;
    ImagePlanes input = SyntheticTexture.punched(hdr, BLOB);
    ImagePlanes out = DRAFT.fill(input, BLOB, 1);
    int changed = 0;
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < input.plane(); i++) {
        int k = c * input.plane() + i;
        if (!BLOB.fill()[i]) {
          assertEquals(Float.floatToRawIntBits(input.data()[k]), Float.floatToRawIntBits(out.data()[k]), "pixel " + k);
        } else if (out.data()[k] != input.data()[k]) {
          changed++;
        }
      }
    }
    assertEquals(3 * BLOB.count(), changed, "every hole sample is synthesised");
  }

  @Test
  void sameSeedSameResultOtherSeedOtherResult() {
    ImagePlanes input = SyntheticTexture.punched(TRUTH, SQUARE);
    float[] a = DRAFT.fill(input, SQUARE, 42).data();
    float[] b = DRAFT.fill(input, SQUARE, 42).data();
    float[] c = DRAFT.fill(input, SQUARE, 43).data();
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c), "the seed drives the random search");
  }

  @Test
  void beatsFlatDiffusionAndTeleaFillsOnPeriodicTexture() {
    for (HoleMask hole : new HoleMask[] {SQUARE, BLOB}) {
      ImagePlanes input = SyntheticTexture.punched(TRUTH, hole);
      double flat = SyntheticTexture.psnrInHole(ReferenceFills.flat(input, hole), TRUTH, hole);
      double diffusion = SyntheticTexture.psnrInHole(ReferenceFills.diffusion(input, hole), TRUTH, hole);
      double draft = SyntheticTexture.psnrInHole(DRAFT.fill(input, hole, 3), TRUTH, hole);
      double telea = SyntheticTexture.psnrInHole(TeleaFill.fill(input, hole, 5), TRUTH, hole);
      double fin = SyntheticTexture.psnrInHole(FINAL.fill(input, hole, 3), TRUTH, hole);
      System.out.printf(
          "hole %d px: flat %.2f dB, diffusion %.2f dB, Telea %.2f dB, PatchMatch draft %.2f dB, final %.2f dB%n",
          hole.count(), flat, diffusion, telea, draft, fin);
      double reference = Math.max(Math.max(flat, diffusion), telea);
      assertTrue(draft >= reference + 8, "draft " + draft + " dB vs best reference " + reference + " dB");
      assertTrue(fin >= reference + 8, "final " + fin + " dB vs best reference " + reference + " dB");
    }
  }

  @Test
  void anchorPullsTheFillTowardsItAndWeightZeroIsNoAnchor() {
    ImagePlanes input = SyntheticTexture.punched(TRUTH, SQUARE);
    ImagePlanes plain = DRAFT.fill(input, SQUARE, 5);
    assertArrayEquals(plain.data(), DRAFT.fill(input, SQUARE, 5, new Anchor(TRUTH, 0f)).data());
    // a previous frame's fill, here the truth itself: the anchored fill lands closer to it
    double free = SyntheticTexture.psnrInHole(plain, TRUTH, SQUARE);
    double anchored = SyntheticTexture.psnrInHole(DRAFT.fill(input, SQUARE, 5, new Anchor(TRUTH, 1f)), TRUTH, SQUARE);
    System.out.printf("anchor: free %.2f dB, anchored (weight 1) %.2f dB%n", free, anchored);
    assertTrue(anchored > free + 1, anchored + " vs " + free);
  }

  @Test
  void rejectsHoleWithoutSourcesAndBadSettings() {
    HoleMask all = new HoleMask(H, W, filled(H * W));
    var e = assertThrows(IllegalArgumentException.class, () -> DRAFT.fill(TRUTH, all, 1));
    assertTrue(e.getMessage().contains("covers too much"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Settings(6, 3, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> new Anchor(TRUTH, -1f));
    assertThrows(IllegalArgumentException.class,
        () -> DRAFT.fill(TRUTH, SyntheticTexture.rectangle(10, 10, 2, 2, 3), 1));
  }

  @Test
  void holeOnTheImageBorderIsFilled() {
    HoleMask corner = SyntheticTexture.rectangle(H, W, 0, 0, 30); // touches two image edges
    ImagePlanes input = SyntheticTexture.punched(TRUTH, corner);
    double flat = SyntheticTexture.psnrInHole(ReferenceFills.flat(input, corner), TRUTH, corner);
    double draft = SyntheticTexture.psnrInHole(DRAFT.fill(input, corner, 9), TRUTH, corner);
    System.out.printf("corner hole: flat %.2f dB, PatchMatch draft %.2f dB%n", flat, draft);
    assertTrue(draft >= flat + 8, draft + " vs " + flat);
  }

  @Test
  void emptyHoleIsACopy() {
    ImagePlanes out = DRAFT.fill(TRUTH, new HoleMask(H, W, new boolean[H * W]), 1);
    assertArrayEquals(TRUTH.data(), out.data());
  }

  private static boolean[] filled(int n) {
    boolean[] b = new boolean[n];
    Arrays.fill(b, true);
    return b;
  }
}
