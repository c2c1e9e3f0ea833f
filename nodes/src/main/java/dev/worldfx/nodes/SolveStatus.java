package dev.worldfx.nodes;

import dev.worldfx.inference.Backends;
import java.util.Locale;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

/** The wording of the Solve, Backend and Cache hit status, one for every node. */
public final class SolveStatus {
  private SolveStatus() {}

  /**
   * The backend the solvers' ops go to first: "cpu" (the default) or "cuda" (--backend / WORLDFX_BACKEND asked for
   * it and a GPU is usable); ops the GPU does not run still fall back to the CPU.
   */
  public static String backend() {
    return Backends.selected().name();
  }

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
