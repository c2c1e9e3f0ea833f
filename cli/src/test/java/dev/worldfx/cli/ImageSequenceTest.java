package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSequenceTest {
  @TempDir
  Path tmp;

  @Test
  void printfAndHashFormsNameTheSameFiles() {
    ImageSequence printf = ImageSequence.parse(tmp.resolve("IN/%04d.png").toString());
    ImageSequence hashes = ImageSequence.parse(tmp.resolve("IN/shot.####.png").toString());
    ImageSequence bare = ImageSequence.parse("f%d.png");
    assertEquals(tmp.resolve("IN/0007.png"), printf.file(7));
    assertEquals(tmp.resolve("IN/12345.png"), printf.file(12345), "wider than the padding: written in full, as printf");
    assertEquals(tmp.resolve("IN/shot.0042.png"), hashes.file(42));
    assertEquals(Path.of("./f7.png"), bare.file(7));
    assertEquals(Path.of("./x.9.png"), ImageSequence.parse("x.#.png").file(9));
  }

  @Test
  void malformedPatternsAreRefusedByName() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageSequence.parse("IN/frame.png"))
        .getMessage().contains("exactly one frame-number field"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageSequence.parse("IN/%04d_####.png"))
        .getMessage().contains("found 2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageSequence.parse("IN/%4d.png"))
        .getMessage().contains("found 0"), "space padding is not a file-name convention");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageSequence.parse("IN_%02d/%04d.png"))
        .getMessage().contains("not in a folder"));
  }

  @Test
  void existingFramesAreFoundFromAnyStartNumberSortedWithGaps() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("IN"));
    for (String name : List.of("1003.png", "0998.png", "1000.png", "0999.png", "1007.png", "12345.png",
        "12.png", "00012.png", "1001.exr", "x1002.png", "10a4.png", "1009.png.tmp")) {
      Files.writeString(dir.resolve(name), "");
    }
    Files.createDirectories(dir.resolve("1010.png")); // a folder is not a frame
    ImageSequence seq = ImageSequence.parse(dir.resolve("%04d.png").toString());
    List<Integer> numbers = seq.existingNumbers();
    assertEquals(List.of(998, 999, 1000, 1003, 1007, 12345), numbers);
    assertEquals(List.of(new ImageSequence.Gap(1001, 1002), new ImageSequence.Gap(1004, 1006),
        new ImageSequence.Gap(1008, 12344)), ImageSequence.gaps(numbers));
    assertEquals("998-1000, 1003, 1007, 12345", ImageSequence.describe(numbers));
    assertEquals("1004-1006", ImageSequence.gaps(numbers).get(1).toString());
  }

  @Test
  void hashPatternsResolveLikePrintf() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("plates"));
    for (String name : List.of("shot.0001.png", "shot.0002.png", "shot.0005.png", "shot.001.png", "take.0003.png")) {
      Files.writeString(dir.resolve(name), "");
    }
    ImageSequence seq = ImageSequence.parse(dir.resolve("shot.####.png").toString());
    assertEquals(List.of(1, 2, 5), seq.existingNumbers());
    assertEquals(List.of(new ImageSequence.Gap(3, 4)), ImageSequence.gaps(seq.existingNumbers()));
    assertEquals(List.of(), ImageSequence.gaps(List.of(1, 2, 3)));
  }

  @Test
  void unpaddedPatternOnlyMatchesUnpaddedNumbers() throws IOException {
    for (String name : List.of("f0.png", "f7.png", "f10.png", "f007.png")) {
      Files.writeString(tmp.resolve(name), "");
    }
    assertEquals(List.of(0, 7, 10), ImageSequence.parse(tmp.resolve("f%d.png").toString()).existingNumbers());
  }

  @Test
  void missingFolderNamesThePattern() {
    ImageSequence seq = ImageSequence.parse(tmp.resolve("nowhere/%04d.png").toString());
    NoSuchFileException e = assertThrows(NoSuchFileException.class, seq::existingNumbers);
    assertTrue(e.getMessage().contains("nowhere") && e.getMessage().contains("does not exist"), e.getMessage());
  }
}
