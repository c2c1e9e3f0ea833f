package dev.worldfx.ofx;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.MissingInputException;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeDescriptor;
import dev.worldfx.nodes.PanelLink;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** One node kind behind one OFX plugin: OFX actions in, Node SPI calls out. */
final class OfxNodeAdapter {
  private static final List<String> DEPTHS = List.of(PixelDepth.BYTE.ofxName(), PixelDepth.SHORT.ofxName(), PixelDepth.FLOAT.ofxName());

  private final Node node;
  private final NodeDescriptor descriptor;
  private final PanelLink panel;
  private volatile HostApi host;
  /** Live instances by effect handle address. MLT renders on descriptor handles it never "creates". */
  private final ConcurrentHashMap<Long, OfxInstance> instances = new ConcurrentHashMap<>();

  OfxNodeAdapter(Node node, PanelLink panel) {
    this.node = node;
    this.descriptor = node.descriptor();
    this.panel = panel;
  }

  void setHost(HostApi api) {
    this.host = api;
  }

  String nodeLabel() {
    return descriptor.label();
  }

  int instanceCount() {
    return instances.size();
  }

  int dispatch(String action, MemorySegment handle, MemorySegment inArgs, MemorySegment outArgs) {
    HostApi api = host;
    if (api == null) {
      return action.equals(Ofx.ACTION_UNLOAD) ? Ofx.STAT_OK : Ofx.STAT_ERR_MISSING_HOST_FEATURE;
    }
    switch (action) {
      case Ofx.ACTION_LOAD, Ofx.ACTION_UNLOAD, Ofx.ACTION_BEGIN_SEQUENCE_RENDER, Ofx.ACTION_END_SEQUENCE_RENDER,
           Ofx.ACTION_PURGE_CACHES, Ofx.ACTION_SYNC_PRIVATE_DATA -> {
        return Ofx.STAT_OK;
      }
      case Ofx.ACTION_DESCRIBE -> {
        describe(api.effects.effectProperties(required(handle, "effect")));
        return Ofx.STAT_OK;
      }
      case Ofx.ACTION_DESCRIBE_IN_CONTEXT -> {
        MemorySegment effect = required(handle, "effect");
        NodeContext context = NodeContext.fromOfx(api.effects.wrap(required(inArgs, "inArgs")).getString(Ofx.PROP_CONTEXT, 0));
        if (context == null || !descriptor.contexts().contains(context)) {
          return Ofx.STAT_ERR_UNSUPPORTED;
        }
        describeInContext(api, effect, context);
        return Ofx.STAT_OK;
      }
      case Ofx.ACTION_CREATE_INSTANCE -> {
        MemorySegment effect = required(handle, "effect");
        instances.put(effect.address(), OfxInstance.create(api, node, effect));
        return Ofx.STAT_OK;
      }
      case Ofx.ACTION_DESTROY_INSTANCE -> {
        instances.remove(required(handle, "effect").address());
        return Ofx.STAT_OK;
      }
      case Ofx.ACTION_RENDER -> {
        MemorySegment effect = required(handle, "effect");
        PropertySet in = api.effects.wrap(required(inArgs, "inArgs"));
        instance(api, effect).render(in);
        return Ofx.STAT_OK;
      }
      case Ofx.ACTION_INSTANCE_CHANGED -> {
        MemorySegment effect = required(handle, "effect");
        PropertySet in = api.effects.wrap(required(inArgs, "inArgs"));
        instance(api, effect).instanceChanged(in.getStringOr(Ofx.PROP_TYPE, 0, ""), in.getStringOr(Ofx.PROP_NAME, 0, ""),
            in.getStringOr(Ofx.PROP_CHANGE_REASON, 0, ""), panel);
        return Ofx.STAT_OK;
      }
      case Ofx.ACTION_GET_TIME_DOMAIN -> {
        if (!node.changesTimeDomain()) {
          return Ofx.STAT_REPLY_DEFAULT;
        }
        MemorySegment effect = required(handle, "effect");
        FrameRange range = instance(api, effect).timeDomain();
        api.effects.wrap(required(outArgs, "outArgs")).setDoubles(Ofx.PROP_FRAME_RANGE, range.first(), range.last());
        return Ofx.STAT_OK;
      }
      case Ofx.ACTION_GET_FRAMES_NEEDED -> {
        if (!node.changesTimeDomain()) {
          return Ofx.STAT_REPLY_DEFAULT;
        }
        MemorySegment effect = required(handle, "effect");
        double time = api.effects.wrap(required(inArgs, "inArgs")).getDouble(Ofx.PROP_TIME, 0);
        FrameRange needed = instance(api, effect).framesNeeded(time);
        api.effects.wrap(required(outArgs, "outArgs"))
            .setDoubles(Ofx.CLIP_PROP_FRAME_RANGE_PREFIX + ClipSpec.SOURCE, needed.first(), needed.last());
        return Ofx.STAT_OK;
      }
      default -> {
        return Ofx.STAT_REPLY_DEFAULT;
      }
    }
  }

