package dev.worldfx.nodes.generate;

import dev.worldfx.nodes.ParamGroup;
import dev.worldfx.nodes.ParamSpec;
import dev.worldfx.nodes.ParamSpec.DoubleParam;
import dev.worldfx.nodes.ParamSpec.IntParam;
import dev.worldfx.nodes.ParamSpec.StringParam;
import java.util.List;

/** Generate's parameters: name, label and hint side by side, declared once. */
public final class GenerateParams {
  private GenerateParams() {}

  public static final IntParam SEED = new IntParam("seed", "Seed",
      "Chooses the sample: the same seed gives the same frames, another seed another variation.", ParamGroup.OUTPUT,
      0, 0, Integer.MAX_VALUE, 0, 1000);
  public static final DoubleParam VARIATION = new DoubleParam("variation", "Variation",
      "How far a variation may depart from the reference shot (Filter context).", ParamGroup.OUTPUT, 0.25, 0, 1);
  public static final StringParam MODEL_FILE = new StringParam("modelFile", "Shot model file",
      "A shot model (.safetensors) written by ExtendShot, Generate or the worldfx CLI. No text prompts: "
          + "WorldFX loads no model that understands text. (Not read yet: the current output is a placeholder.)",
      ParamGroup.OUTPUT, "");

  public static final List<ParamSpec> ALL = List.of(SEED, VARIATION, MODEL_FILE);
}
