package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.CommonParams;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.ParamGroup;
import dev.worldfx.nodes.ParamSpec;
import dev.worldfx.nodes.ParamSpec.ChoiceParam;
import dev.worldfx.nodes.ParamSpec.DoubleParam;
import dev.worldfx.nodes.ParamSpec.IntParam;
import java.util.List;
import java.util.Map;

/** Inpaint's parameters: name, label and hint side by side, declared once. */
public final class InpaintParams {
  private InpaintParams() {}

  public static final int MATTE_MASK_CLIP = 0;
  public static final int MATTE_SOURCE_ALPHA = 1;
  public static final int MATTE_SOURCE_LUMINANCE = 2;

  public static final ChoiceParam MATTE_SOURCE = new ChoiceParam("matteSource", "Matte source",
      "Where the matte of what to remove comes from: the Mask input, the Source alpha, or the Source luminance. "
          + "White (1.0) = remove.",
      ParamGroup.MATTE, List.of("Mask clip", "Source alpha", "Source luminance"), MATTE_SOURCE_ALPHA,
      Map.of(NodeContext.GENERAL, MATTE_MASK_CLIP));
  public static final IntParam DILATE = new IntParam("dilate", "Dilate",
      "Grows the matte by this many pixels so the edges of the object (its soft outline, motion blur) are removed "
          + "too.", ParamGroup.MATTE, 0, 0, 256, 0, 64);
  public static final DoubleParam FEATHER = new DoubleParam("feather", "Feather",
      "Fades the fill into the picture over this many pixels outside the matte. The object itself is always fully "
          + "removed; pixels beyond the feather stay bit-exact.", ParamGroup.MATTE, 0, 0, 256, 0, 64);
  public static final IntParam TEMPORAL_RADIUS = new IntParam("temporalRadius", "Temporal radius",
      "How many frames before and after are searched for the hidden background. More finds more of it when the object "
          + "or the camera moves slowly; each render also checks this many frames around it against the solve.",
      ParamGroup.TEMPORAL, 8, 0, 100, 0, 48);
  public static final ChoiceParam QUALITY = CommonParams.quality("Draft shows a usable result quickly; Final refines it.");
  public static final IntParam SEED = CommonParams.SEED;
  public static final ChoiceParam OUTPUT = new ChoiceParam("output", "Output",
      "Result; the per-pixel confidence of the fill (1 = seen in the next frame, lower further away, 0.25 = "
          + "synthesised); or only the pixels found in other frames (synthesised ones black).",
      ParamGroup.OUTPUT, List.of("Result", "Confidence", "Propagated only"), 0, Map.of());

  public static final List<ParamSpec> ALL = List.of(MATTE_SOURCE, DILATE, FEATHER, TEMPORAL_RADIUS, QUALITY, SEED, OUTPUT);
}