  private OfxInstance instance(HostApi api, MemorySegment effect) {
    return instances.computeIfAbsent(effect.address(), k -> OfxInstance.create(api, node, effect));
  }

  private static MemorySegment required(MemorySegment handle, String what) {
    if (handle == null || handle.equals(MemorySegment.NULL)) {
      throw new OfxStatusException(Ofx.STAT_ERR_BAD_HANDLE, "NULL " + what + " handle");
    }
    return handle;
  }

  private void describe(PropertySet effect) {
    effect.setString(Ofx.PROP_LABEL, 0, descriptor.label());
    effect.setString(Ofx.PROP_PLUGIN_DESCRIPTION, 0, descriptor.description());
    effect.setString(Ofx.PROP_VERSION_LABEL, 0, descriptor.versionMajor() + "." + descriptor.versionMinor());
    effect.setString(Ofx.PLUGIN_PROP_GROUPING, 0, NodeDescriptor.GROUPING);
    effect.setStrings(Ofx.PROP_SUPPORTED_CONTEXTS, descriptor.contexts().stream().map(NodeContext::ofxName).toList());
    effect.setStrings(Ofx.PROP_SUPPORTED_PIXEL_DEPTHS, DEPTHS);
    // Renders keep no state between calls: any number of threads may render one instance.
    effect.setString(Ofx.PLUGIN_RENDER_THREAD_SAFETY, 0, Ofx.RENDER_FULLY_SAFE);
    effect.setInt(Ofx.PLUGIN_PROP_HOST_FRAME_THREADING, 0, 0);
    effect.setInt(Ofx.PROP_SUPPORTS_TILES, 0, 1);
    effect.setInt(Ofx.PROP_SUPPORTS_MULTI_RESOLUTION, 0, 0);
    effect.setInt(Ofx.PROP_SUPPORTS_MULTIPLE_CLIP_DEPTHS, 0, 0);
    effect.setInt(Ofx.PROP_TEMPORAL_CLIP_ACCESS, 0, descriptor.temporalClipAccess() ? 1 : 0);
    // Icons ship in Contents/Resources; hosts without OfxPropIcon find them by plugin id.
    effect.trySetStrings(Ofx.PROP_ICON, List.of(descriptor.id() + ".svg", descriptor.id() + ".png"));
  }

  private void describeInContext(HostApi api, MemorySegment effect, NodeContext context) {
    for (ClipSpec clip : descriptor.clipsIn(context)) {
      PropertySet p = api.effects.defineClip(effect, clip.name());
      p.setStrings(Ofx.PROP_SUPPORTED_COMPONENTS, clip.components().stream().map(Components::ofxName).toList());
      p.setInt(Ofx.PROP_SUPPORTS_TILES, 0, 1);
      if (!clip.name().equals(ClipSpec.OUTPUT)) {
        p.setInt(Ofx.CLIP_PROP_OPTIONAL, 0, clip.optional() ? 1 : 0);
        p.setInt(Ofx.CLIP_PROP_IS_MASK, 0, clip.mask() ? 1 : 0);
        p.setInt(Ofx.PROP_TEMPORAL_CLIP_ACCESS, 0, descriptor.temporalClipAccess() ? 1 : 0);
      }
    }
    OfxParamDeclaration.defineAll(api.params, api.effects.paramSet(effect), descriptor, context);
  }

  /** Puts the error on the node (persistent where the host can) so a failed render is never silent. */
  void showError(MemorySegment handle, String text) {
    HostApi api = host;
    if (api == null || api.messages == null || handle == null || handle.equals(MemorySegment.NULL)) {
      return;
    }
    api.messages.error(handle, text);
    OfxInstance inst = instances.get(handle.address());
    if (inst != null) {
      inst.messageShown = true;
    }
  }

  /** Reads an image property set into a view of the host's pixels. */
  static FrameView view(PropertySet image) {
    MemorySegment data = image.getPointer(Ofx.IMAGE_PROP_DATA, 0);
    int[] b = image.getInts(Ofx.IMAGE_PROP_BOUNDS, 4);
    int rowBytes = image.getInt(Ofx.IMAGE_PROP_ROW_BYTES, 0);
    PixelDepth depth = PixelDepth.fromOfx(image.getString(Ofx.PROP_PIXEL_DEPTH, 0));
    Components components = Components.fromOfx(image.getString(Ofx.PROP_COMPONENTS, 0));
    return FrameView.wrap(data, new RectI(b[0], b[1], b[2], b[3]), rowBytes, depth, components);
  }

  static MissingInputException noImage(String clip, double time) {
    return new MissingInputException("the host gave no " + clip + " image at frame " + time);
  }
}
