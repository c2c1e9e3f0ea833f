package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** bench extend's child on a tiny case: one parsable line with the numbers the table shows. No timing assertions. */
class ExtendBenchTest {
  @Test
  void aChildReportsItsCase() throws Exception {
    String line = InpaintBench.runChildLine(InpaintBench.childCommand(ExtendBench.class,
        List.of("96", "64", "12", "4", "draft")), ExtendBench.PREFIX);
    Map<String, String> r = ExtendBench.parse(line);
    assertEquals("draft", r.get("quality"));
    assertEquals("12", r.get("frames"));
    assertEquals("4", r.get("added"));
    assertEquals("true", r.get("check"), "predicted frames are finite");
    assertTrue(Double.parseDouble(r.get("total_s")) > 0 && Double.parseDouble(r.get("vmhwm_mib")) > 0, line);
    int safe = Integer.parseInt(r.get("safe"));
    assertTrue(safe >= 0 && safe <= ExtendBench.BACKTEST, line);
    assertTrue(List.of("cpu", "cuda").contains(r.get("backend")), "the backend the child computed on: " + line);
  }

  @Test
  void aChildComputesOnTheBackendTheBenchWasGiven() {
    String key = dev.worldfx.inference.Backends.MODE_PROPERTY;
    String before = System.getProperty(key);
    try {
      System.setProperty(key, "cuda"); // what `worldfx bench extend --backend cuda` sets
      List<String> cmd = InpaintBench.childCommand(ExtendBench.class, List.of("96", "64", "12", "4", "draft"));
      assertTrue(cmd.contains("-D" + key + "=cuda"), cmd.toString());
      assertTrue(cmd.indexOf("-D" + key + "=cuda") < cmd.indexOf(ExtendBench.class.getName()), "a JVM option");
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }
}
