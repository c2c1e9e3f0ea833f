package dev.worldfx.nodes;

import dev.worldfx.nodes.ParamSpec.ChoiceParam;
import dev.worldfx.nodes.ParamSpec.IntParam;
import java.util.List;
import java.util.Map;

/** Parameters several nodes share, declared once so they read the same everywhere. */
public final class CommonParams {
  private CommonParams() {}

  public static final IntParam SEED = new IntParam("seed", "Seed",
      "Changes the node's random choices. The same seed with the same inputs and settings always gives the same "
          + "pixels.", ParamGroup.ADVANCED, 0, 0, Integer.MAX_VALUE, 0, 1000);

  /** Draft | Final, with what the two mean for this node. */
  public static ChoiceParam quality(String hint) {
    return new ChoiceParam("quality", "Quality", hint, ParamGroup.QUALITY, List.of("Draft", "Final"), 0, Map.of());
  }
}
