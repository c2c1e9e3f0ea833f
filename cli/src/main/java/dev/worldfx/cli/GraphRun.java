package dev.worldfx.cli;

import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.graph.GraphFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/** Renders a checked graph to files: what `worldfx run` and the Java API share. */
final class GraphRun {
  private GraphRun() {}

  /** What a graph will read and write, checked before anything is written. */
  record Plan(GraphFile.Checked graph, List<ImageSequence> inputs, int first, int last, RectI bounds, ImageFiles.Header like,
              ImageSequence output) {
  }

  /** Frames rendered with their seconds, the nodes' messages, the total time, whether a shot solve ran here. */
  record Result(List<double[]> timings, List<String> notices, double seconds, boolean solved) {
  }

  static Plan plan(GraphFile.Checked graph, String source) throws IOException {
    List<ImageSequence> inputs = new ArrayList<>();
    for (GraphFile.CheckedNode n : graph.nodes()) {
      for (GraphFile.InputRef ref : n.inputs().values()) {
        if (ref instanceof GraphFile.InputRef.Files(String pattern)) {
          inputs.add(ImageSequence.parse(pattern));
        }
      }
    }
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException(source + ": the graph reads no files; give it an input file pattern");
    }
    ImageSequence firstInput = inputs.getFirst();
    List<Integer> numbers = firstInput.existingNumbers();
    if (numbers.isEmpty()) {
      throw new IllegalArgumentException("no input frames: no file in " + firstInput.folder() + " matches "
          + firstInput);
    }
    int first = graph.first() != null ? graph.first() : numbers.getFirst();
    int last = graph.last() != null ? graph.last() : numbers.getLast();
    for (ImageSequence in : inputs) {
      List<Integer> missing = new ArrayList<>();
      for (int t = first; t <= last; t++) {
        if (!Files.isRegularFile(in.file(t))) {
          missing.add(t);
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException("missing input frames " + ImageSequence.describe(missing) + " of " + in
            + " (the graph's range is " + first + "-" + last + "; set frames { first: .. last: .. } to render less)");
      }
    }
    ImageFiles.Header like = ImageFiles.header(firstInput.file(first));
    return new Plan(graph, inputs, first, last, like.bounds(), like, ImageSequence.parse(graph.outputPattern()));
  }

  /** Where a render writes, says how far it is and hears it should stop. */
  record Hooks(OutputFiles outputs, Cancellation cancel, Progress progress, Consumer<String> notices) {
  }

  /** Renders frames a..b of the plan's output node (inside its range) to its output pattern. */
  static Result render(Plan plan, int a, int b, Hooks hooks) throws IOException {
    return render(plan, a, b, true, hooks);
  }

  /**
   * Renders frames a..b of the plan's output node; with {@code write} false nothing is written
   * (a farm's solve job: every shot solve those frames need lands in the sequence cache).
   */
  static Result render(Plan plan, int a, int b, boolean write, Hooks hooks) throws IOException {
    for (ImageSequence in : write ? plan.inputs() : List.<ImageSequence>of()) {
      for (int t = a; t <= b; t++) {
        if (plan.output().file(t).toAbsolutePath().normalize().equals(in.file(t).toAbsolutePath().normalize())) {
          throw new IllegalArgumentException("output_pattern " + plan.output() + " would overwrite the input "
              + in.file(t));
        }
      }
    }
    if (write) {
      hooks.outputs().requireWritableFolder(plan.output().folder(), "output_pattern");
    }
    long start = System.nanoTime();
    List<String> notices = new ArrayList<>();
    List<double[]> timings = new ArrayList<>();
    boolean[] solved = {false};
    DoubleConsumer solveProgress = hooks.progress().solve("solving the shot " + plan.first() + "-" + plan.last());
    DoubleConsumer solve = f -> {
      solved[0] = true;
      solveProgress.accept(f);
    };
    try (GraphRenderer renderer = new GraphRenderer(plan.graph(), plan.first(), plan.last(), plan.bounds(),
        hooks.cancel()::requested, solve, text -> {
          hooks.notices().accept(text);
          notices.add(text);
        })) {
      for (int t = a; t <= b; t++) {
        hooks.cancel().check();
        long t0 = System.nanoTime();
        FrameView f = renderer.render(t);
        if (write) {
          Path file = plan.output().file(t);
          hooks.outputs().replace(file, tmp -> ImageFiles.encode(f, file, tmp, plan.like()));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        timings.add(new double[] {t, seconds});
        hooks.progress().frame(t, t - a + 1, b - a + 1, seconds);
      }
    }
    return new Result(timings, notices, (System.nanoTime() - start) / 1e9, solved[0]);
  }
}
