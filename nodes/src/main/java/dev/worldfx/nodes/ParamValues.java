package dev.worldfx.nodes;

/** Parameter values at the frame being rendered, by parameter name. */
public interface ParamValues {
  int getInt(String name);

  double getDouble(String name);

  boolean getBool(String name);

  /** The index of the chosen option. */
  int getChoice(String name);

  String getString(String name);
}
