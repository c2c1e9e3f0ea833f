package dev.worldfx.nodes.local;

import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeDescriptor;
import dev.worldfx.nodes.ParamSpec;
import dev.worldfx.nodes.ParamValues;
import java.util.HashMap;
import java.util.Map;

/**
 * Parameter values outside a host (CLI, graph files, tests): the declared defaults,
 * overridden by values given as text and checked against the declaration.
 */
public final class SpecParamValues implements ParamValues {
  private final Map<String, Object> values = new HashMap<>();

  public SpecParamValues(NodeDescriptor node, NodeContext context, Map<String, String> overrides) {
    for (ParamSpec p : node.params()) {
      values.put(p.name(), p.parse(p.defaultText(context)));
    }
    overrides.forEach((name, text) -> values.put(name, node.param(name).parse(text)));
  }

  private Object get(String name) {
    Object v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no parameter '" + name + "'");
    }
    return v;
  }

  @Override
  public int getInt(String name) {
    return (Integer) get(name);
  }

  @Override
  public double getDouble(String name) {
    return (Double) get(name);
  }

  @Override
  public boolean getBool(String name) {
    return (Boolean) get(name);
  }

  @Override
  public int getChoice(String name) {
    return (Integer) get(name);
  }

  @Override
  public String getString(String name) {
    return (String) get(name);
  }
}
