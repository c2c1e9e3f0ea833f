package dev.worldfx.nodes.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.io.SafeTensorsWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shot model file: a round trip samples the same pixels; anything damaged is a clear error. */
class ShotModelTest {
  @TempDir
  Path dir;

  private final Video reference = MovingDiscs.shot(6, 32, 40);
  private final ShotModel model = ShotModel.build(reference, ShotModel.Pyramid.DEFAULT);

  @Test
  void roundTripGivesTheSameModelAndTheSameSamples() throws IOException {
    Path file = dir.resolve("m.safetensors");
    model.save(file);
    ShotModel loaded = ShotModel.load(file);
    assertEquals(model.levels().length, loaded.levels().length);
    for (int l = 0; l < model.levels().length; l++) {
      assertArrayEquals(model.levels()[l].data(), loaded.levels()[l].data(), "level " + l);
    }
    assertEquals(model.pyramid(), loaded.pyramid());
    Video a = VideoGpnn.sample(model, 10, 3, 0.25, () -> {}, f -> {});
    Video b = VideoGpnn.sample(loaded, 10, 3, 0.25, () -> {}, f -> {});
    assertArrayEquals(a.data(), b.data());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left beside the model");
    }
  }

  @Test
  void truncatedFileIsRefused() throws IOException {
    Path file = dir.resolve("m.safetensors");
    model.save(file);
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, all.length - 100));
    assertRefused(file, "");
    Files.write(file, Arrays.copyOf(all, 5));
    assertRefused(file, "");
  }

  @Test
  void damagedDataIsCaught() throws IOException {
    Path file = dir.resolve("m.safetensors");
    model.save(file);
    byte[] clean = Files.readAllBytes(file);
    byte[] all = clean.clone();
    all[all.length / 2] ^= 0x10; // inside level 0 (the largest tensor, written first)
    Files.write(file, all);
    assertRefused(file, "sourceDigest");
    all = clean.clone();
    all[all.length - 9] ^= 0x10; // inside the coarsest level, written last
    Files.write(file, all);
    assertRefused(file, "is not the pyramid level of level 0");
  }

  @Test
  void otherSafetensorsFilesAndGarbageAreRefused() throws IOException {
    Path other = dir.resolve("other.safetensors");
    try (Arena arena = Arena.ofConfined()) {
      SafeTensorsWriter.write(other, Map.of("w", Tensor.of(arena, new float[] {1, 2}, 2)), Map.of("format", "pt"));
    }
    assertRefused(other, "format 'pt'");
    Path garbage = dir.resolve("garbage.safetensors");
    Files.writeString(garbage, "this is not a model at all, just some text that goes on");
    assertRefused(garbage, "");
    assertRefused(dir.resolve("missing.safetensors"), "no such file");
  }

  @Test
  void wrongLevelShapeIsRefused() throws IOException {
    Path file = dir.resolve("m.safetensors");
    model.save(file);
    Path bad = dir.resolve("bad.safetensors");
    try (Arena arena = Arena.ofConfined()) {
      var st = dev.worldfx.inference.io.SafeTensors.open(file, arena);
      Map<String, Tensor> tensors = new java.util.HashMap<>();
      for (String n : st.names()) {
        tensors.put(n, st.tensor(n));
      }
      tensors.put("level1", Tensor.of(arena, new float[12], 1, 2, 2, 3));
      SafeTensorsWriter.write(bad, tensors, st.metadata());
    }
    assertRefused(bad, "level1");
  }

  private static void assertRefused(Path file, String mention) {
    ShotModelException e = assertThrows(ShotModelException.class, () -> ShotModel.load(file));
    assertTrue(e.getMessage().startsWith("shot model file " + file) && e.getMessage().contains(mention), e.getMessage());
  }
}
