package dev.worldfx.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.inference.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
  @TempDir
  Path dir;

  private void writeModel(String file, float... values) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      SafeTensorsWriter.write(dir.resolve(file), Map.of("w", Tensor.of(arena, values, values.length)), Map.of());
    }
  }

  @Test
  void sha256MatchesTheFips180TestVector() {
    MemorySegment abc = MemorySegment.ofArray("abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ModelRegistry.sha256(abc));
  }

  @Test
  void recordsAModelAndLoadsItAfterReopening() throws IOException {
    writeModel("a.safetensors", 1, 2, 3);
    ModelRegistry.Entry e = ModelRegistry.open(dir).add("a", "a.safetensors");
    assertEquals(64, e.sha256().length());

    ModelRegistry reopened = ModelRegistry.open(dir);
    assertEquals(List.of(e), reopened.entries());
    try (Arena arena = Arena.ofConfined()) {
      assertArrayEquals(new float[] {1, 2, 3}, reopened.load("a", arena).tensor("w").toArray());
    }
  }

  @Test
  void aChangedFileFailsItsHashCheck() throws IOException {
    writeModel("a.safetensors", 1, 2, 3);
    ModelRegistry registry = ModelRegistry.open(dir);
    registry.add("a", "a.safetensors");
    writeModel("a.safetensors", 1, 2, 4); // same size, one value differs
    try (Arena arena = Arena.ofConfined()) {
      ModelFileException e = assertThrows(ModelFileException.class, () -> registry.load("a", arena));
      assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains("model 'a'"), e.getMessage());
    }
  }

  @Test
  void unknownNamesAndEscapingPathsAreRefused() throws IOException {
    ModelRegistry registry = ModelRegistry.open(dir);
    try (Arena arena = Arena.ofConfined()) {
      assertThrows(IllegalArgumentException.class, () -> registry.load("nope", arena));
    }
    assertThrows(ModelFileException.class, () -> registry.add("up", "../outside.safetensors"));
    Files.writeString(dir.resolve("junk.safetensors"), "not a model");
    assertThrows(ModelFileException.class, () -> registry.add("junk", "junk.safetensors"));
    assertEquals(List.of(), registry.entries());
    assertThrows(ModelFileException.class, () -> registry.add("abs", dir.resolve("x").toAbsolutePath().toString()));
  }

  @Test
  void aCorruptIndexIsAClearError() throws IOException {
    for (String index : List.of("{", "[]", "{\"format\":\"other\"}", "{\"format\":\"worldfx-models/1\"}",
        "{\"format\":\"worldfx-models/1\",\"models\":{\"a\":{\"file\":\"a\"}}}",
        "{\"format\":\"worldfx-models/1\",\"models\":{\"a\":{\"file\":\"a\",\"sha256\":\"XYZ\"}}}",
        "{\"format\":\"worldfx-models/1\",\"models\":{\"a\":{\"file\":\"../a\",\"sha256\":\"" + "0".repeat(64) + "\"}}}")) {
      Files.writeString(dir.resolve(ModelRegistry.INDEX), index);
      assertThrows(ModelFileException.class, () -> ModelRegistry.open(dir), index);
    }
  }
}
