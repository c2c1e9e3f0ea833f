package dev.worldfx.nodes.extend;

import dev.worldfx.nodes.CommonParams;
import dev.worldfx.nodes.ParamGroup;
import dev.worldfx.nodes.ParamSpec;
import dev.worldfx.nodes.ParamSpec.ChoiceParam;
import dev.worldfx.nodes.ParamSpec.IntParam;
import dev.worldfx.nodes.ParamSpec.StringParam;
import java.util.List;
import java.util.Map;

/** ExtendShot's parameters: name, label and hint side by side, declared once. */
public final class ExtendShotParams {
  private ExtendShotParams() {}

  public static final int FORWARD = 0;
  public static final int BACKWARD = 1;
  public static final int BOTH = 2;

  public static final ChoiceParam DIRECTION = new ChoiceParam("direction", "Direction",
      "Add frames after the end of the shot, before its start, or both.", ParamGroup.TEMPORAL,
      List.of("Forward", "Backward", "Both"), FORWARD, Map.of());
  public static final IntParam FRAMES_TO_ADD = new IntParam("framesToAdd", "Frames to add",
      "How many frames to predict on each extended side. The Safe extension status says how many stay reliable.",
      ParamGroup.TEMPORAL, 24, 0, 10000, 0, 240);
  public static final ChoiceParam QUALITY = CommonParams.quality(
      "Draft estimates motion at half resolution and trains the shot's appearance network briefly; Final uses full "
          + "resolution and trains longer.");
  public static final IntParam SEED = CommonParams.SEED;
  public static final IntParam BACKTEST_FRAMES = new IntParam("backtestFrames", "Back-test frames",
      "Hides this many real frames, predicts them and reports how long an extension stays reliable. 0 = off.",
      ParamGroup.QUALITY, 8, 0, 256, 0, 32);
  public static final IntParam SEAM_BLEND = new IntParam("seamBlend", "Seam blend",
      "Frames over which real and predicted frames would be blended so the seam does not jump. Not applied in this "
          + "build: predictions start from the last real frame moved on, so there is no jump to blend.",
      ParamGroup.ADVANCED, 4, 0, 64, 0, 16);

  public static final StringParam SAVE_MODEL = new StringParam("saveModel", "Save shot model to",
      "Also writes the shot model fitted for the extension to this file (.safetensors), so the added frames render "
          + "elsewhere without the source shot, a render farm included: in Generate's Generator context (Shot model "
          + "file) or with `worldfx generate --model`, the same pixels. Written at the next render of an added frame, "
          + "and again only when the solve changes; changing only this path re-solves nothing. With Direction Both, "
          + "two files: NAME.after.safetensors and NAME.before.safetensors for NAME.safetensors. Empty: no file.",
      ParamGroup.OUTPUT, "", ParamSpec.StringKind.FILE_TO_WRITE);

  public static final int OUTPUT_RESULT = 0;
  public static final int OUTPUT_DRIFT_MATTE = 1;
  public static final ChoiceParam OUTPUT = new ChoiceParam("output", "Output",
      "Result: the extended shot. Back-test drift matte: on the added frames, where the back-test's prediction went "
          + "wrong, per pixel the mean absolute RGB error at its last horizon (grey, 1.0 = an error of full scale; "
          + "raise the viewer's gain to see small errors), each side's own; real frames pass through in both. Needs "
          + "Back-test frames above 0.",
      ParamGroup.OUTPUT, List.of("Result", "Back-test drift matte"), OUTPUT_RESULT, Map.of());

  public static final List<ParamSpec> ALL = List.of(DIRECTION, FRAMES_TO_ADD, QUALITY, SEED, BACKTEST_FRAMES, SEAM_BLEND,
      SAVE_MODEL, OUTPUT);
}
