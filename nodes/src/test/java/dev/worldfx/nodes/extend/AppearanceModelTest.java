package dev.worldfx.nodes.extend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The appearance network really trains on the shot: the loss falls, held-out frames improve, same seed same bits. */
class AppearanceModelTest {
  /** A 3x3 box blur: what resampling along a flow does to fine texture, which the network should undo. */
  private static ImagePlanes blur(ImagePlanes p) {
    int w = p.width(), h = p.height(), plane = w * h;
    float[] d = new float[p.data().length];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float s = 0;
          int n = 0;
          for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
              int xx = Math.clamp(x + dx, 0, w - 1), yy = Math.clamp(y + dy, 0, h - 1);
              s += p.data()[c * plane + yy * w + xx];
              n++;
            }
          }
          d[c * plane + y * w + x] = s / n;
        }
      }
    }
    return new ImagePlanes(3, h, w, d);
  }

  @Test
  void theLossFallsAndHeldOutFramesGetCloser() {
    Scene scene = Scene.pan(96, 64, 6, 1.3, 0.4);
    List<ImagePlanes> in = new ArrayList<>(), target = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      target.add(scene.rgb(i));
      in.add(blur(scene.rgb(i)));
    }
    AppearanceModel a = AppearanceModel.train(in, target, 150, 7);
    AppearanceModel b = AppearanceModel.train(in, target, 150, 7);
    float[] l = a.training.losses();
    double first = 0, last = 0;
    for (int i = 0; i < 10; i++) {
      first += l[i] / 10;
      last += l[l.length - 1 - i] / 10;
    }
    System.out.printf("appearance network: loss %.6f -> %.6f over %d steps, held-out %+.2f dB%n", first, last, l.length,
        a.training.validationGainDb());
    assertTrue(last < 0.75 * first, "the loss falls: " + first + " -> " + last);
    float[] m = a.training.monitorLosses();
    System.out.printf("loss on the fixed monitoring crops: %s%n", java.util.Arrays.toString(m));
    assertEquals(150 / AppearanceModel.MONITOR_EVERY + 1, m.length);
    assertTrue(m[m.length - 1] < 0.75 * m[0], "the loss on fixed crops falls: " + m[0] + " -> " + m[m.length - 1]);
    assertTrue(a.training.validationGainDb() > 0.5, "the held-out frame gets closer to the truth");
    assertArrayEquals(l, b.training.losses(), "same seed, same training");
  }
}
