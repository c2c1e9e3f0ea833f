package dev.worldfx.nodes;

import java.util.Locale;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

/** The wording of the Solve, Backend and Cache hit status, one for every node. */
public final class SolveStatus {
  /** The solvers run on the inference core's CPU kernels; no node dispatches to CUDA yet. */
  public static final String CPU = "cpu";

  private SolveStatus() {}

  /** The render read its result from the sequence cache. */
  public static void cacheHit(RenderContext ctx) {
    ctx.status(StatusField.CACHE_HIT, "yes");
    ctx.status(StatusField.SOLVE, "solved");
  }

  /** The render starts a solve on {@code backend}. */
  public static void solving(RenderContext ctx, String backend) {
    ctx.status(StatusField.CACHE_HIT, "no");
    ctx.status(StatusField.BACKEND, backend);
    ctx.status(StatusField.SOLVE, "solving 0%");
  }

  public static void solved(RenderContext ctx) {
    ctx.status(StatusField.SOLVE, "solved");
  }

  /** The host's progress bar and the Solve status, both from the solver's progress in [0,1]. */
  public static DoubleConsumer progress(RenderContext ctx) {
    return f -> {
      ctx.progress(f);
      ctx.status(StatusField.SOLVE, String.format(Locale.ROOT, "solving %d%%", Math.round(Math.clamp(f, 0, 1) * 100)));
    };
  }

  /** Runs a render's solve; a stop or a failure is left in the Solve status before it propagates. */
  public static <T> T tracked(RenderContext ctx, Supplier<T> solve) {
    try {
      return solve.get();
    } catch (RenderAbortedException e) {
      ctx.status(StatusField.SOLVE, "not solved (stopped)");
      throw e;
    } catch (RuntimeException | Error e) {
      ctx.status(StatusField.SOLVE, "failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      throw e;
    }
  }
}
