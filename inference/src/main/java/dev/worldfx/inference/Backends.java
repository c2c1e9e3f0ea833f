package dev.worldfx.inference;

import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Per-op dispatch over backends in order of preference: an op goes to the first backend
 * that supports it; if that backend becomes unavailable (BackendUnavailableException) the
 * op falls to the next one, with one log line per backend and op, never a crash.
 */
public final class Backends {
  private static final Logger LOG = Logger.getLogger(Backends.class.getName());

  public static final Backend REFERENCE = simple("reference", ReferenceOps::new);
  public static final Backend CPU = simple("cpu", CpuOps::new);

  private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
  private static final Map<String, String> FALLBACKS = new ConcurrentHashMap<>();
  private static volatile Selection selected;

  private Backends() {}

  private static Backend simple(String name, java.util.function.Function<Arena, Ops> factory) {
    return new Backend() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean supports(OpKind op) {
        return true;
      }

      @Override
      public Ops ops(Arena arena) {
        return factory.apply(arena);
      }
    };
  }

  /** Ops that try {@code preferred} in order; the CPU backend is always the last resort. */
  public static Ops dispatching(Arena arena, List<Backend> preferred) {
    List<Backend> chain = new java.util.ArrayList<>(preferred);
    if (!chain.contains(CPU)) {
      chain.add(CPU);
    }
    List<Ops> ops = chain.stream().map(b -> b.ops(arena)).toList();
    return (Ops) Proxy.newProxyInstance(Ops.class.getClassLoader(), new Class<?>[] {Ops.class}, (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return method.invoke(ops.getLast(), args);
      }
      OpKind kind = kindOf(method.getName());
      RuntimeException last = null;
      for (int i = 0; i < chain.size(); i++) {
        Backend b = chain.get(i);
        if (!b.supports(kind)) {
          continue;
        }
        try {
          return method.invoke(ops.get(i), args);
        } catch (InvocationTargetException e) {
          if (e.getCause() instanceof BackendUnavailableException u && i < chain.size() - 1) {
            if (REPORTED.add(b.name() + "/" + kind)) {
              FALLBACKS.put(b.name() + "/" + kind, u.getMessage());
              LOG.warning(kind + " falls back from " + b.name() + " to " + chain.get(i + 1).name() + ": " + u.getMessage());
            }
            last = u;
            continue;
          }
          throw e.getCause();
        }
      }
      throw last != null ? last : new IllegalStateException("no backend supports " + kind);
    });
  }

  /** Ops that fell back from a backend ("cuda/CONV2D") with the first reason, since the process started. */
  public static Map<String, String> fallbacks() {
    return Map.copyOf(FALLBACKS);
  }

  // --- selection -----------------------------------------------------------------------------------------

  /** --backend / WORLDFX_BACKEND: cpu, cuda (the GPU, or the CPU with a warning), auto (the GPU if there is one). */
  public enum Mode { CPU, CUDA, AUTO }

  /** The system property the CLI's --backend sets; it wins over WORLDFX_BACKEND. */
  public static final String MODE_PROPERTY = "worldfx.backend";
  public static final String MODE_ENV = "WORLDFX_BACKEND";

  /** What was asked for, the chain chosen (preferred first; the CPU is always last), and why. */
  public record Selection(Mode requested, List<Backend> chain, String reason) {
    /** The backend that runs ops first: "cuda" or "cpu". */
    public String name() {
      return chain.getFirst().name();
    }
  }

  /** The mode asked for: the property, else the environment variable, else cpu. */
  public static Mode requestedMode(String property, String env) {
    String v = property != null && !property.isBlank() ? property : env;
    return v == null || v.isBlank() ? Mode.CPU : parseMode(v);
  }

  public static Mode parseMode(String v) {
    try {
      return Mode.valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown backend '" + v + "' (known: cpu, cuda, auto)", e);
    }
  }

  /**
   * The chain for {@code mode}; {@code cuda} opens the device (or says why not) and is only asked when the mode is
   * not cpu. Never throws for a missing GPU: that is a reason, and the CPU runs.
   */
  public static Selection select(Mode mode, java.util.function.Supplier<dev.worldfx.inference.cuda.CudaRuntime.Availability> cuda) {
    if (mode == Mode.CPU) {
      return new Selection(mode, List.of(CPU), "cpu requested (--backend auto or cuda uses the GPU)");
    }
    var a = cuda.get();
    if (a.runtime().isPresent()) {
      var gpu = new dev.worldfx.inference.cuda.CudaBackend(a.runtime().get());
      return new Selection(mode, List.of(gpu, CPU), mode.name().toLowerCase(Locale.ROOT) + ": CUDA on "
          + a.runtime().get().describe());
    }
    return new Selection(mode, List.of(CPU), (mode == Mode.CUDA ? "cuda requested but unavailable, running on the CPU: "
        : "auto: no usable GPU, running on the CPU: ") + a.reason());
  }

  /** The process's selection (from the property and WORLDFX_BACKEND), made once and logged once. */
  public static Selection selected() {
    Selection s = selected;
    if (s == null) {
      synchronized (Backends.class) {
        s = selected;
        if (s == null) {
          s = select(requestedMode(System.getProperty(MODE_PROPERTY), System.getenv(MODE_ENV)),
              dev.worldfx.inference.cuda.CudaRuntime::shared);
          if (s.requested() == Mode.CUDA && !s.name().equals("cuda")) {
            LOG.warning("backend: " + s.reason());
          } else if (s.requested() != Mode.CPU) {
            LOG.info("backend: " + s.reason());
          }
          selected = s;
        }
      }
    }
    return s;
  }

  /**
   * For reports and status: the process's selection if made; else, when cpu is requested, what it will be; else
   * empty. Never opens a device and never makes the selection, so asking does not decide a later render's backend.
   */
  public static java.util.Optional<Selection> peek() {
    Selection s = selected;
    if (s != null) {
      return java.util.Optional.of(s);
    }
    Mode mode = requestedMode(System.getProperty(MODE_PROPERTY), System.getenv(MODE_ENV));
    return mode == Mode.CPU ? java.util.Optional.of(select(mode, () -> {
      throw new IllegalStateException("cpu opens no device");
    })) : java.util.Optional.empty();
  }

  /** Tests only: forget the process's selection, so the next render selects again. */
  static synchronized void forgetSelection() {
    selected = null;
  }

  /** The GPU backend of {@code s}, for its counters (empty when the CPU was selected). */
  public static java.util.Optional<dev.worldfx.inference.cuda.CudaBackend> cudaOf(Selection s) {
    return s.chain().getFirst() instanceof dev.worldfx.inference.cuda.CudaBackend c
        ? java.util.Optional.of(c) : java.util.Optional.empty();
  }

  /** The selected backend, for the GPU backend's counters (empty when the CPU was selected). */
  public static java.util.Optional<dev.worldfx.inference.cuda.CudaBackend> selectedCuda() {
    return cudaOf(selected());
  }

  /** Ops for compute in the nodes: the selected chain (plain CpuOps when that is only the CPU). */
  public static Ops forCompute(Arena arena) {
    Selection s = selected();
    return s.chain().size() == 1 ? s.chain().getFirst().ops(arena) : dispatching(arena, s.chain());
  }

  /** matmul -> MATMUL, conv2dBackwardInput -> CONV2D_BACKWARD_INPUT. */
  static OpKind kindOf(String method) {
    return OpKind.valueOf(method.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
  }
}
