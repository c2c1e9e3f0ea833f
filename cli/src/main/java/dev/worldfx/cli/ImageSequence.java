package dev.worldfx.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A numbered image sequence on disk: a path whose file name holds one frame-number field,
 * printf style ({@code IN/%04d.png}, {@code %d}) or hash style ({@code shot.####.png}, one
 * digit per '#'). Frame numbers are non-negative; a number wider than the padding is written
 * in full, as printf does ({@code %04d} of 12345 is {@code 12345}).
 */
record ImageSequence(String pattern, Path folder, String prefix, String suffix, int padding) {
  /** %d or %0Nd; '%4d' (space padding) is not a file-name convention anyone uses, so it is refused. */
  private static final Pattern PRINTF = Pattern.compile("%(0[1-9][0-9]?)?d");
  private static final Pattern HASHES = Pattern.compile("#+");
  /** 9 digits always fit an int. */
  private static final int MAX_DIGITS = 9;

  /** Frames missing between the first and last existing frame, both ends inclusive. */
  record Gap(int first, int last) {
    @Override
    public String toString() {
      return first == last ? Integer.toString(first) : first + "-" + last;
    }
  }

  static ImageSequence parse(String pattern) {
    Path path = Path.of(pattern);
    Path name = path.getFileName();
    if (name == null) {
      throw new IllegalArgumentException("'" + pattern + "' has no file name; expected a pattern like IN/%04d.png");
    }
    Path parent = path.getParent();
    if (parent != null && (PRINTF.matcher(parent.toString()).find() || parent.toString().contains("#"))) {
      throw new IllegalArgumentException("'" + pattern + "': the frame number must be in the file name, not in a folder");
    }
    String file = name.toString();
    int fields = (int) (PRINTF.matcher(file).results().count() + HASHES.matcher(file).results().count());
    if (fields != 1) {
      throw new IllegalArgumentException("'" + pattern + "' needs exactly one frame-number field (%04d, %d or ####), found "
          + fields);
    }
    Matcher printf = PRINTF.matcher(file);
    Matcher field = printf.find() ? printf : HASHES.matcher(file);
    if (field != printf) {
      field.find();
    }
    int padding = field != printf ? field.group().length()
        : printf.group(1) == null ? 1 : Integer.parseInt(printf.group(1));
    if (padding > MAX_DIGITS) {
      throw new IllegalArgumentException("'" + pattern + "': padding of " + padding + " digits is more than " + MAX_DIGITS);
    }
    return new ImageSequence(pattern, parent == null ? Path.of(".") : parent,
        file.substring(0, field.start()), file.substring(field.end()), padding);
  }

  /** The file of frame {@code number}. */
  Path file(int number) {
    return folder.resolve(prefix + digits(number) + suffix);
  }

  private String digits(int number) {
    if (number < 0) {
      throw new IllegalArgumentException("frame numbers are non-negative, got " + number);
    }
    String d = Integer.toString(number);
    return d.length() >= padding ? d : "0".repeat(padding - d.length()) + d;
  }

  /**
   * The numbers of the frames that exist, ascending. A file counts only if its number is
   * written exactly as this pattern writes it, so {@code 12.png} is not frame 12 of {@code %04d.png}.
   */
  List<Integer> existingNumbers() throws IOException {
    List<Integer> numbers = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.length() <= prefix.length() + suffix.length() || !n.startsWith(prefix) || !n.endsWith(suffix)) {
          continue;
        }
        String middle = n.substring(prefix.length(), n.length() - suffix.length());
        if (middle.length() > MAX_DIGITS || !middle.chars().allMatch(c -> c >= '0' && c <= '9')) {
          continue;
        }
        int number = Integer.parseInt(middle);
        if (digits(number).equals(middle) && Files.isRegularFile(f)) {
          numbers.add(number);
        }
      }
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(folder.toString(), null, "the folder of '" + pattern + "' does not exist");
    }
    numbers.sort(null);
    return numbers;
  }

  /** The runs of numbers missing between the first and last of ascending {@code numbers}. */
  static List<Gap> gaps(List<Integer> numbers) {
    List<Gap> gaps = new ArrayList<>();
    for (int i = 1; i < numbers.size(); i++) {
      if (numbers.get(i) > numbers.get(i - 1) + 1) {
        gaps.add(new Gap(numbers.get(i - 1) + 1, numbers.get(i) - 1));
      }
    }
    return gaps;
  }

  /** Ascending numbers as runs for messages: {@code 1-3, 7, 9-10}. */
  static String describe(List<Integer> numbers) {
    StringBuilder s = new StringBuilder();
    int i = 0;
    while (i < numbers.size()) {
      int j = i;
      while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
        j++;
      }
      s.append(s.isEmpty() ? "" : ", ").append(numbers.get(i)).append(j > i ? "-" + numbers.get(j) : "");
      i = j + 1;
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
