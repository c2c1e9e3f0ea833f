package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.cache.CacheKey;
import dev.worldfx.nodes.cache.SequenceCache;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** worldfx cache ls | verify | prune on a real cache folder. */
class CacheCommandTest {
  private static String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run(args));
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  private static CacheKey key(int seed) {
    return CacheKey.builder("dev.worldfx.Inpaint", "1.0", seed).param("quality", "draft").build();
  }

  @Test
  void listsVerifiesAndPrunes(@TempDir Path root) throws Exception {
    SequenceCache cache = SequenceCache.open(root, 1L << 30);
    cache.put(key(1), Map.of(), new byte[1000]);
    cache.put(key(2), Map.of(), new byte[2000]);

    String ls = run("cache", "--root", root.toString(), "ls");
    assertTrue(ls.contains(key(1).hex()) && ls.contains(key(2).hex()), ls);
    assertTrue(ls.contains("2 entries"), ls);

    // Damage one entry: verify removes it and says so.
    String hex = key(1).hex();
    Path damaged = root.resolve(hex.substring(0, 2)).resolve(hex + ".wfxc"); // the documented layout
    Files.write(damaged, new byte[] {1, 2, 3}, StandardOpenOption.WRITE);
    String verify = run("cache", "--root", root.toString(), "verify");
    assertTrue(verify.contains("2 entries checked, 1 ok, 1 corrupt removed"), verify);

    String prune = run("cache", "--root", root.toString(), "prune");
    assertTrue(prune.startsWith("freed "), prune);
    assertEquals(0, cache.list().size());
  }

  @Test
  void badSizeIsAUsageOrInputError(@TempDir Path root) {
    assertEquals(Main.EXIT_INPUT, Main.run("cache", "--root", root.toString(), "prune", "--max-bytes", "lots"));
  }
}
