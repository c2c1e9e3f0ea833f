package dev.worldfx.nodes;

/** Channel storage a host may hand us. Half is declared so it can be refused by name. */
public enum PixelDepth {
  BYTE(1, "OfxBitDepthByte"),
  SHORT(2, "OfxBitDepthShort"),
  HALF(2, "OfxBitDepthHalf"),
  FLOAT(4, "OfxBitDepthFloat");

  private final int bytesPerChannel;
  private final String ofxName;

  PixelDepth(int bytesPerChannel, String ofxName) {
    this.bytesPerChannel = bytesPerChannel;
    this.ofxName = ofxName;
  }

  public int bytesPerChannel() {
    return bytesPerChannel;
  }

  public String ofxName() {
    return ofxName;
  }

  /** The depths our nodes render; Half needs a conversion path that does not exist yet. */
  public boolean supported() {
    return this != HALF;
  }

  public static PixelDepth fromOfx(String name) {
    for (PixelDepth d : values()) {
      if (d.ofxName.equals(name)) {
        return d;
      }
    }
    throw new UnsupportedPixelsException("unknown pixel depth '" + name + "'");
  }
}
