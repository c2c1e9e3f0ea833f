package dev.worldfx.cli.exr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Our bit-pattern half conversions against the JDK's (an independent implementation), NaNs apart. */
class HalfTest {
  @Test
  void everyHalfSurvivesHalfToFloatToHalfIncludingNanPayloads() {
    for (int h = 0; h < 0x10000; h++) {
      int f = Half.toFloatBits((short) h);
      assertEquals((short) h, Half.fromFloatBits(f), "half " + Integer.toHexString(h));
      boolean nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
      if (nan) {
        assertEquals(h & 0x3FF, (f >>> 13) & 0x3FF, "payload of " + Integer.toHexString(h));
        assertEquals(0, f & 0x1FFF);
      } else {
        assertEquals(Float.float16ToFloat((short) h), Float.intBitsToFloat(f), "half " + Integer.toHexString(h));
      }
    }
  }

  @Test
  void floatToHalfRoundsToNearestEvenAsTheJdkDoes() {
    SplittableRandom random = new SplittableRandom(8);
    int[] edges = {0, 0x8000_0000, 0x477F_E000, 0x477F_EFFF, 0x477F_F000, 0x477F_F001, 0x3300_0000, 0x3300_0001,
        0x32FF_FFFF, 0x3380_0000, 0x3880_0000, 0x387F_FFFF, 0x387F_E000, 0x387F_F000, 0x7F80_0000, 0xFF80_0000};
    for (int f : edges) {
      assertEquals(Float.floatToFloat16(Float.intBitsToFloat(f)), Half.fromFloatBits(f), Integer.toHexString(f));
    }
    for (int i = 0; i < 2_000_000; i++) {
      int f = random.nextInt();
      if (Float.isNaN(Float.intBitsToFloat(f))) {
        short h = Half.fromFloatBits(f);
        assertEquals(0x7C00, h & 0x7C00);
        assertEquals(true, (h & 0x3FF) != 0, "a NaN stays a NaN: " + Integer.toHexString(f));
        continue;
      }
      assertEquals(Float.floatToFloat16(Float.intBitsToFloat(f)), Half.fromFloatBits(f), Integer.toHexString(f));
    }
  }
}
