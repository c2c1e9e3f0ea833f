package dev.worldfx.inference.onnx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import onnx.Onnx.NodeProto;

/**
 * A node's attributes, read with the defaults of the ONNX operator spec. The mapping names
 * every attribute it understands; any other attribute on the node makes the case not
 * applicable, so no semantics are ever dropped silently.
 */
final class NodeAttributes {
  private final String op;
  private final Map<String, AttributeProto> byName = new HashMap<>();

  private NodeAttributes(String op) {
    this.op = op;
  }

  static NodeAttributes of(NodeProto node, String... understood) throws NotApplicableException {
    NodeAttributes a = new NodeAttributes(node.getOpType());
    List<String> known = List.of(understood);
    for (AttributeProto at : node.getAttributeList()) {
      if (!known.contains(at.getName())) {
        throw new NotApplicableException("attribute " + at.getName() + " not supported");
      }
      a.byName.put(at.getName(), at);
    }
    return a;
  }

  boolean has(String name) {
    return byName.containsKey(name);
  }

  long i(String name, long dflt) {
    AttributeProto at = typed(name, AttributeType.INT);
    return at == null ? dflt : at.getI();
  }

  float f(String name, float dflt) {
    AttributeProto at = typed(name, AttributeType.FLOAT);
    return at == null ? dflt : at.getF();
  }

  String s(String name, String dflt) {
    AttributeProto at = typed(name, AttributeType.STRING);
    return at == null ? dflt : at.getS().toStringUtf8();
  }

  /** The INTS attribute, or {@code dflt} when absent. */
  long[] ints(String name, long[] dflt) {
    AttributeProto at = typed(name, AttributeType.INTS);
    return at == null ? dflt : at.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  private AttributeProto typed(String name, AttributeType type) {
    AttributeProto at = byName.get(name);
    if (at != null && at.getType() != type) {
      throw new IllegalArgumentException(op + " attribute " + name + " is " + at.getType() + ", the spec says " + type);
    }
    return at;
  }
}
