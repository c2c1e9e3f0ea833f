package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.io.SafeTensors;
import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.extend.ExtendShotNode;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SpecParamValues;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `worldfx extend --save-model` (or the ExtendShot node's Save shot model to) then `worldfx generate --model`:
 * the same files, byte for byte.
 */
class ExtendModelCommandTest {
  private static final int W = 48;
  private static final int H = 32;

  @TempDir
  Path tmp;

  /** A panning texture with a square moving faster than the pan; with {@code alpha}, 8-bit RGBA whose alpha varies. */
  private void writeShot(int first, int last, boolean alpha) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      for (int n = first; n <= last; n++) {
        FrameView f = FrameView.allocate(arena, new RectI(0, 0, W, H), alpha ? PixelDepth.BYTE : PixelDepth.SHORT,
            Components.RGBA);
        int t = n - first;
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            double u = x + 1.5 * n;
            boolean square = x >= 6 + 3 * t && x < 14 + 3 * t && y >= 10 && y < 18;
            for (int c = 0; c < 3; c++) {
              f.store(x, y, c, square ? 0.95f
                  : (float) (0.5 + 0.3 * Math.sin(u * 0.45 + c) * Math.cos(y * 0.35 + 0.2 * c)));
            }
            f.store(x, y, 3, alpha ? (float) (0.2 + 0.8 * x / W) : 1f);
          }
        }
        PngWriter.write(f, tmp.resolve(String.format("IN/%04d.png", n)), alpha ? 8 : 16, alpha);
      }
    }
  }

  private String in() {
    return tmp.resolve("IN/%04d.png").toString();
  }

  private String out(String folder) {
    return tmp.resolve(folder + "/%04d.png").toString();
  }

  private void assertSameFiles(String a, String b, List<String> names) throws IOException {
    assertEquals(names, TestShot.listing(tmp.resolve(a)));
    assertEquals(names, TestShot.listing(tmp.resolve(b)));
    for (String name : names) {
      assertArrayEquals(Files.readAllBytes(tmp.resolve(a).resolve(name)), Files.readAllBytes(tmp.resolve(b).resolve(name)),
          b + "/" + name + " is " + a + "/" + name + " byte for byte");
    }
  }

  @Test
  void forwardTheModelFileWritesExtendsFramesByteForByte() throws IOException {
    writeShot(1000, 1011, false);
    Path model = tmp.resolve("m.safetensors");
    CliRun e = CliRun.of("extend", "--input", in(), "--output", out("EXT"), "--frames", "4", "--direction", "forward",
        "--backtest", "4", "--save-model", model.toString());
    assertEquals(0, e.exit(), e.err());
    assertTrue(Files.isRegularFile(model) && e.err().contains("wrote the shot model"), e.err());
    List<String> names = List.of("1012.png", "1013.png", "1014.png", "1015.png");

    CliRun g = CliRun.of("generate", "--model", model.toString(), "--output", out("GEN"), "--frames", "4");
    assertEquals(0, g.exit(), g.err());
    assertSameFiles("EXT", "GEN", names);

    CliRun started = CliRun.of("generate", "--model", model.toString(), "--output", out("S"), "--frames", "2",
        "--start", "7", "--seed", "0");
    assertEquals(0, started.exit(), started.err());
    assertEquals(List.of("0007.png", "0008.png"), TestShot.listing(tmp.resolve("S")));
    assertArrayEquals(Files.readAllBytes(tmp.resolve("EXT/1013.png")), Files.readAllBytes(tmp.resolve("S/0008.png")));

    CliRun seed = CliRun.of("generate", "--model", model.toString(), "--output", out("X"), "--frames", "2", "--seed",
        "5");
    assertEquals(2, seed.exit(), seed.err());
    assertTrue(seed.err().contains("fitted with seed 0"), seed.err());
    CliRun variation = CliRun.of("generate", "--model", model.toString(), "--output", out("X"), "--frames", "2",
        "--variation", "0.5");
    assertEquals(2, variation.exit(), variation.err());
    assertFalse(Files.exists(tmp.resolve("X")), "nothing written on a usage error");
  }

  @Test
  void backwardWithAlphaNumbersBeforeTheShotAndKeepsTheNearestFramesAlpha() throws IOException {
    writeShot(500, 507, true);
    Path model = tmp.resolve("back.safetensors");
    CliRun e = CliRun.of("extend", "--input", in(), "--output", out("EXT"), "--frames", "3", "--direction", "backward",
        "--backtest", "0", "--save-model", model.toString());
    assertEquals(0, e.exit(), e.err());
    CliRun g = CliRun.of("generate", "--model", model.toString(), "--output", out("GEN"), "--frames", "3");
    assertEquals(0, g.exit(), g.err());
    assertSameFiles("EXT", "GEN", List.of("0497.png", "0498.png", "0499.png"));
    assertTrue(PngReader.hasAlpha(tmp.resolve("GEN/0497.png")), "the input's alpha");

    CliRun started = CliRun.of("generate", "--model", model.toString(), "--output", out("S"), "--frames", "3",
        "--start", "10");
    assertEquals(0, started.exit(), started.err());
    assertArrayEquals(Files.readAllBytes(tmp.resolve("EXT/0499.png")), Files.readAllBytes(tmp.resolve("S/0012.png")),
        "backward in time order: the frame nearest the shot gets the highest number");
  }

  /** The ExtendShot node's Save shot model to writes what `extend --save-model` writes, plus the solve's key. */
  @Test
  void theNodeWritesTheModelExtendWritesApartFromItsSolveKey() throws IOException {
    writeShot(0, 9, true);
    Path cli = tmp.resolve("cli.safetensors");
    CliRun e = CliRun.of("extend", "--input", in(), "--output", out("EXT"), "--frames", "3", "--direction", "forward",
        "--backtest", "2", "--save-model", cli.toString());
    assertEquals(0, e.exit(), e.err());
    Path fromNode = tmp.resolve("node.safetensors");
    RectI b = new RectI(0, 0, W, H);
    try (Arena arena = Arena.ofShared()) {
      List<FrameView> frames = new java.util.ArrayList<>();
      for (int n = 0; n <= 9; n++) {
        frames.add(ImageFiles.read(arena, tmp.resolve(String.format("IN/%04d.png", n))));
      }
      SequenceCache cache = SequenceCache.open(tmp.resolve("cache"), 1L << 30);
      ExtendShotNode node = new ExtendShotNode(() -> cache);
      node.render(new LocalRenderContext(NodeContext.FILTER, 10, b, new SpecParamValues(node.descriptor(),
          NodeContext.FILTER, Map.of("framesToAdd", "3", "backtestFrames", "2", "saveModel", fromNode.toString())),
          new InMemoryShot(0).with(ClipSpec.SOURCE, frames)), FrameView.allocate(arena, b, PixelDepth.BYTE,
          Components.RGBA));
      SafeTensors a = SafeTensors.open(cli, arena);
      SafeTensors n = SafeTensors.open(fromNode, arena);
      Map<String, String> expected = new TreeMap<>(a.metadata());
      Map<String, String> got = new TreeMap<>(n.metadata());
      assertTrue(got.remove("solveKey").matches("[0-9a-f]{64}"), got.toString());
      assertFalse(expected.remove("digest").equals(got.remove("digest")), "the digest covers the solve key too");
      assertEquals(expected, got);
      assertEquals(a.names(), n.names());
      for (String name : a.names()) {
        assertArrayEquals(a.tensor(name).toArray(), n.tensor(name).toArray(), name);
      }
    }
    CliRun g = CliRun.of("generate", "--model", fromNode.toString(), "--output", out("GEN"), "--frames", "3");
    assertEquals(0, g.exit(), g.err());
    assertSameFiles("EXT", "GEN", List.of("0010.png", "0011.png", "0012.png"));
  }

  @Test
  void anUnwritableModelIsAnOutputErrorBeforeAnyWorkAndADamagedOneAnInputError() throws IOException {
    writeShot(0, 5, false);
    Files.writeString(tmp.resolve("blocker"), "a file where a folder should be");
    CliRun r = CliRun.of("extend", "--input", in(), "--output", out("EXT"), "--frames", "2", "--direction", "forward",
        "--save-model", tmp.resolve("blocker/m.safetensors").toString());
    assertEquals(Main.EXIT_OUTPUT, r.exit(), r.err());
    assertTrue(r.err().startsWith("worldfx: error: --save-model folder ") && r.err().strip().lines().count() == 1,
        r.err());
    assertEquals(List.of(), TestShot.listing(tmp.resolve("EXT")), "nothing predicted or written");

    Path model = tmp.resolve("m.safetensors");
    assertEquals(0, CliRun.of("extend", "--input", in(), "--output", out("EXT"), "--frames", "1", "--direction",
        "forward", "--backtest", "0", "--save-model", model.toString()).exit());
    byte[] bytes = Files.readAllBytes(model);
    Path cut = tmp.resolve("cut.safetensors");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    CliRun damaged = CliRun.of("generate", "--model", cut.toString(), "--output", out("GEN"), "--frames", "1");
    assertEquals(3, damaged.exit(), damaged.err());
    assertTrue(damaged.err().startsWith("worldfx: error: shot model file ") && damaged.err().contains("cut.safetensors")
        && damaged.err().strip().lines().count() == 1, damaged.err());
  }
}
