package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.CommonParams;
import dev.worldfx.nodes.NodeContext;
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
      List.of("Mask clip", "Source alpha", "Source luminance"), MATTE_SOURCE_ALPHA,
      Map.of(NodeContext.GENERAL, MATTE_MASK_CLIP));
  public static final IntParam DILATE = new IntParam("dilate", "Dilate",
      "Grows the matte by this many pixels so edges of the object are removed too. "
          + "(Not applied yet: the current fill is a placeholder.)", 0, 0, 256);
  public static final DoubleParam FEATHER = new DoubleParam("feather", "Feather",
      "Softens the matte edge over this many pixels. (Not applied yet: the current fill is a placeholder.)", 0, 0, 256);
  public static final IntParam TEMPORAL_RADIUS = new IntParam("temporalRadius", "Temporal radius",
      "How many frames before and after are searched for the hidden background.", 8, 0, 100);
  public static final ChoiceParam QUALITY = CommonParams.quality("Draft shows a usable result quickly; Final refines it.");
  public static final IntParam SEED = CommonParams.SEED;
  public static final ChoiceParam OUTPUT = new ChoiceParam("output", "Output",
      "Result, the per-pixel confidence of the fill, or only the pixels propagated from other frames.",
      List.of("Result", "Confidence", "Propagated only"), 0, Map.of());

  public static final List<ParamSpec> ALL = List.of(MATTE_SOURCE, DILATE, FEATHER, TEMPORAL_RADIUS, QUALITY, SEED, OUTPUT);
}
