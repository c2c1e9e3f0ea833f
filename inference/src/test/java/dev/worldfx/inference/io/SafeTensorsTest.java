package dev.worldfx.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.DType;
import dev.worldfx.inference.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir
  Path dir;

  // --- round trips -----------------------------------------------------------------------

  @Test
  void roundTripKeepsEveryDtypeShapeValueAndTheMetadata() throws IOException {
    Path file = dir.resolve("m.safetensors");
    try (Arena arena = Arena.ofConfined()) {
      Map<String, Tensor> in = new LinkedHashMap<>();
      in.put("f32", Tensor.of(arena, new float[] {1.5f, -2f, 3.25f, Float.MIN_VALUE, -0f, 1e30f}, 2, 3));
      in.put("f16", Tensor.of(arena, new float[] {0.5f, -1f, 65504f, 6.1035156e-5f, 2f}, 5).to(arena, DType.F16));
      in.put("bf16", Tensor.of(arena, new float[] {1f, -3.140625f, 1e38f, 0f}, 2, 2).to(arena, DType.BF16));
      in.put("scalar", Tensor.of(arena, new float[] {7f}));
      in.put("empty", Tensor.zeros(arena, 0, 3));
      // A strided view: written packed, in row-major order of its own shape.
      in.put("transposed", Tensor.of(arena, new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1));
      Map<String, String> meta = Map.of("framework", "worldfx", "note", "ünïcode \"quoted\"");
      SafeTensorsWriter.write(file, in, meta);

      SafeTensors st = SafeTensors.open(file, arena);
      assertEquals(meta, st.metadata());
      assertEquals(in.keySet(), new HashSet<>(st.names()));
      for (Map.Entry<String, Tensor> e : in.entrySet()) {
        Tensor got = st.tensor(e.getKey());
        assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
        assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
        assertArrayEquals(e.getValue().toArray(), got.toArray(), e.getKey()); // bit-exact: same storage type
        assertTrue(got.data().isMapped() && got.data().isReadOnly(), "zero-copy read-only view of the mapping");
      }
      assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, st.tensor("transposed").toArray());
    }
  }

  @Test
  void writerAlignsTheDataAreaAndEachTensorToItsElementSize() throws IOException {
    Path file = dir.resolve("a.safetensors");
    try (Arena arena = Arena.ofConfined()) {
      // Odd-sized 16-bit tensors and a name length that would misalign an unpadded header.
      SafeTensorsWriter.write(file, Map.of(
          "h", Tensor.zeros(arena, 3).to(arena, DType.F16),
          "b", Tensor.zeros(arena, 1).to(arena, DType.BF16),
          "w", Tensor.zeros(arena, 5)), Map.of());
      byte[] bytes = Files.readAllBytes(file);
      long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertEquals(0, (8 + n) % 8);
      String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
      // Reference order: F32 first, then BF16, then F16, so no 4-byte tensor follows a 2-byte one.
      assertTrue(header.indexOf("\"w\"") < header.indexOf("\"b\"") && header.indexOf("\"b\"") < header.indexOf("\"h\""), header);
    }
  }

  // --- the reference implementation's layout (huggingface/safetensors, safetensors/src/tensor.rs) ----

  /** 8-byte little-endian N, N bytes of JSON padded with spaces, then the data. */
  private static byte[] file(String header, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
    out.writeBytes(h);
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static byte[] f32le(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Test
  void writerProducesTheReferenceBytesForItsDocumentedExamples() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      Tensor t = Tensor.of(arena, new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3);
      // The JSON is exactly 64 bytes: no padding.
      assertWrites(file("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", f32le(0, 1, 2, 3, 4, 5)),
          Map.of("attn.0", t), Map.of());
      // A one byte shorter name plus a fourth dim makes 65 bytes, padded with 7 spaces to 72.
      assertWrites(file("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ",
          f32le(0, 1, 2, 3, 4, 5)), Map.of("attn0", t.reshape(1, 1, 2, 3)), Map.of());
      assertWrites(file("{}      ", new byte[0]), Map.of(), Map.of());
      assertWrites(file("{\"__metadata__\":{\"framework\":\"pt\"}}     ", new byte[0]), Map.of(), Map.of("framework", "pt"));
    }
  }

  private void assertWrites(byte[] expected, Map<String, Tensor> tensors, Map<String, String> meta) throws IOException {
    Path file = dir.resolve("ref.safetensors");
    SafeTensorsWriter.write(file, tensors, meta);
    assertArrayEquals(expected, Files.readAllBytes(file));
  }

  @Test
  void readsTheReferenceLayoutIncludingUnpaddedHeadersAndAnyTensorOrder() throws IOException {
    // Unpadded (older writers): data starts at byte 8 + 61, not aligned; tensors listed out of offset order.
    byte[] bytes = file("{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
        + "\"a\":{\"shape\":[2],\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", f32le(1, 2, 3, 4));
    try (Arena arena = Arena.ofConfined()) {
      SafeTensors st = open(bytes, arena);
      assertArrayEquals(new float[] {1, 2}, st.tensor("a").toArray());
      assertArrayEquals(new float[] {3, 4}, st.tensor("b").toArray());
      assertEquals(List.of("b", "a"), List.copyOf(st.names()));
      assertEquals(Map.of(), st.metadata());
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> st.tensor("c"));
      assertTrue(missing.getMessage().contains("no tensor 'c'"), missing.getMessage());
    }
  }

  @Test
  void readsF16AndBf16BitPatterns() throws IOException {
    // 0x3C00 = 1.0 in F16; 0xC000 = -2.0; 0x3F80 = 1.0 in BF16; 0x4049 = 3.140625.
    byte[] data = {0x00, 0x3C, 0x00, (byte) 0xC0, (byte) 0x80, 0x3F, 0x49, 0x40};
    byte[] bytes = file("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}", data);
    try (Arena arena = Arena.ofConfined()) {
      SafeTensors st = open(bytes, arena);
      assertArrayEquals(new float[] {1f, -2f}, st.tensor("h").toArray());
      assertArrayEquals(new float[] {1f, 3.140625f}, st.tensor("b").toArray());
    }
  }

  private SafeTensors open(byte[] bytes, Arena arena) throws IOException {
    Path file = Files.createTempFile(dir, "t", ".safetensors");
    Files.write(file, bytes);
    return SafeTensors.open(file, arena);
  }

  // --- corrupt and truncated files -----------------------------------------------------------

  private static final String ONE = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

  private void assertRejected(byte[] bytes, String expectedInMessage) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      ModelFileException e = assertThrows(ModelFileException.class, () -> open(bytes, arena));
      assertTrue(e.getMessage().contains(expectedInMessage), "message '" + e.getMessage() + "' lacks '" + expectedInMessage + "'");
    }
  }

  private static byte[] withLength(long n, byte[] rest) {
    ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(n).put(rest);
    return b.array();
  }

  @Test
  void rejectsBadHeaderLengths() throws IOException {
    assertRejected(new byte[5], "shorter than the 8-byte header length");
    assertRejected(withLength(1000, "{}".getBytes(StandardCharsets.UTF_8)), "runs past the end");
    assertRejected(withLength(SafeTensors.MAX_HEADER_BYTES + 1, new byte[16]), "cap");
    assertRejected(withLength(-1, new byte[16]), "18446744073709551615"); // u64 max, named as such
  }

  @Test
  void rejectsMalformedHeaders() throws IOException {
    assertRejected(file("{\"x\":{\"dtype\":", new byte[0]), "not valid safetensors JSON");
    assertRejected(file("[]", new byte[0]), "does not start with '{'");
    assertRejected(file("{} {}", new byte[0]), "not valid safetensors JSON");
    assertRejected(file("{\"x\":5}", new byte[0]), "not valid safetensors JSON");
    assertRejected(withLength(2, new byte[] {'{', (byte) 0xFF}), "not UTF-8");
    assertRejected(file(ONE.replace("}}", "},\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}"), new byte[8]),
        "names tensor 'x' twice");
    assertRejected(file("{\"x\":{\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]), "lacks dtype");
    assertRejected(file(ONE.replace("[0,8]", "[0,8,9]"), new byte[8]), "[begin, end]");
    assertRejected(file(ONE.replace("[2]", "[\"2\"]"), new byte[8]), "non-number");
    assertRejected(file(ONE.replace("[2]", "[2.5]"), new byte[8]), "not an integer");
    assertRejected(file(ONE.replace("[2]", "[-2]"), new byte[8]), "negative value -2");
    assertRejected(file(ONE.replace("[0,8]", "[-8,0]"), new byte[8]), "negative value -8");
    assertRejected(file("{\"__metadata__\":{\"k\":1}," + ONE.substring(1), new byte[8]), "value of 'k' is not a string");
  }

  @Test
  void rejectsUnsupportedDtypesByName() throws IOException {
    for (String dtype : List.of("I64", "F64", "U8", "BOOL", "F8_E4M3", "nonsense")) {
      assertRejected(file(ONE.replace("F32", dtype), new byte[8]), "dtype " + dtype + "; WorldFX reads F32, F16 and BF16");
    }
  }

  @Test
  void rejectsOffsetsThatBreakTheDataArea() throws IOException {
    assertRejected(file(ONE.replace("[0,8]", "[0,12]"), new byte[12]), "holds 12 bytes but F32 [2] needs 8");
    assertRejected(file(ONE.replace("[0,8]", "[4,12]"), new byte[8]), "run past the 8-byte data area");
    assertRejected(file(ONE.replace("[0,8]", "[8,0]"), new byte[8]), "end before they begin");
    assertRejected(file(ONE, new byte[12]), "[8, 12) at the end belong to no tensor");
    assertRejected(file(ONE.replace("[0,8]", "[4,12]"), new byte[12]), "[0, 4) belong to no tensor");
    assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]), "overlap tensor 'a'");
  }

  @Test
  void rejectsShapesWhoseSizeOverflows() throws IOException {
    // 2^31-1 cubed * 4 bytes overflows 64 bits; a naive product would wrap to a small number.
    assertRejected(file(ONE.replace("[2]", "[2147483647,2147483647,2147483647]"), new byte[8]), "overflows 64-bit size");
    assertRejected(file(ONE.replace("[2]", "[4294967296]"), new byte[8]), "above the 2^31-1");
    assertRejected(file(ONE.replace("[2]", "[99999999999999999999]"), new byte[8]), "not an integer in range");
    // A product that fits but is huge: caught as a size mismatch, never an allocation or read.
    assertRejected(file(ONE.replace("[2]", "[1048576,1048576]"), new byte[8]), "needs 4398046511104");
  }

  @Test
  void rejectsATruncatedFile() throws IOException {
    Path file = dir.resolve("full.safetensors");
    try (Arena arena = Arena.ofConfined()) {
      SafeTensorsWriter.write(file, Map.of("w", Tensor.zeros(arena, 4, 4)), Map.of());
    }
    byte[] full = Files.readAllBytes(file);
    assertRejected(Arrays.copyOf(full, full.length - 1), "run past");
    assertRejected(Arrays.copyOf(full, 20), "runs past the end");
  }

  /** Every truncation and many random byte flips: a clear exception or a file whose every tensor reads in bounds. */
  @Test
  void damagedFilesNeverEscapeAsAnythingButModelFileException() throws IOException {
    Path file = dir.resolve("good.safetensors");
    try (Arena arena = Arena.ofConfined()) {
      SafeTensorsWriter.write(file, Map.of("w", Tensor.zeros(arena, 3, 5), "h", Tensor.zeros(arena, 7).to(arena, DType.F16)),
          Map.of("k", "v"));
    }
    byte[] good = Files.readAllBytes(file);
    Random random = new Random(42);
    for (int trial = 0; trial < 400; trial++) {
      byte[] bad = trial < good.length ? Arrays.copyOf(good, trial) : good.clone();
      if (trial >= good.length) {
        for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
          bad[random.nextInt(Math.min(bad.length, 8 + 120))] = (byte) random.nextInt(256);
        }
      }
      try (Arena arena = Arena.ofConfined()) {
        SafeTensors st;
        try {
          st = open(bad, arena);
        } catch (ModelFileException expected) {
          continue;
        }
        for (String name : st.names()) {
          st.tensor(name).toArray();
        }
      }
    }
  }

  // --- atomic writes ----------------------------------------------------------------------------

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    try (Arena arena = Arena.ofConfined()) {
      SafeTensorsWriter.write(file, Map.of("w", Tensor.of(arena, new float[] {1, 2}, 2)), Map.of());
    }
    byte[] before = Files.readAllBytes(file);
    Tensor dead;
    try (Arena gone = Arena.ofConfined()) {
      dead = Tensor.zeros(gone, 1000);
    }
    // The header is written before the data; reading the closed tensor then fails mid-file.
    Map<String, Tensor> tensors = Map.of("w", dead);
    assertThrows(IllegalStateException.class, () -> SafeTensorsWriter.write(file, tensors, Map.of()));
    assertArrayEquals(before, Files.readAllBytes(file));
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(file), listing.toList());
    }
  }

  @Test
  void reservedMetadataNameCannotNameATensor() {
    try (Arena arena = Arena.ofConfined()) {
      Map<String, Tensor> tensors = Map.of("__metadata__", Tensor.zeros(arena, 1));
      assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(dir.resolve("x"), tensors, Map.of()));
    }
  }
}
