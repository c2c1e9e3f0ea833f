package dev.worldfx.inference.onnx;

import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorProto.DataType;

/**
 * A TensorProto read into Java arrays: FLOAT data as floats (what our ops run on), INT32 and
 * INT64 data as longs (shape-like operands: pads, axes, sizes, starts...). Exactly one of
 * {@code floats} and {@code ints} is set.
 */
record OnnxValue(DataType dataType, int[] shape, float[] floats, long[] ints) {

  /** Decodes float_data / int32_data / int64_data or raw_data (always little-endian, onnx.proto). */
  static OnnxValue of(TensorProto t) throws NotApplicableException {
    DataType type = DataType.forNumber(t.getDataType());
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.hasSegment()) {
      throw new NotApplicableException("tensor " + t.getName() + " stored externally or segmented");
    }
    int[] shape = t.getDimsList().stream().mapToInt(Math::toIntExact).toArray();
    int n = Math.toIntExact(Tensor.numel(shape));
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    boolean isRaw = !t.getRawData().isEmpty();
    return switch (type) {
      case FLOAT -> {
        float[] v = new float[n];
        if (isRaw) {
          checkCount(t, raw.remaining() / 4, n);
          raw.asFloatBuffer().get(v);
        } else {
          checkCount(t, t.getFloatDataCount(), n);
          for (int i = 0; i < n; i++) {
            v[i] = t.getFloatData(i);
          }
        }
        yield new OnnxValue(type, shape, v, null);
      }
      case INT64 -> {
        long[] v = new long[n];
        if (isRaw) {
          checkCount(t, raw.remaining() / 8, n);
          raw.asLongBuffer().get(v);
        } else {
          checkCount(t, t.getInt64DataCount(), n);
          for (int i = 0; i < n; i++) {
            v[i] = t.getInt64Data(i);
          }
        }
        yield new OnnxValue(type, shape, null, v);
      }
      case INT32 -> {
        long[] v = new long[n];
        if (isRaw) {
          checkCount(t, raw.remaining() / 4, n);
          for (int i = 0; i < n; i++) {
            v[i] = raw.getInt(4 * i);
          }
        } else {
          checkCount(t, t.getInt32DataCount(), n);
          for (int i = 0; i < n; i++) {
            v[i] = t.getInt32Data(i);
          }
        }
        yield new OnnxValue(type, shape, null, v);
      }
      case null -> throw new NotApplicableException("unknown tensor data type " + t.getDataType());
      default -> throw new NotApplicableException("data type " + type + " (only FLOAT data, INT32/INT64 shape operands)");
    };
  }

  private static void checkCount(TensorProto t, int count, int expected) {
    if (count != expected) {
      throw new IllegalArgumentException("tensor " + t.getName() + " holds " + count + " values for dims "
          + t.getDimsList() + " (" + expected + ")");
    }
  }

  boolean isFloat() {
    return floats != null;
  }

  Tensor toTensor(Arena arena) {
    return Tensor.of(arena, floats, shape);
  }

  int rank() {
    return shape.length;
  }

  @Override
  public String toString() {
    return dataType + Arrays.toString(shape);
  }
}
