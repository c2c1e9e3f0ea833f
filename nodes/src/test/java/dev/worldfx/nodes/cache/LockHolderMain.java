package dev.worldfx.nodes.cache;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A second process for CacheConcurrencyTest: holds one key's solve lock until its stdin says "release". */
public final class LockHolderMain {
  private LockHolderMain() {}

  public static void main(String[] args) throws Exception {
    SequenceCache cache = SequenceCache.open(Path.of(args[0]), 1 << 20);
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    cache.withSolveLock(SequenceCacheTest.key(args[1]), () -> {
      System.out.println("locked");
      System.out.flush();
      return in.readLine();
    });
  }
}
