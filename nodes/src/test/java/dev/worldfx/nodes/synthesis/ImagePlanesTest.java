package dev.worldfx.nodes.synthesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class ImagePlanesTest {

  @Test
  void roundTripsThroughTensorsOfBothShapes() {
    ImagePlanes img = SyntheticTexture.texture(6, 5);
    try (Arena arena = Arena.ofConfined()) {
      Tensor t = img.toTensor(arena); // [1,3,6,5]
      assertArrayEquals(new int[] {1, 3, 6, 5}, t.shape());
      assertEquals(img, withSameData(img, ImagePlanes.fromTensor(t)));
      assertEquals(img, withSameData(img, ImagePlanes.fromTensor(t.reshape(3, 6, 5))));
      assertThrows(IllegalArgumentException.class, () -> ImagePlanes.fromTensor(t.reshape(18, 5)));
    }
  }

  // records compare arrays by identity: check the contents, then compare with the same array
  private static ImagePlanes withSameData(ImagePlanes expected, ImagePlanes actual) {
    assertArrayEquals(expected.data(), actual.data());
    return new ImagePlanes(actual.channels(), actual.height(), actual.width(), expected.data());
  }

  @Test
  void matteThresholdIsOneHalfAndSizesAreChecked() {
    HoleMask m = HoleMask.fromMatte(1, 4, new float[] {0f, 0.49f, 0.5f, 1f});
    assertArrayEquals(new boolean[] {false, false, true, true}, m.fill());
    assertEquals(2, m.count());
    assertThrows(IllegalArgumentException.class, () -> HoleMask.fromMatte(2, 2, new float[3]));
    assertThrows(IllegalArgumentException.class, () -> new ImagePlanes(3, 2, 2, new float[11]));
  }
}
