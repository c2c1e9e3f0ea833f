package dev.worldfx.inference.io;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.worldfx.inference.DType;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file, validated against its data area as the reference
 * implementation (huggingface/safetensors) does: every tensor's bytes lie inside the data area,
 * match its shape and dtype, and the tensors tile the data area exactly (no overlaps, no holes,
 * no trailing bytes; the format forbids holes so files cannot double as other formats).
 *
 * @param tensors in header order
 */
record SafeTensorsHeader(Map<String, String> metadata, Map<String, Entry> tensors) {
  static final String METADATA_KEY = "__metadata__";

  /** One tensor: its data is bytes [begin, end) of the data area. */
  record Entry(String name, DType dtype, int[] shape, long begin, long end) {}

  /** Thrown for any header that breaks the format; the caller adds the file name. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }

    Invalid(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static SafeTensorsHeader parse(String json, long dataBytes) throws Invalid {
    // Writers pad with spaces after the object; the reference also rejects anything but '{' first.
    if (!json.startsWith("{")) {
      throw new Invalid("header does not start with '{': not a safetensors file");
    }
    Map<String, String> metadata = Map.of();
    Map<String, Entry> tensors = new LinkedHashMap<>();
    try (JsonReader in = new JsonReader(new StringReader(json))) {
      in.setStrictness(Strictness.STRICT);
      in.beginObject();
      boolean sawMetadata = false;
      while (in.hasNext()) {
        String name = in.nextName();
        if (name.equals(METADATA_KEY)) {
          if (sawMetadata) {
            throw new Invalid("header has two " + METADATA_KEY + " entries");
          }
          sawMetadata = true;
          metadata = readMetadata(in);
        } else {
          if (tensors.containsKey(name)) {
            throw new Invalid("header names tensor '" + name + "' twice");
          }
          tensors.put(name, readEntry(in, name));
        }
      }
      in.endObject();
      if (in.peek() != JsonToken.END_DOCUMENT) {
        throw new Invalid("header has content after its JSON object");
      }
    } catch (IOException | IllegalStateException e) {
      // Gson reports malformed JSON as MalformedJsonException (an IOException) and a value of
      // the wrong kind as IllegalStateException; both mean a corrupt header.
      throw new Invalid("header is not valid safetensors JSON: " + e.getMessage(), e);
    }
    validateLayout(tensors.values(), dataBytes);
    return new SafeTensorsHeader(metadata, tensors);
  }

  private static Map<String, String> readMetadata(JsonReader in) throws IOException, Invalid {
    Map<String, String> metadata = new LinkedHashMap<>();
    in.beginObject();
    while (in.hasNext()) {
      String key = in.nextName();
      if (in.peek() != JsonToken.STRING) {
        throw new Invalid(METADATA_KEY + " value of '" + key + "' is not a string");
      }
      if (metadata.put(key, in.nextString()) != null) {
        throw new Invalid(METADATA_KEY + " has key '" + key + "' twice");
      }
    }
    in.endObject();
    return metadata;
  }

  private static Entry readEntry(JsonReader in, String name) throws IOException, Invalid {
    String dtypeName = null;
    int[] shape = null;
    long[] offsets = null;
    in.beginObject();
    while (in.hasNext()) {
      String key = in.nextName();
      switch (key) {
        case "dtype" -> {
          if (dtypeName != null || in.peek() != JsonToken.STRING) {
            throw new Invalid("tensor '" + name + "' has a missing or repeated dtype");
          }
          dtypeName = in.nextString();
        }
        case "shape" -> {
          if (shape != null) {
            throw new Invalid("tensor '" + name + "' has two shapes");
          }
          shape = readShape(in, name);
        }
        case "data_offsets" -> {
          if (offsets != null) {
            throw new Invalid("tensor '" + name + "' has two data_offsets");
          }
          offsets = readOffsets(in, name);
        }
        default -> in.skipValue(); // the reference ignores unknown fields too
      }
    }
    in.endObject();
    if (dtypeName == null || shape == null || offsets == null) {
      throw new Invalid("tensor '" + name + "' lacks dtype, shape or data_offsets");
    }
    return new Entry(name, dtype(dtypeName, name), shape, offsets[0], offsets[1]);
  }

  private static DType dtype(String dtypeName, String tensor) throws Invalid {
    return switch (dtypeName) {
      case "F32" -> DType.F32;
      case "F16" -> DType.F16;
      case "BF16" -> DType.BF16;
      default -> throw new Invalid("tensor '" + tensor + "' has dtype " + dtypeName
          + "; WorldFX reads F32, F16 and BF16 tensors only");
    };
  }

  private static int[] readShape(JsonReader in, String tensor) throws IOException, Invalid {
    List<Long> dims = new ArrayList<>();
    in.beginArray();
    while (in.hasNext()) {
      dims.add(readNonNegative(in, tensor, "shape"));
    }
    in.endArray();
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      if (dims.get(i) > Integer.MAX_VALUE) {
        throw new Invalid("tensor '" + tensor + "' has dimension " + dims.get(i) + ", above the 2^31-1 a dimension may have");
      }
      shape[i] = (int) (long) dims.get(i);
    }
    return shape;
  }

  private static long[] readOffsets(JsonReader in, String tensor) throws IOException, Invalid {
    in.beginArray();
    long[] offsets = new long[2];
    for (int i = 0; i < 2; i++) {
      if (!in.hasNext()) {
        throw new Invalid("tensor '" + tensor + "' data_offsets must be [begin, end]");
      }
      offsets[i] = readNonNegative(in, tensor, "data_offsets");
    }
    if (in.hasNext()) {
      throw new Invalid("tensor '" + tensor + "' data_offsets must be [begin, end]");
    }
    in.endArray();
    return offsets;
  }

  private static long readNonNegative(JsonReader in, String tensor, String field) throws IOException, Invalid {
    // nextLong would also accept a quoted number; the format has plain integers only.
    if (in.peek() != JsonToken.NUMBER) {
      throw new Invalid("tensor '" + tensor + "' " + field + " holds a non-number");
    }
    String text = in.nextString();
    long v;
    try {
      v = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new Invalid("tensor '" + tensor + "' " + field + " holds " + text + ", not an integer in range", e);
    }
    if (v < 0) {
      throw new Invalid("tensor '" + tensor + "' " + field + " holds the negative value " + v);
    }
    return v;
  }

  private static void validateLayout(Collection<Entry> entries, long dataBytes) throws Invalid {
    for (Entry e : entries) {
      if (e.end() < e.begin()) {
        throw new Invalid("tensor '" + e.name() + "' data_offsets [" + e.begin() + ", " + e.end() + ") end before they begin");
      }
      if (e.end() > dataBytes) {
        throw new Invalid("tensor '" + e.name() + "' data_offsets [" + e.begin() + ", " + e.end() + ") run past the "
            + dataBytes + "-byte data area (file truncated?)");
      }
      long expected;
      try {
        expected = Math.multiplyExact(numel(e.shape()), e.dtype().byteSize());
      } catch (ArithmeticException overflow) {
        throw new Invalid("tensor '" + e.name() + "' shape " + Arrays.toString(e.shape()) + " overflows 64-bit size");
      }
      if (e.end() - e.begin() != expected) {
        throw new Invalid("tensor '" + e.name() + "' holds " + (e.end() - e.begin()) + " bytes but " + e.dtype() + " "
            + Arrays.toString(e.shape()) + " needs " + expected);
      }
    }
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long covered = 0;
    Entry previous = null;
    for (Entry e : byOffset) {
      if (e.begin() < covered) {
        throw new Invalid("tensor '" + e.name() + "' bytes [" + e.begin() + ", " + e.end() + ") overlap tensor '"
            + previous.name() + "' [" + previous.begin() + ", " + previous.end() + ")");
      }
      if (e.begin() > covered) {
        throw new Invalid("data bytes [" + covered + ", " + e.begin() + ") belong to no tensor (the format forbids holes)");
      }
      covered = e.end();
      previous = e;
    }
    if (covered != dataBytes) {
      throw new Invalid("data bytes [" + covered + ", " + dataBytes + ") at the end belong to no tensor");
    }
  }

  private static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
