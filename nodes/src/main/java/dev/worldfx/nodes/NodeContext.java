package dev.worldfx.nodes;

/** The OFX contexts a node can be instantiated in. */
public enum NodeContext {
  FILTER("OfxImageEffectContextFilter"),
  GENERAL("OfxImageEffectContextGeneral"),
  GENERATOR("OfxImageEffectContextGenerator");

  private final String ofxName;

  NodeContext(String ofxName) {
    this.ofxName = ofxName;
  }

  public String ofxName() {
    return ofxName;
  }

  /** Null for contexts we do not know (Transition, Paint, Retimer, ...). */
  public static NodeContext fromOfx(String name) {
    for (NodeContext c : values()) {
      if (c.ofxName.equals(name)) {
        return c;
      }
    }
    return null;
  }
}
