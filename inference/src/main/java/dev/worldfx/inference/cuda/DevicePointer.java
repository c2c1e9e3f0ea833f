package dev.worldfx.inference.cuda;

import org.bytedeco.javacpp.Pointer;

/** A raw address (device memory, pinned host memory, an FFM segment) as the Pointer JavaCPP's calls take. */
final class DevicePointer extends Pointer {
  DevicePointer(long address) {
    this.address = address;
  }
}
