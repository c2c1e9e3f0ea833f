package dev.worldfx.nodes.inpaint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccumulatedFramesTest {
  private static ImagePlanes frame(int w, int h) {
    return new ImagePlanes(3, h, w, new float[3 * w * h]);
  }

  private static List<Integer> times(List<AccumulatedFrames.Frame> run) {
    return run.stream().map(AccumulatedFrames.Frame::time).toList();
  }

  @Test
  void theRunIsTheConsecutiveFramesBeforeTheCurrentOne() {
    AccumulatedFrames acc = new AccumulatedFrames();
    assertEquals(List.of(10), times(acc.addAndRun("a", 10, frame(4, 4), new float[16], 4)));
    acc.addAndRun("a", 11, frame(4, 4), new float[16], 4);
    assertEquals(List.of(10, 11, 12), times(acc.addAndRun("a", 12, frame(4, 4), new float[16], 4)));
    // a jump starts a new run; frames of another shot never mix in
    assertEquals(List.of(20), times(acc.addAndRun("a", 20, frame(4, 4), new float[16], 4)));
    assertEquals(List.of(21), times(acc.addAndRun("b", 21, frame(4, 4), new float[16], 4)));
    for (int t = 22; t < 30; t++) {
      acc.addAndRun("b", t, frame(4, 4), new float[16], 4);
    }
    assertEquals(List.of(26, 27, 28, 29, 30), times(acc.addAndRun("b", 30, frame(4, 4), new float[16], 4)));
  }

  @Test
  void memoryStaysUnderTheCap() {
    AccumulatedFrames acc = new AccumulatedFrames();
    int w = 2048, h = 1024; // 32 MiB per frame with its matte
    for (int shot = 0; shot < 4; shot++) {
      for (int t = 0; t < 8; t++) {
        acc.addAndRun("s" + shot, t, frame(w, h), new float[w * h], 4);
      }
    }
    List<AccumulatedFrames.Frame> run = acc.addAndRun("s3", 8, frame(w, h), new float[w * h], 4);
    assertEquals(List.of(4, 5, 6, 7, 8), times(run));
  }
}
