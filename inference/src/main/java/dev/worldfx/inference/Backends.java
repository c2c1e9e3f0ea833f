package dev.worldfx.inference;

import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.inference.ref.ReferenceOps;
import java.lang.foreign.Arena;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
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
              LOG.warning(kind + " falls back from " + b.name() + ": " + u.getMessage());
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

  /** matmul -> MATMUL, conv2dBackwardInput -> CONV2D_BACKWARD_INPUT. */
  static OpKind kindOf(String method) {
    return OpKind.valueOf(method.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
  }
}
