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
      "Chooses the sample: the same seed gives the same frames, another seed another variation. Not used with an "
          + "ExtendShot model file (its prediction was fixed when it was fitted).", ParamGroup.OUTPUT,
      0, 0, Integer.MAX_VALUE, 0, 1000);
  public static final DoubleParam VARIATION = new DoubleParam("variation", "Variation",
      "How far a sample may depart from the reference shot: the strength of the seeded noise the coarsest level of "
          + "the space-time pyramid starts from (VGPNN). 0 gives the reference back; 0.25 rearranges its content; "
          + "higher values rearrange more. Not used with an ExtendShot model file.", ParamGroup.OUTPUT, 0.25, 0, 1);
  public static final StringParam MODEL_FILE = new StringParam("modelFile", "Shot model file",
      "A shot model (.safetensors) written by `worldfx generate --save-model` (Generator context). The model is the "
          + "reference shot's space-time patch pyramid, sampled by VGPNN (Haim et al., ECCV 2022): no trained network. "
          + "Or an ExtendShot model written by `worldfx extend --save-model` or ExtendShot's Save shot model to: frame 0 shows the first frame predicted "
          + "after the shot, frame 1 the second, and so on, the same pixels `worldfx extend` writes (a farm renders "
          + "them without the source shot). "
          + "Empty: the Generator renders the seeded noise a sample starts from, as a test pattern. No text prompts: "
          + "WorldFX loads no model that understands text.", ParamGroup.OUTPUT, "",
      ParamSpec.StringKind.FILE_TO_READ);
  public static final IntParam FRAMES = new IntParam("frames", "Frames",
      "Length of the generated sample in the Generator context (0 = the model's own length; for an ExtendShot "
          + "model, the frames `worldfx extend` added). Frame t shows sample frame t modulo this length. An ExtendShot "
          + "model predicts all of them at the first render (each frame follows on from the one before), then they "
          + "come from the cache.", ParamGroup.TEMPORAL, 0, 0, 10000, 0, 240);

  public static final List<ParamSpec> ALL = List.of(SEED, VARIATION, MODEL_FILE, FRAMES);
}
