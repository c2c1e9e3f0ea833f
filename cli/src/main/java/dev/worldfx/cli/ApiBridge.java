package dev.worldfx.cli;

import dev.worldfx.nodes.graph.GraphFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The render path of {@code dev.worldfx.api.WorldFX}: the same as `worldfx run`, progress on stderr. */
public final class ApiBridge {
  private ApiBridge() {}

  /** Renders first..last (null: the whole range); returns the seconds it took. */
  public static double render(GraphFile.Checked graph, Integer first, Integer last) throws IOException {
    GraphRun.Plan plan = GraphRun.plan(graph, "graph built in code");
    int a = first != null ? first : plan.first(), b = last != null ? last : plan.last();
    if (a > b || a < plan.first() || b > plan.last()) {
      throw new IllegalArgumentException("frames " + a + "-" + b + " are not inside the graph's range " + plan.first()
          + "-" + plan.last());
    }
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    Console console = new Console(err, err, false);
    console.progress("lines");
    return GraphRun.render(plan, a, b, new GraphRun.Hooks(new OutputFiles(), new Cancellation(),
        new Progress(console, new Report(), "run"), text -> console.message("run", text))).seconds();
  }
}
