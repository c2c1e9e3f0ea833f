package dev.worldfx.nodes.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
  private static byte[] hash(int fill) {
    byte[] h = new byte[32];
    Arrays.fill(h, (byte) fill);
    return h;
  }

  private static CacheKey.Builder base() {
    return CacheKey.builder("dev.worldfx.Inpaint", "1.0", 42)
        .param("quality", "final")
        .param("dilate", 3L)
        .param("feather", 1.5)
        .param("flip", true)
        .input("Source", 1.0, hash(0x11))
        .input("Matte", 1.0, hash(0x22));
  }

  @Test
  void encodingIsTheDocumentedLayout() throws IOException {
    var bytes = new ByteArrayOutputStream();
    var out = new DataOutputStream(bytes);
    out.write("WFXKEY1\n".getBytes(StandardCharsets.US_ASCII));
    str(out, "dev.worldfx.Inpaint");
    str(out, "1.0");
    out.writeLong(42);
    out.writeInt(4); // sorted by name: dilate, feather, flip, quality
    str(out, "dilate");
    out.writeByte('I');
    out.writeLong(3);
    str(out, "feather");
    out.writeByte('D');
    out.writeLong(Double.doubleToLongBits(1.5));
    str(out, "flip");
    out.writeByte('B');
    out.writeByte(1);
    str(out, "quality");
    out.writeByte('S');
    str(out, "final");
    out.writeInt(2); // sorted by clip: Matte before Source
    str(out, "Matte");
    out.writeLong(Double.doubleToLongBits(1.0));
    out.writeInt(32);
    out.write(hash(0x22));
    str(out, "Source");
    out.writeLong(Double.doubleToLongBits(1.0));
    out.writeInt(32);
    out.write(hash(0x11));
    assertArrayEquals(bytes.toByteArray(), base().encoding());
    assertArrayEquals(CacheKey.sha256(bytes.toByteArray()), base().build().digest());
  }

  /** Pins the format: if this digest changes, every cache on every machine turns into misses. */
  @Test
  void digestOfAFixedInputIsPinned() {
    assertEquals(PINNED_HEX, base().build().hex());
  }

  private static final String PINNED_HEX = "345a48b77f6e783c07f5bfbeb54bf2a9427f7ed24574cdbd8cecdee0c4ef9c03";

  @Test
  void orderOfAddingDoesNotMatter() {
    CacheKey reordered = CacheKey.builder("dev.worldfx.Inpaint", "1.0", 42)
        .input("Matte", 1.0, hash(0x22))
        .param("flip", true)
        .input("Source", 1.0, hash(0x11))
        .param("feather", 1.5)
        .param("quality", "final")
        .param("dilate", 3L)
        .build();
    assertEquals(base().build(), reordered);
    assertEquals(base().build().hashCode(), reordered.hashCode());
  }

  @Test
  void everyFieldChangesTheKey() {
    Map<String, CacheKey> keys = new LinkedHashMap<>();
    keys.put("base", base().build());
    keys.put("node id", CacheKey.builder("dev.worldfx.ExtendShot", "1.0", 42).param("quality", "final")
        .param("dilate", 3L).param("feather", 1.5).param("flip", true)
        .input("Source", 1.0, hash(0x11)).input("Matte", 1.0, hash(0x22)).build());
    keys.put("version", CacheKey.builder("dev.worldfx.Inpaint", "1.1", 42).param("quality", "final")
        .param("dilate", 3L).param("feather", 1.5).param("flip", true)
        .input("Source", 1.0, hash(0x11)).input("Matte", 1.0, hash(0x22)).build());
    keys.put("seed", CacheKey.builder("dev.worldfx.Inpaint", "1.0", 43).param("quality", "final")
        .param("dilate", 3L).param("feather", 1.5).param("flip", true)
        .input("Source", 1.0, hash(0x11)).input("Matte", 1.0, hash(0x22)).build());
    keys.put("string value", base().param("extra", "a").build());
    keys.put("other string value", base().param("extra", "b").build());
    keys.put("same text, long type", base().param("extra", 1L).build());
    keys.put("same text, string type", base().param("extra", "1").build());
    keys.put("double", base().param("extra", 1.0).build());
    keys.put("boolean", base().param("extra", true).build());
    keys.put("other name", base().param("extra2", true).build());
    keys.put("input hash", base().input("Source", 2.0, hash(0x33)).build());
    keys.put("input time", base().input("Source", 3.0, hash(0x33)).build());
    keys.put("input clip", base().input("Mask", 2.0, hash(0x33)).build());
    keys.put("one bit of a hash", CacheKey.builder("dev.worldfx.Inpaint", "1.0", 42).param("quality", "final")
        .param("dilate", 3L).param("feather", 1.5).param("flip", true)
        .input("Source", 1.0, flipBit(hash(0x11))).input("Matte", 1.0, hash(0x22)).build());
    Set<CacheKey> distinct = new HashSet<>(keys.values());
    assertEquals(keys.size(), distinct.size(), "some field did not change the key: " + keys);
  }

  @Test
  void lengthPrefixesKeepFieldBoundaries() {
    assertNotEquals(CacheKey.builder("ab", "c", 0).build(), CacheKey.builder("a", "bc", 0).build());
    assertNotEquals(CacheKey.builder("n", "v", 0).param("ab", "c").build(),
        CacheKey.builder("n", "v", 0).param("a", "bc").build());
  }

  @Test
  void negativeZeroAndNaNAreCanonical() {
    assertEquals(CacheKey.builder("n", "v", 0).param("x", -0.0).build(), CacheKey.builder("n", "v", 0).param("x", 0.0).build());
    assertEquals(CacheKey.builder("n", "v", 0).param("x", Double.longBitsToDouble(0x7ff8000000000123L)).build(),
        CacheKey.builder("n", "v", 0).param("x", Double.NaN).build());
  }

  @Test
  void mistakesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> base().param("quality", "draft"));
    assertThrows(IllegalArgumentException.class, () -> base().input("Source", 1.0, hash(0x44)));
    assertThrows(IllegalArgumentException.class, () -> base().input("Source", 2.0, new byte[16]));
    assertThrows(IllegalArgumentException.class, () -> CacheKey.builder("", "1", 0));
  }

  private static byte[] flipBit(byte[] b) {
    b[31] ^= 1;
    return b;
  }

  private static void str(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }
}
