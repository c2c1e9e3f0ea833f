package dev.worldfx.inference.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorProto.DataType;
import org.junit.jupiter.api.Test;

/** The harness's own pieces: TensorProto decoding and the allclose comparison. */
class OnnxHarnessTest {
  private static TensorProto.Builder tensor(DataType type, long... dims) {
    TensorProto.Builder b = TensorProto.newBuilder().setDataType(type.getNumber()).setName("t");
    for (long d : dims) {
      b.addDims(d);
    }
    return b;
  }

  @Test
  void floatsDecodeFromFloatDataAndFromLittleEndianRawData() throws Exception {
    float[] v = {1.5f, -2f, Float.NaN, 3.25e-8f, Float.NEGATIVE_INFINITY, 7f};
    TensorProto.Builder listed = tensor(DataType.FLOAT, 2, 3);
    for (float f : v) {
      listed.addFloatData(f);
    }
    ByteBuffer raw = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      raw.putFloat(f);
    }
    OnnxValue a = OnnxValue.of(listed.build());
    OnnxValue b = OnnxValue.of(tensor(DataType.FLOAT, 2, 3).setRawData(ByteString.copyFrom(raw.array())).build());
    assertArrayEquals(v, a.floats());
    assertArrayEquals(v, b.floats());
    assertArrayEquals(new int[] {2, 3}, b.shape());
    assertNull(b.ints());
  }

  @Test
  void intsDecodeFromInt32AndInt64InBothForms() throws Exception {
    ByteBuffer raw64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(-3);
    ByteBuffer raw32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).putInt(258);
    long[] fromRaw64 = OnnxValue.of(tensor(DataType.INT64, 2).setRawData(ByteString.copyFrom(raw64.array())).build())
        .ints();
    long[] fromRaw32 = OnnxValue.of(tensor(DataType.INT32, 2).setRawData(ByteString.copyFrom(raw32.array())).build())
        .ints();
    long[] listed64 = OnnxValue.of(tensor(DataType.INT64, 2).addInt64Data(5).addInt64Data(-6).build()).ints();
    long[] listed32 = OnnxValue.of(tensor(DataType.INT32, 2).addInt32Data(7).addInt32Data(-8).build()).ints();
    assertArrayEquals(new long[] {Long.MAX_VALUE, -3}, fromRaw64);
    assertArrayEquals(new long[] {-1, 258}, fromRaw32);
    assertArrayEquals(new long[] {5, -6}, listed64);
    assertArrayEquals(new long[] {7, -8}, listed32);
  }

  @Test
  void scalarHasEmptyShapeAndOneValue() throws Exception {
    OnnxValue s = OnnxValue.of(tensor(DataType.FLOAT).addFloatData(4f).build());
    assertArrayEquals(new int[0], s.shape());
    assertArrayEquals(new float[] {4f}, s.floats());
  }

  @Test
  void otherDataTypesAreNotApplicableAndShortDataIsAnError() {
    assertThrows(NotApplicableException.class, () -> OnnxValue.of(tensor(DataType.DOUBLE, 1).addDoubleData(1).build()));
    assertThrows(NotApplicableException.class, () -> OnnxValue.of(tensor(DataType.FLOAT16, 1).addInt32Data(1).build()));
    assertThrows(IllegalArgumentException.class, () -> OnnxValue.of(tensor(DataType.FLOAT, 3).addFloatData(1f)
        .build()));
  }

  @Test
  void allCloseIsNumpyAssertAllclose() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      OnnxValue expected = OnnxValue.of(tensor(DataType.FLOAT, 4).addFloatData(1000f).addFloatData(0f)
          .addFloatData(Float.NaN).addFloatData(Float.POSITIVE_INFINITY).build());
      // 1000 * rtol = 1 and 0 + atol = 1e-7 are the edges of the tolerance.
      assertNull(AllClose.mismatch(expected, Tensor.of(arena, new float[] {1000.999f, 9e-8f, Float.NaN,
          Float.POSITIVE_INFINITY}, 4)));
      assertNotNull(AllClose.mismatch(expected, Tensor.of(arena, new float[] {1001.01f, 0f, Float.NaN,
          Float.POSITIVE_INFINITY}, 4)));
      assertNotNull(AllClose.mismatch(expected, Tensor.of(arena, new float[] {1000f, 2e-7f, Float.NaN,
          Float.POSITIVE_INFINITY}, 4)));
      assertNotNull(AllClose.mismatch(expected, Tensor.of(arena, new float[] {1000f, 0f, 0f,
          Float.POSITIVE_INFINITY}, 4)));
      assertNotNull(AllClose.mismatch(expected, Tensor.of(arena, new float[] {1000f, 0f, Float.NaN, 3e38f}, 4)));
      String shape = AllClose.mismatch(expected, Tensor.of(arena, new float[] {1000f, 0f, Float.NaN,
          Float.POSITIVE_INFINITY}, 1, 4));
      assertTrue(shape != null && shape.startsWith("shape"), shape);
    }
  }
}
