package dev.worldfx.inference.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.io.ModelFileException;
import dev.worldfx.inference.io.SafeTensors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfjsLayersConverterTest {
  @TempDir
  Path dir;

  private final TinyTfjsModel tiny = new TinyTfjsModel(7);

  @Test
  void convertsTheGraphInOrderWithKerasAxesMappedToNchw() throws IOException {
    Path out = dir.resolve("tiny.safetensors");
    TfjsLayersConverter.convert(tiny.write(dir), out, Map.of("k", "v"));
    try (Arena arena = Arena.ofConfined()) {
      SafeTensors st = SafeTensors.open(out, arena);
      assertEquals("v", st.metadata().get("k"));
      ModelGraph g = ModelGraph.fromJson(st.metadata().get(ModelGraph.METADATA_KEY));
      var same = ModelGraph.Padding.SAME;
      assertEquals(new ModelGraph("in", "b_out", List.of(
          new ModelGraph.Conv2d("z_head/conv", "in", "z_head.weight", "z_head.bias", 1, 1, 1, 1, 1, same),
          new ModelGraph.Relu("z_head", "z_head/conv"),
          new ModelGraph.Conv2d("a_even", "in", "a_even.weight", "a_even.bias", 1, 1, 1, 1, 1, same),
          new ModelGraph.Relu("a_even_relu", "a_even"),
          new ModelGraph.Concat("cat", List.of("z_head", "a_even_relu"), 1),
          new ModelGraph.Conv2d("m_fuse", "cat", "m_fuse.weight", "m_fuse.bias", 1, 1, 1, 1, 1, ModelGraph.Padding.VALID),
          new ModelGraph.Add("sum", List.of("m_fuse", "z_head")),
          new ModelGraph.Conv2d("s_down", "sum", "s_down.weight", "s_down.bias", 2, 2, 1, 1, 1, same),
          new ModelGraph.UpsampleNearest("up", "s_down", 2, 3),
          new ModelGraph.Conv2d("b_out", "up", "b_out.weight", null, 1, 1, 2, 2, 1, same))), g);
      assertFalse(st.contains("b_out.bias"));
    }
  }

  @Test
  void kernelsArePermutedFromHwioToOihwAndFoundByNameNotPosition() throws IOException {
    Path out = dir.resolve("tiny.safetensors");
    TfjsLayersConverter.convert(tiny.write(dir), out, Map.of());
    try (Arena arena = Arena.ofConfined()) {
      SafeTensors st = SafeTensors.open(out, arena);
      for (TinyTfjsModel.Conv c : TinyTfjsModel.CONVS) {
        float[] hwio = tiny.weights.get(c.name() + "/kernel");
        Tensor w = st.tensor(c.name() + ".weight");
        assertEquals(List.of(c.out(), c.in(), c.kh(), c.kw()), Arrays.stream(w.shape()).boxed().toList());
        for (int o = 0; o < c.out(); o++) {
          for (int i = 0; i < c.in(); i++) {
            for (int y = 0; y < c.kh(); y++) {
              for (int x = 0; x < c.kw(); x++) {
                assertEquals(hwio[((y * c.kw() + x) * c.in() + i) * c.out() + o], w.get(o, i, y, x), c.name());
              }
            }
          }
        }
        if (c.bias()) {
          assertEquals(Arrays.toString(tiny.weights.get(c.name() + "/bias")),
              Arrays.toString(st.tensor(c.name() + ".bias").toArray()));
        }
      }
    }
  }

  private void assertRefused(Consumer<JsonObject> edit, String expected) throws IOException {
    Path json = tiny.write(dir);
    JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    edit.accept(root);
    Files.writeString(json, root.toString());
    ModelFileException e = assertThrows(ModelFileException.class,
        () -> TfjsLayersConverter.convert(json, dir.resolve("x.safetensors"), Map.of()));
    assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    assertFalse(Files.exists(dir.resolve("x.safetensors")));
  }

  private static JsonArray layers(JsonObject root) {
    return root.getAsJsonObject("modelTopology").getAsJsonObject("model_config").getAsJsonObject("config")
        .getAsJsonArray("layers");
  }

  private static JsonArray manifest(JsonObject root) {
    return root.getAsJsonArray("weightsManifest").get(0).getAsJsonObject().getAsJsonArray("weights");
  }

  @Test
  void refusesWhatItCannotConvertFaithfully() throws IOException {
    assertRefused(r -> layers(r).get(4).getAsJsonObject().addProperty("class_name", "Multiply"), "is a Multiply");
    assertRefused(r -> layers(r).get(3).getAsJsonObject().getAsJsonObject("config").addProperty("activation", "tanh"),
        "activation 'tanh'");
    assertRefused(r -> layers(r).get(4).getAsJsonObject().getAsJsonObject("config").addProperty("axis", 1), "only channels");
    assertRefused(r -> layers(r).get(1).getAsJsonObject().getAsJsonObject("config").addProperty("data_format", "channels_first"),
        "channels_last");
    assertRefused(r -> layers(r).get(8).getAsJsonObject().getAsJsonObject("config").addProperty("interpolation", "bilinear"),
        "only nearest");
    assertRefused(r -> manifest(r).get(0).getAsJsonObject().addProperty("name", "a_even/b"),
        "needs weight 'a_even/bias', which the manifest lacks");
    assertRefused(r -> manifest(r).get(0).getAsJsonObject().addProperty("dtype", "int32"), "only plain float32");
    assertRefused(r -> r.getAsJsonArray("weightsManifest").get(0).getAsJsonObject().getAsJsonArray("paths").set(0,
        new JsonPrimitive("../group1-shard1of1.bin")), "beside model.json");
    // Same element count, transposed channels: caught by shape, not silently misread.
    assertRefused(r -> manifest(r).forEach(w -> {
      if (w.getAsJsonObject().get("name").getAsString().equals("m_fuse/kernel")) {
        w.getAsJsonObject().add("shape", JsonParser.parseString("[1,1,4,7]"));
      }
    }), "'m_fuse/kernel' is [1, 1, 4, 7], layer 'm_fuse' needs [1, 1, 7, 4]");
  }

  @Test
  void refusesShardsThatDoNotMatchTheManifest() throws IOException {
    Path json = tiny.write(dir);
    Files.write(dir.resolve("group1-shard1of1.bin"), new byte[4], StandardOpenOption.APPEND);
    ModelFileException e = assertThrows(ModelFileException.class,
        () -> TfjsLayersConverter.convert(json, dir.resolve("x.safetensors"), Map.of()));
    assertTrue(e.getMessage().contains("but the manifest describes"), e.getMessage());
  }

  @Test
  void refusesWeightsNoLayerUses() throws IOException {
    Path json = tiny.write(dir);
    JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    JsonObject extra = new JsonObject();
    extra.addProperty("name", "zz_unused/kernel");
    JsonArray shape = new JsonArray();
    shape.add(1);
    extra.add("shape", shape);
    extra.addProperty("dtype", "float32");
    manifest(root).add(extra);
    Files.writeString(json, root.toString());
    Files.write(dir.resolve("group1-shard1of1.bin"), new byte[4], StandardOpenOption.APPEND);
    ModelFileException e = assertThrows(ModelFileException.class,
        () -> TfjsLayersConverter.convert(json, dir.resolve("x.safetensors"), Map.of()));
    assertTrue(e.getMessage().contains("'zz_unused/kernel' is used by no supported layer"), e.getMessage());
  }
}
