package dev.worldfx.ofx;

import dev.worldfx.nodes.ParamValues;

/** Parameter values read from the host at one time (hosts animate most parameters). */
record OfxParamValues(ParamSuite params, OfxInstance instance, double time) implements ParamValues {
  @Override
  public int getInt(String name) {
    return params.intAt(instance.param(name), time, name);
  }

  @Override
  public double getDouble(String name) {
    return params.doubleAt(instance.param(name), time, name);
  }

  @Override
  public boolean getBool(String name) {
    return params.intAt(instance.param(name), time, name) != 0;
  }

  @Override
  public int getChoice(String name) {
    return params.intAt(instance.param(name), time, name);
  }

  @Override
  public String getString(String name) {
    return params.stringAt(instance.param(name), time, name);
  }
}
