package dev.worldfx.nodes;

/** An inclusive range of frame times, as OFX frame ranges are. */
public record FrameRange(double first, double last) {
  public boolean contains(double t) {
    return t >= first && t <= last;
  }

  public double clamp(double t) {
    return Math.max(first, Math.min(last, t));
  }
}
