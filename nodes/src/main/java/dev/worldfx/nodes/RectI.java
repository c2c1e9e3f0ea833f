package dev.worldfx.nodes;

/** A pixel rectangle, x1/y1 inclusive, x2/y2 exclusive (the OFX convention). */
public record RectI(int x1, int y1, int x2, int y2) {
  public int width() {
    return Math.max(0, x2 - x1);
  }

  public int height() {
    return Math.max(0, y2 - y1);
  }

  public boolean isEmpty() {
    return x2 <= x1 || y2 <= y1;
  }

  public RectI intersect(RectI o) {
    return new RectI(Math.max(x1, o.x1), Math.max(y1, o.y1), Math.min(x2, o.x2), Math.min(y2, o.y2));
  }

  public boolean contains(int x, int y) {
    return x >= x1 && x < x2 && y >= y1 && y < y2;
  }
}
