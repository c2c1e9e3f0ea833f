package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.cli.exr.ExrPixelType;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** worldfx generate end to end, both forms, on a small PNG or EXR shot of a disc crossing a striped background. */
class GenerateCommandTest {
  private static final int W = 40;
  private static final int H = 32;

  @TempDir
  Path tmp;

  private void writeShot(int first, int last, int skip) throws IOException {
    writeShot(first, last, skip, null);
  }

  /** PNG 16-bit, or with {@code exr} an EXR sequence of that type whose values reach 4 (HDR). */
  private void writeShot(int first, int last, int skip, ExrPixelType exr) throws IOException {
    float gain = exr == null ? 1 : 4;
    try (Arena arena = Arena.ofConfined()) {
      for (int n = first; n <= last; n++) {
        if (n == skip) {
          continue;
        }
        FrameView f = FrameView.allocate(arena, new RectI(0, 0, W, H), exr == null ? PixelDepth.SHORT
            : PixelDepth.FLOAT, Components.RGBA);
        double cx = 8 + 3.0 * (n - first), cy = 12 + 1.0 * (n - first);
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            double cover = Math.clamp(6.5 - Math.hypot(x - cx, y - cy), 0, 1);
            for (int c = 0; c < 3; c++) {
              double bg = 0.45 + 0.3 * Math.sin((x + 0.6 * y) * 0.6 + c) * (0.6 + 0.4 * y / H);
              f.store(x, y, c, gain * (float) (bg * (1 - cover) + (c == 0 ? 0.9 : 0.15) * cover));
            }
            f.store(x, y, 3, 1f);
          }
        }
        if (exr == null) {
          PngWriter.write(f, tmp.resolve(String.format("IN/%04d.png", n)), 16, false);
        } else {
          ImageFiles.write(f, tmp.resolve(String.format("IN/%04d.exr", n)), new ImageFiles.Header(f.bounds(), true, exr));
        }
      }
    }
  }

  private CliRun generate(String... args) {
    return CliRun.of(Stream.concat(Stream.of("generate"), Stream.of(args)).toArray(String[]::new));
  }

  private String in() {
    return tmp.resolve("IN/%04d.png").toString();
  }

  private String out(String folder) {
    return tmp.resolve(folder + "/%04d.png").toString();
  }

  private List<String> names(String folder) throws IOException {
    try (Stream<Path> files = Files.list(tmp.resolve(folder))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private List<byte[]> pixels(String folder) throws IOException {
    List<byte[]> all = new ArrayList<>();
    for (String name : names(folder)) {
      try (Arena arena = Arena.ofConfined()) {
        FrameView f = ImageFiles.read(arena, tmp.resolve(folder).resolve(name));
        byte[] b = new byte[W * H * 3 * 4];
        int k = 0;
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            for (int c = 0; c < 3; c++) {
              int bits = Float.floatToIntBits(f.sample(x, y, c));
              b[k++] = (byte) bits;
              b[k++] = (byte) (bits >> 8);
              b[k++] = (byte) (bits >> 16);
              b[k++] = (byte) (bits >> 24);
            }
          }
        }
        all.add(b);
      }
    }
    return all;
  }

  @Test
  void referenceFormNumbersFromTheReferenceSavesTheModelAndTheModelFormMatches() throws IOException {
    writeShot(1000, 1005, -1);
    Path model = tmp.resolve("shot.safetensors");
    Path report = tmp.resolve("r.json");
    CliRun a = generate("--reference", in(), "--output", out("A"), "--frames", "9", "--seed", "4", "--save-model",
        model.toString(), "--report", report.toString());
    assertEquals(0, a.exit(), a.err());
    assertEquals(List.of("1000.png", "1001.png", "1002.png", "1003.png", "1004.png", "1005.png", "1006.png",
        "1007.png", "1008.png"), names("A"));
    assertTrue(Files.isRegularFile(model), a.err());
    String json = Files.readString(report);
    assertTrue(json.contains("\"msPerFrame\"") && json.contains("nothing is trained"), json);
    try (Arena arena = Arena.ofConfined()) {
      assertEquals(PixelDepth.SHORT, PngReader.read(arena, tmp.resolve("A/1000.png")).depth(), "the reference's depth");
      assertFalse(PngReader.hasAlpha(tmp.resolve("A/1000.png")));
    }

    CliRun again = generate("--reference", in(), "--output", out("B"), "--frames", "9", "--seed", "4");
    assertEquals(0, again.exit(), again.err());
    assertBytesEqual(pixels("A"), pixels("B"));

    CliRun fromModel = generate("--model", model.toString(), "--output", out("C"), "--frames", "9", "--seed", "4");
    assertEquals(0, fromModel.exit(), fromModel.err());
    assertEquals("0000.png", names("C").getFirst(), "the model form numbers from 0");
    assertEquals(9, names("C").size());
    assertBytesEqual(pixels("A"), pixels("C"));

    CliRun started = generate("--model", model.toString(), "--output", out("D"), "--frames", "2", "--seed", "5",
        "--start", "17");
    assertEquals(0, started.exit(), started.err());
    assertEquals(List.of("0017.png", "0018.png"), names("D"));
    assertFalse(java.util.Arrays.equals(pixels("A").getFirst(), pixels("D").getFirst()), "another seed, another sample");
  }

  @Test
  void anExrReferenceGivesExrFramesOfItsTypeAndItsModelRemembersTheType() throws IOException {
    writeShot(5, 9, -1, ExrPixelType.HALF);
    Path model = tmp.resolve("hdr.safetensors");
    CliRun a = generate("--reference", tmp.resolve("IN/%04d.exr").toString(), "--output",
        tmp.resolve("A/%04d.exr").toString(), "--frames", "6", "--seed", "2", "--save-model", model.toString());
    assertEquals(0, a.exit(), a.err());
    assertEquals(List.of("0005.exr", "0006.exr", "0007.exr", "0008.exr", "0009.exr", "0010.exr"), names("A"));
    ImageFiles.Header header = ImageFiles.header(tmp.resolve("A/0005.exr"));
    assertEquals(ExrPixelType.HALF, header.exrType(), "half in, half out");
    assertFalse(header.alpha(), "generated frames are RGB");
    float max = 0;
    try (Arena arena = Arena.ofConfined()) {
      FrameView f = ImageFiles.read(arena, tmp.resolve("A/0005.exr"));
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          max = Math.max(max, f.sample(x, y, 0));
        }
      }
    }
    assertTrue(max > 1.5f, "HDR values pass through unclamped: max " + max);

    CliRun fromModel = generate("--model", model.toString(), "--output", tmp.resolve("B/%04d.exr").toString(),
        "--frames", "6", "--seed", "2", "--start", "5");
    assertEquals(0, fromModel.exit(), fromModel.err());
    assertEquals(ExrPixelType.HALF, ImageFiles.header(tmp.resolve("B/0005.exr")).exrType(), "the model kept the type");
    assertBytesEqual(pixels("A"), pixels("B"));

    CliRun png = generate("--model", model.toString(), "--output", out("C"), "--frames", "1", "--seed", "2");
    assertEquals(0, png.exit(), png.err());
    try (Arena arena = Arena.ofConfined()) {
      assertEquals(PixelDepth.SHORT, PngReader.read(arena, tmp.resolve("C/0000.png")).depth(), "EXR to PNG is 16-bit");
    }
  }

  @Test
  void usageErrorsExitTwo() throws IOException {
    writeShot(0, 3, -1);
    Path model = tmp.resolve("m.safetensors");
    assertEquals(2, generate("--output", out("O"), "--frames", "3").exit(), "neither --reference nor --model");
    assertEquals(2, generate("--reference", in(), "--model", model.toString(), "--output", out("O"), "--frames", "3")
        .exit(), "both");
    assertEquals(2, generate("--reference", in(), "--output", out("O"), "--frames", "0").exit());
    assertEquals(2, generate("--reference", in(), "--output", out("O"), "--frames", "3", "--variation", "2").exit());
    assertEquals(2, generate("--reference", in(), "--output", tmp.resolve("O/plain.png").toString(), "--frames", "3")
        .exit(), "no frame-number field");
  }

  @Test
  void inputErrorsExitThreeWithOneLine() throws IOException {
    CliRun none = generate("--reference", in(), "--output", out("O"), "--frames", "3");
    assertEquals(3, none.exit(), none.err());
    writeShot(0, 4, 2);
    CliRun gaps = generate("--reference", in(), "--output", out("O"), "--frames", "3");
    assertEquals(3, gaps.exit(), gaps.err());
    assertTrue(gaps.err().contains("gaps"), gaps.err());

    Path bad = tmp.resolve("bad.safetensors");
    Files.writeString(bad, "not a model");
    CliRun corrupt = generate("--model", bad.toString(), "--output", out("O"), "--frames", "3", "--seed", "1");
    assertEquals(3, corrupt.exit(), corrupt.err());
    assertTrue(corrupt.err().startsWith("worldfx: error: shot model file ") && corrupt.err().strip().lines().count() == 1,
        corrupt.err());
    CliRun missing = generate("--model", tmp.resolve("none.safetensors").toString(), "--output", out("O"), "--frames",
        "3");
    assertEquals(3, missing.exit(), missing.err());
    assertFalse(Files.exists(tmp.resolve("O")), "nothing written on an input error");
  }

  @Test
  void anUnwritableModelFileIsAnOutputErrorBeforeAnyWork() throws IOException {
    writeShot(0, 3, -1);
    Files.writeString(tmp.resolve("blocker"), "a file where a folder should be");
    CliRun r = generate("--reference", in(), "--output", out("O"), "--frames", "3", "--save-model",
        tmp.resolve("blocker/m.safetensors").toString());
    assertEquals(Main.EXIT_OUTPUT, r.exit(), r.err());
    assertTrue(r.err().startsWith("worldfx: error: --save-model folder ") && r.err().strip().lines().count() == 1,
        r.err());
    assertEquals(List.of(), names("O"), "no frame sampled or written");
  }

  private static void assertBytesEqual(List<byte[]> a, List<byte[]> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "frame " + i);
    }
  }
}
