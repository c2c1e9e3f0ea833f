package dev.worldfx.cli;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.Shot;
import dev.worldfx.nodes.graph.GraphFile;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SpecParamValues;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * Renders a checked graph frame by frame, outside any host. A node's input clip reads either
 * files (decoded on demand; a Mask clip as {@link InpaintCommand#matteOf}) or another node's
 * output, rendered at the time asked and kept in a small per-node memory of recent frames. Every
 * node sees the whole graph range as its shot, so a shot solve is the same whichever frames a
 * run writes (chunked farm renders share one solve through the sequence cache).
 */
final class GraphRenderer implements AutoCloseable {
  /** Rendered frames kept per node (a solve reads its inputs a few times, in order). */
  static final int KEPT_PER_NODE = 4;

  private final GraphFile.Checked graph;
  private final int first;
  private final int last;
  private final RectI bounds;
  private final BooleanSupplier aborted;
  private final DoubleConsumer progress;
  private final Consumer<String> notices;
  private final Map<String, LinkedHashMap<Integer, Rendered>> memory = new HashMap<>();
  private final Map<String, Map<String, ImageSequence>> files = new HashMap<>();

  private record Rendered(FrameView frame, Arena arena) {
  }

  GraphRenderer(GraphFile.Checked graph, int first, int last, RectI bounds, BooleanSupplier aborted,
                DoubleConsumer progress, Consumer<String> notices) {
    this.graph = graph;
    this.aborted = aborted;
    this.first = first;
    this.last = last;
    this.bounds = bounds;
    this.progress = progress;
    this.notices = notices;
    for (GraphFile.CheckedNode n : graph.nodes()) {
      Map<String, ImageSequence> seqs = new HashMap<>();
      n.inputs().forEach((clip, ref) -> {
        if (ref instanceof GraphFile.InputRef.Files(String pattern)) {
          seqs.put(clip, ImageSequence.parse(pattern));
        }
      });
      files.put(n.name(), seqs);
    }
  }

  /** The output node's frame at {@code t}, valid until this renderer renders more than a few frames or closes. */
  FrameView render(int t) {
    return render(graph.output(), t);
  }

  private FrameView render(GraphFile.CheckedNode node, int t) {
    LinkedHashMap<Integer, Rendered> kept = memory.computeIfAbsent(node.name(), k -> new LinkedHashMap<>());
    Rendered r = kept.get(t);
    if (r != null) {
      return r.frame();
    }
    Arena arena = Arena.ofShared();
    NodeShot shot = new NodeShot(node);
    try {
      PixelDepth depth = shot.frame(ClipSpec.SOURCE, t).map(FrameView::depth).orElse(PixelDepth.SHORT);
      FrameView out = FrameView.allocate(arena, bounds, depth, Components.RGBA);
      node.node().render(new LocalRenderContext(node.context(), t, bounds,
          new SpecParamValues(node.node().descriptor(), node.context(), node.params()), shot, aborted, progress,
          notices), out);
      kept.put(t, new Rendered(out, arena));
      if (kept.size() > KEPT_PER_NODE) {
        var eldest = kept.entrySet().iterator();
        eldest.next().getValue().arena().close();
        eldest.remove();
      }
      return out;
    } catch (RuntimeException | Error e) {
      arena.close();
      throw e;
    } finally {
      shot.releaseAll();
    }
  }

  /** The clips of one node in this graph. */
  private final class NodeShot implements Shot {
    private final GraphFile.CheckedNode node;
    private final FrameArenas open = new FrameArenas();

    NodeShot(GraphFile.CheckedNode node) {
      this.node = node;
    }

    @Override
    public synchronized Optional<FrameView> frame(String clip, double time) {
      GraphFile.InputRef ref = node.inputs().get(clip);
      int n = (int) Math.round(time);
      if (ref == null || n != time || n < first || n > last) {
        return Optional.empty();
      }
      if (ref instanceof GraphFile.InputRef.NodeOutput(String upstream)) {
        Arena arena = Arena.ofShared();
        try {
          // a copy the node owns until it releases it: the upstream memory may drop its frame meanwhile
          FrameView up = render(graph.node(upstream), n);
          FrameView copy = FrameView.allocate(arena, up.bounds(), up.depth(), up.components());
          copy.copyRowsFrom(up, up.bounds().y1(), up.bounds().y2(), up.bounds().x1(), up.bounds().x2());
          return Optional.of(open.track(copy, arena));
        } catch (RuntimeException | Error e) {
          arena.close();
          throw e;
        }
      }
      ImageSequence seq = files.get(node.name()).get(clip);
      FrameView f = open.read(seq.file(n), clip.equals(ClipSpec.MASK));
      if (!f.bounds().equals(bounds)) {
        open.release(f);
        throw new NodeException(seq.file(n) + " is " + f.bounds().width() + "x" + f.bounds().height()
            + " but the graph's frames are " + bounds.width() + "x" + bounds.height());
      }
      return Optional.of(f);
    }

    @Override
    public void release(FrameView frame) {
      open.release(frame);
    }

    void releaseAll() {
      open.releaseAll();
    }

    @Override
    public FrameRange range(String clip) {
      return new FrameRange(first, last);
    }

    @Override
    public boolean temporalAccess() {
      return true;
    }
  }

  /** The file inputs of the graph, for checks before rendering. */
  List<ImageSequence> fileInputs() {
    return files.values().stream().flatMap(m -> m.values().stream()).toList();
  }

  @Override
  public void close() {
    memory.values().forEach(m -> m.values().forEach(r -> r.arena().close()));
    memory.clear();
  }
}
