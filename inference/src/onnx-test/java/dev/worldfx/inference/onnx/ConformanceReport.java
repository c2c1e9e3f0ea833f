package dev.worldfx.inference.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tallies the conformance run per ONNX op type: cases found, applicable, passed, failed, with
 * the reason of every not-applicable case and the message of every failure.
 */
final class ConformanceReport {
  private static final class Tally {
    int found;
    int applicable;
    int passed;
    int failed;
  }

  private final Map<String, Tally> byOp = new TreeMap<>();
  private final List<String> notApplicable = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final List<String> partial = new ArrayList<>();
  private int otherCases;

  /** A case whose graph is not a single node of an op type we map. */
  synchronized void other() {
    otherCases++;
  }

  synchronized void found(String op) {
    tally(op).found++;
  }

  synchronized void notApplicable(OnnxCase c, String op, String reason) {
    notApplicable.add(String.format("  %-22s %-55s %s", op, c, reason));
  }

  synchronized void ran(OnnxCase c, String op, String uncompared, List<String> caseFailures) {
    Tally t = tally(op);
    t.applicable++;
    if (uncompared != null) {
      partial.add(String.format("  %-22s %-55s %s", op, c, uncompared));
    }
    if (caseFailures.isEmpty()) {
      t.passed++;
    } else {
      t.failed++;
      failures.add("  " + op + " " + c + ":\n    " + String.join("\n    ", caseFailures));
    }
  }

  private Tally tally(String op) {
    return byOp.computeIfAbsent(op, k -> new Tally());
  }

  synchronized int applicable() {
    return byOp.values().stream().mapToInt(t -> t.applicable).sum();
  }

  synchronized int found() {
    return byOp.values().stream().mapToInt(t -> t.found).sum();
  }

  synchronized String summaryLine() {
    int passed = byOp.values().stream().mapToInt(t -> t.passed).sum();
    int failed = byOp.values().stream().mapToInt(t -> t.failed).sum();
    return "onnx conformance: " + found() + " cases for our ops, " + applicable() + " applicable, " + passed
        + " passed, " + failed + " failed";
  }

  synchronized String render(String header) {
    StringBuilder sb = new StringBuilder(header).append('\n');
    sb.append(String.format("%-22s %6s %11s %7s %7s%n", "op", "found", "applicable", "passed", "failed"));
    byOp.forEach((op, t) -> sb.append(String.format("%-22s %6d %11d %7d %7d%n", op, t.found, t.applicable, t.passed,
        t.failed)));
    sb.append(otherCases).append(" other cases (multi-node graphs or op types we do not map) not loaded\n");
    section(sb, "not applicable (case, reason)", notApplicable);
    section(sb, "compared on the first output only (outputs not compared)", partial);
    section(sb, "FAILED", failures);
    return sb.append(summaryLine()).append('\n').toString();
  }

  private static void section(StringBuilder sb, String title, List<String> lines) {
    if (!lines.isEmpty()) {
      sb.append('\n').append(title).append(":\n");
      lines.forEach(l -> sb.append(l).append('\n'));
    }
  }
}
