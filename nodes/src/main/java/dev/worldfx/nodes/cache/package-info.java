/**
 * The sequence cache: where whole-shot solve results live so that every frame render, on any
 * thread, plug-in instance or process, reads them instead of solving again (DESIGN.md §4).
 *
 * <p>How a shot solver uses it: build a {@link dev.worldfx.nodes.cache.CacheKey} from the node
 * id, a version that changes whenever the solver's output would, the parameters, the seed and
 * the SHA-256 of every input frame; then
 * <pre>{@code
 * Optional<CacheEntry> hit = cache.get(key);
 * if (hit.isEmpty()) {
 *   hit = cache.withSolveLock(key, () -> {
 *     Optional<CacheEntry> again = cache.get(key);   // another process may have solved it meanwhile
 *     if (again.isPresent()) return again;
 *     cache.put(key, Map.of("layout", "f32 RGBA planes", "frames", "1-100"),
 *         channel -> solveInto(channel));             // streamed to disk, never one big array
 *     return cache.get(key);
 *   });
 * }
 * try (CacheEntry entry = hit.orElseThrow()) { ... read entry.payload() ... }
 * }</pre>
 * Every {@code get} hashes the whole payload (measured about 1.6 GB/s on one core), so a shot
 * whose frames are read one render at a time is best stored as one entry per frame or chunk of
 * frames (the frame range in the key's parameters), or read through one {@code CacheEntry} kept
 * open by the plug-in instance, rather than re-verifying gigabytes for every frame.
 * The lock is per key, so different shots solve in parallel; a waiting render can be aborted
 * by interrupting its thread. A corrupt entry is never returned, only deleted and reported as a
 * miss, so the next render solves the shot again.
 */
package dev.worldfx.nodes.cache;
