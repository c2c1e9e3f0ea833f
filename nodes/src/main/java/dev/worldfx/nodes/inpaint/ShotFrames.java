package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.synthesis.ImagePlanes;

/**
 * The frames of one shot as the solver reads them: frame i is the i-th frame of the shot, all
 * the same size. The solver reads every frame a few times in order (never all at once), so an
 * implementation may decode on demand and keep nothing.
 */
public interface ShotFrames {
  int count();

  int width();

  int height();

  /** RGB of frame i as [3,H,W] float planes, row 0 = the frame's first row; HDR values as they are. */
  ImagePlanes rgb(int i);

  /** The raw matte of frame i, [H*W] in the same row order: 1 = remove, 0 = keep. */
  float[] matte(int i);
}
