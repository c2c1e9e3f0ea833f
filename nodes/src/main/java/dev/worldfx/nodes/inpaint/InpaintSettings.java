package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.ParamValues;

/**
 * What a solve depends on besides the frames. The output choice is not here: it only selects
 * which solved layer a render shows.
 */
public record InpaintSettings(int dilate, double feather, int temporalRadius, boolean finalQuality, long seed) {
  public InpaintSettings {
    if (dilate < 0 || !(feather >= 0) || temporalRadius < 0) {
      throw new IllegalArgumentException("dilate, feather and temporal radius must not be negative, got " + dilate
          + ", " + feather + ", " + temporalRadius);
    }
  }

  public static InpaintSettings from(ParamValues p) {
    return new InpaintSettings(p.getInt(InpaintParams.DILATE.name()), p.getDouble(InpaintParams.FEATHER.name()),
        p.getInt(InpaintParams.TEMPORAL_RADIUS.name()), p.getChoice(InpaintParams.QUALITY.name()) == 1,
        p.getInt(InpaintParams.SEED.name()));
  }
}
