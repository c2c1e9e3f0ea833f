package dev.worldfx.nodes.jobs;

import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Small 8-bit RGB PNG previews of frames for the job board. Box-filtered down to at most
 * {@link #MAX_WIDTH} pixels wide, values clamped to [0,1] (HDR highlights clip, as on a monitor),
 * rows flipped so the PNG's first row is the frame's top (ImagePlanes row 0 is the bottom, OFX).
 * The encoder is the plain PNG subset browsers need (one IDAT, filter 0); the plugin's runtime
 * has no javax.imageio.
 */
public final class Thumbnail {
  public static final int MAX_WIDTH = 192;
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private Thumbnail() {}

  /** A preview of the RGB planes of {@code img}. */
  public static byte[] rgb(ImagePlanes img) {
    int w = img.width(), h = img.height(), plane = w * h;
    return encode(w, h, (c, p) -> img.data()[Math.min(c, img.channels() - 1) * plane + p]);
  }

  /** A grey preview of one plane of {@code w*h} values (a matte, an error map), multiplied by {@code gain}. */
  public static byte[] gray(float[] values, int w, int h, float gain) {
    if (values.length != (long) w * h) {
      throw new IllegalArgumentException(values.length + " values do not fill " + w + "x" + h);
    }
    return encode(w, h, (c, p) -> values[p] * gain);
  }

  private interface Sampler {
    float at(int channel, int pixel);
  }

  private static byte[] encode(int w, int h, Sampler s) {
    int scale = Math.max(1, (w + MAX_WIDTH - 1) / MAX_WIDTH);
    int tw = Math.max(1, w / scale), th = Math.max(1, h / scale);
    byte[] raw = new byte[th * (1 + 3 * tw)];
    for (int ty = 0; ty < th; ty++) {
      int row = ty * (1 + 3 * tw); // filter byte 0 (none) stays 0
      for (int tx = 0; tx < tw; tx++) {
        for (int c = 0; c < 3; c++) {
          double sum = 0;
          for (int dy = 0; dy < scale; dy++) {
            int y = h - 1 - (ty * scale + dy); // top row first
            for (int dx = 0; dx < scale; dx++) {
              sum += s.at(c, y * w + tx * scale + dx);
            }
          }
          double v = sum / (scale * scale);
          raw[row + 1 + 3 * tx + c] = (byte) Math.round(255 * (Double.isNaN(v) ? 0 : Math.clamp(v, 0, 1)));
        }
      }
    }
    try {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      png.write(SIGNATURE);
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(ihdr);
      d.writeInt(tw);
      d.writeInt(th);
      d.write(new byte[] {8, 2, 0, 0, 0}); // 8 bits, RGB, deflate, filter set 0, no interlace
      chunk(png, "IHDR", ihdr.toByteArray());
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      try (DeflaterOutputStream z = new DeflaterOutputStream(idat)) {
        z.write(raw);
      }
      chunk(png, "IDAT", idat.toByteArray());
      chunk(png, "IEND", new byte[0]);
      return png.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory does not fail", e);
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.writeInt(data.length);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }
}
