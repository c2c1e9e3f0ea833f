package dev.worldfx.nodes;

/** Channel layouts. Output and Source are RGBA; a Mask may be Alpha. */
public enum Components {
  RGBA(4, "OfxImageComponentRGBA"),
  RGB(3, "OfxImageComponentRGB"),
  ALPHA(1, "OfxImageComponentAlpha");

  private final int channels;
  private final String ofxName;

  Components(int channels, String ofxName) {
    this.channels = channels;
    this.ofxName = ofxName;
  }

  public int channels() {
    return channels;
  }

  public String ofxName() {
    return ofxName;
  }

  public static Components fromOfx(String name) {
    for (Components c : values()) {
      if (c.ofxName.equals(name)) {
        return c;
      }
    }
    throw new UnsupportedPixelsException("unknown pixel components '" + name + "'");
  }
}
