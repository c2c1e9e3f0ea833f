package dev.worldfx.ofx;

import dev.worldfx.ofx.raw.Ofx;
import java.util.List;

/**
 * What a host can do, read once from its property set. Host quirks are decided here and
 * nowhere else, each with the host's name in a comment.
 */
public record HostProfile(String name, String label, boolean temporalClipAccess, boolean supportsTiles,
                          boolean multiResolution, boolean multipleClipDepths, boolean sequentialRender,
                          List<String> pixelDepths, List<String> contexts) {
  static final HostProfile UNKNOWN = new HostProfile("unknown", "unknown", false, false, false, false, false, List.of(), List.of());

  static HostProfile read(PropertySet host) {
    return new HostProfile(
        host.getStringOr(Ofx.PROP_NAME, 0, "unknown"),
        host.getStringOr(Ofx.PROP_LABEL, 0, "unknown"),
        host.getIntOr(Ofx.PROP_TEMPORAL_CLIP_ACCESS, 0, 0) != 0,
        host.getIntOr(Ofx.PROP_SUPPORTS_TILES, 0, 0) != 0,
        host.getIntOr(Ofx.PROP_SUPPORTS_MULTI_RESOLUTION, 0, 0) != 0,
        host.getIntOr(Ofx.PROP_SUPPORTS_MULTIPLE_CLIP_DEPTHS, 0, 0) != 0,
        host.getIntOr(Ofx.INSTANCE_PROP_SEQUENTIAL_RENDER, 0, 0) != 0,
        host.getStringsOr(Ofx.PROP_SUPPORTED_PIXEL_DEPTHS, List.of()),
        host.getStringsOr(Ofx.PROP_SUPPORTED_CONTEXTS, List.of()));
  }

  /** MLT (Shotcut, Kdenlive) names itself "MLT". */
  public boolean isMlt() {
    return "MLT".equals(name);
  }

  /**
   * Whether clipGetImage honours the time asked. MLT says no temporal access and returns
   * the current frame for any time, so frames at other times must not be trusted there.
   */
  public boolean frameAtAnyTime() {
    return temporalClipAccess && !isMlt();
  }
}
