package dev.worldfx.nodes.cache;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The content address of a solve result: SHA-256 over node id, node version, seed, parameter
 * values and the hashes of the input frames.
 *
 * <p>Encoding (version 1; changing it changes every key, so it is pinned by a test). All integers
 * big-endian; {@code str} = u32 length + UTF-8 bytes; {@code bytes} = u32 length + bytes:
 * <pre>
 *   "WFXKEY1\n"                        8 ASCII bytes: domain tag and encoding version
 *   str nodeId, str nodeVersion, i64 seed
 *   u32 paramCount, then per parameter, sorted by the unsigned bytes of its UTF-8 name:
 *     str name, u8 tag, value:  'S' str | 'I' i64 | 'D' f64 bits (-0.0 as 0.0, one NaN) | 'B' u8 0/1
 *   u32 inputCount, then per input frame, sorted by (clip name bytes, frame time):
 *     str clip, f64 frameTime bits, bytes sha256 (32)
 * </pre>
 * Length prefixes keep ("ab","c") and ("a","bc") apart; sorting makes the key independent of
 * the order in which parameters were added or frames were hashed.
 */
public final class CacheKey {
  static final int DIGEST_BYTES = 32;
  private static final byte[] TAG = "WFXKEY1\n".getBytes(StandardCharsets.US_ASCII);

  private final byte[] digest;
  private final String nodeId;

  private CacheKey(byte[] digest, String nodeId) {
    this.digest = digest;
    this.nodeId = nodeId;
  }

  /**
   * Starts a key. {@code nodeVersion} should change whenever the solver's output for the same
   * inputs changes (e.g. "1.0/solve-3"), so old entries are simply never asked for again.
   */
  public static Builder builder(String nodeId, String nodeVersion, long seed) {
    return new Builder(nodeId, nodeVersion, seed);
  }

  /** A key read back from an entry header; {@code nodeId} is only a label there. */
  static CacheKey fromDigest(byte[] digest, String nodeId) {
    if (digest.length != DIGEST_BYTES) {
      throw new IllegalArgumentException("a cache key is " + DIGEST_BYTES + " bytes, not " + digest.length);
    }
    return new CacheKey(digest.clone(), nodeId);
  }

  /** 64 lower-case hex digits; the entry's file name. */
  public String hex() {
    return HexFormat.of().formatHex(digest);
  }

  public String nodeId() {
    return nodeId;
  }

  byte[] digest() {
    return digest.clone();
  }

  /** Equal digests are equal keys; the node id is part of the digest. */
  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k && Arrays.equals(digest, k.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return nodeId + "@" + hex().substring(0, 16);
  }

  /** Collects the fields of a key; {@link #build()} may be called more than once. */
  public static final class Builder {
    private final String nodeId;
    private final String nodeVersion;
    private final long seed;
    private final List<Param> params = new ArrayList<>();
    private final List<Input> inputs = new ArrayList<>();

    private Builder(String nodeId, String nodeVersion, long seed) {
      if (nodeId.isEmpty()) {
        throw new IllegalArgumentException("a cache key needs a node id");
      }
      this.nodeId = nodeId;
      this.nodeVersion = nodeVersion;
      this.seed = seed;
    }

    /** A parameter by its canonical text (the form ParamSpec.parse accepts). */
    public Builder param(String name, String value) {
      return add(new Param(utf8(name), 'S', utf8(value)));
    }

    public Builder param(String name, long value) {
      return add(new Param(utf8(name), 'I', longBytes(value)));
    }

    public Builder param(String name, double value) {
      // -0.0 and 0.0 select the same behaviour; doubleToLongBits folds every NaN into one.
      double canonical = value == 0.0 ? 0.0 : value;
      return add(new Param(utf8(name), 'D', longBytes(Double.doubleToLongBits(canonical))));
    }

    public Builder param(String name, boolean value) {
      return add(new Param(utf8(name), 'B', new byte[] {(byte) (value ? 1 : 0)}));
    }

    /** One input frame: its clip, its time and the SHA-256 of its pixels (the caller's hash). */
    public Builder input(String clip, double frameTime, byte[] sha256) {
      if (sha256.length != DIGEST_BYTES) {
        throw new IllegalArgumentException("input frame hash of " + clip + " at " + frameTime + " must be a "
            + DIGEST_BYTES + "-byte SHA-256, got " + sha256.length + " bytes");
      }
      Input in = new Input(utf8(clip), frameTime, sha256.clone());
      for (Input other : inputs) {
        if (INPUT_ORDER.compare(other, in) == 0) {
          throw new IllegalArgumentException("input frame " + clip + " at " + frameTime + " was added twice");
        }
      }
      inputs.add(in);
      return this;
    }

    public CacheKey build() {
      return new CacheKey(sha256(encoding()), nodeId);
    }

    /** The bytes that are hashed, in the format documented on {@link CacheKey}. */
    byte[] encoding() {
      var bytes = new ByteArrayOutputStream();
      try (var out = new DataOutputStream(bytes)) {
        out.write(TAG);
        writeBytes(out, utf8(nodeId));
        writeBytes(out, utf8(nodeVersion));
        out.writeLong(seed);
        List<Param> sortedParams = params.stream().sorted(PARAM_ORDER).toList();
        out.writeInt(sortedParams.size());
        for (Param p : sortedParams) {
          writeBytes(out, p.name);
          out.writeByte(p.tag);
          if (p.tag == 'S') {
            writeBytes(out, p.value);
          } else {
            out.write(p.value);
          }
        }
        List<Input> sortedInputs = inputs.stream().sorted(INPUT_ORDER).toList();
        out.writeInt(sortedInputs.size());
        for (Input in : sortedInputs) {
          writeBytes(out, in.clip);
          out.writeLong(Double.doubleToLongBits(in.frameTime));
          writeBytes(out, in.sha256);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
      }
      return bytes.toByteArray();
    }

    private Builder add(Param p) {
      for (Param other : params) {
        if (Arrays.equals(other.name, p.name)) {
          throw new IllegalArgumentException("parameter '" + new String(p.name, StandardCharsets.UTF_8)
              + "' was added twice to the cache key of " + nodeId);
        }
      }
      params.add(p);
      return this;
    }
  }

  private record Param(byte[] name, char tag, byte[] value) {}

  private record Input(byte[] clip, double frameTime, byte[] sha256) {}

  private static final Comparator<Param> PARAM_ORDER = (a, b) -> Arrays.compareUnsigned(a.name, b.name);
  private static final Comparator<Input> INPUT_ORDER = Comparator
      .<Input, byte[]>comparing(Input::clip, Arrays::compareUnsigned)
      .thenComparingDouble(Input::frameTime);

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (56 - 8 * i));
    }
    return b;
  }

  static byte[] sha256(byte[] bytes) {
    return newSha256().digest(bytes);
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
