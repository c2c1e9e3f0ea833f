package dev.worldfx.nodes;

import dev.worldfx.nodes.ParamSpec.ChoiceParam;
import dev.worldfx.nodes.ParamSpec.IntParam;
import java.util.List;
import java.util.Map;

/** Parameters several nodes share, declared once so they read the same everywhere. */
public final class CommonParams {
  private CommonParams() {}

  public static final IntParam SEED = new IntParam("seed", "Seed",
      "Same seed, same inputs and parameters give the same pixels.", 0, 0, Integer.MAX_VALUE);

  /** Draft | Final, with what the two mean for this node. */
  public static ChoiceParam quality(String hint) {
    return new ChoiceParam("quality", "Quality", hint, List.of("Draft", "Final"), 0, Map.of());
  }
}
