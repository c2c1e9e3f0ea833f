package dev.worldfx.inference.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The models in one folder: name -> file + SHA-256, kept in {@value #INDEX} there. Loading a
 * model hashes the very bytes it maps, so what runs is what was recorded; a mismatch is an error.
 *
 * <pre>{"format": "worldfx-models/1",
 *  "models": {"esrgan-slim-x2": {"file": "esrgan-slim-x2.safetensors", "sha256": "9f86d0..."}}}</pre>
 */
public final class ModelRegistry {
  static final String INDEX = "models.json";
  private static final String FORMAT = "worldfx-models/1";
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final long HASH_CHUNK_BYTES = 16L << 20;

  /** A recorded model: {@code file} is relative to the registry folder. */
  public record Entry(String name, String file, String sha256) {}

  private final Path dir;
  private final Map<String, Entry> entries;

  private ModelRegistry(Path dir, Map<String, Entry> entries) {
    this.dir = dir;
    this.entries = entries;
  }

  /** The registry of {@code dir}; empty if the folder has no index yet. */
  public static ModelRegistry open(Path dir) throws IOException {
    Path index = dir.resolve(INDEX);
    Map<String, Entry> entries = new TreeMap<>();
    if (Files.exists(index)) {
      JsonElement parsed;
      try {
        parsed = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8));
      } catch (JsonParseException e) {
        throw new ModelFileException(index, "model index is not JSON: " + e.getMessage(), e);
      }
      JsonObject root = object(parsed, index, "the index");
      if (!FORMAT.equals(string(root, "format", index))) {
        throw new ModelFileException(index, "not a " + FORMAT + " index");
      }
      for (Map.Entry<String, JsonElement> m : object(root.get("models"), index, "'models'").entrySet()) {
        JsonObject o = object(m.getValue(), index, "model '" + m.getKey() + "'");
        Entry e = new Entry(m.getKey(), string(o, "file", index), string(o, "sha256", index));
        checkEntry(dir, index, e);
        entries.put(e.name(), e);
      }
    }
    return new ModelRegistry(dir, entries);
  }

  private static JsonObject object(JsonElement e, Path index, String what) throws ModelFileException {
    if (e == null || !e.isJsonObject()) {
      throw new ModelFileException(index, what + " is not a JSON object");
    }
    return e.getAsJsonObject();
  }

  private static String string(JsonObject o, String key, Path index) throws ModelFileException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new ModelFileException(index, "'" + key + "' is missing or not a string");
    }
    return e.getAsString();
  }

  private static void checkEntry(Path dir, Path index, Entry e) throws ModelFileException {
    if (!SHA256_HEX.matcher(e.sha256()).matches()) {
      throw new ModelFileException(index, "model '" + e.name() + "' has sha256 '" + e.sha256() + "', not 64 lowercase hex digits");
    }
    resolveInside(dir, index, e.file());
  }

  /** The file's path, refusing names that would leave the registry folder. */
  private static Path resolveInside(Path dir, Path index, String file) throws ModelFileException {
    Path p = dir.resolve(file).normalize();
    if (Path.of(file).isAbsolute() || !p.startsWith(dir.normalize()) || p.equals(dir.normalize())) {
      throw new ModelFileException(index, "model file '" + file + "' is not inside " + dir);
    }
    return p;
  }

  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  public Optional<Entry> entry(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /** Records the safetensors {@code file} (relative to the registry folder) under {@code name} with its current SHA-256. */
  public Entry add(String name, String file) throws IOException {
    Path path = resolveInside(dir, dir.resolve(INDEX), file);
    String sha;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bytes = SafeTensors.map(path, arena);
      SafeTensors.parse(path, bytes); // a corrupt file is refused now, not at its first load
      sha = sha256(bytes);
    }
    Entry e = new Entry(name, file, sha);
    entries.put(name, e);
    save();
    return e;
  }

  /** Maps the named model into {@code arena}, checks its SHA-256, then validates it as safetensors. */
  public SafeTensors load(String name, Arena arena) throws IOException {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException("no model '" + name + "' in " + dir.resolve(INDEX) + " (it has " + entries.keySet() + ")");
    }
    Path path = resolveInside(dir, dir.resolve(INDEX), e.file());
    MemorySegment bytes = SafeTensors.map(path, arena);
    String actual = sha256(bytes);
    if (!actual.equals(e.sha256())) {
      throw new ModelFileException(path, "SHA-256 is " + actual + " but model '" + name + "' was recorded with "
          + e.sha256() + ": the file changed or is damaged");
    }
    return SafeTensors.parse(path, bytes);
  }

  static String sha256(MemorySegment bytes) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    for (long at = 0; at < bytes.byteSize(); at += HASH_CHUNK_BYTES) {
      digest.update(bytes.asSlice(at, Math.min(HASH_CHUNK_BYTES, bytes.byteSize() - at)).asByteBuffer());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private void save() throws IOException {
    JsonObject models = new JsonObject();
    for (Entry e : entries.values()) {
      JsonObject o = new JsonObject();
      o.addProperty("file", e.file());
      o.addProperty("sha256", e.sha256());
      models.add(e.name(), o);
    }
    JsonObject root = new JsonObject();
    root.addProperty("format", FORMAT);
    root.add("models", models);
    Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    byte[] text = (gson.toJson(root) + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(dir.resolve(INDEX), (FileChannel channel) -> AtomicFiles.writeFully(channel, ByteBuffer.wrap(text)));
  }
}
