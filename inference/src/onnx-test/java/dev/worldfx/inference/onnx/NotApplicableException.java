package dev.worldfx.inference.onnx;

/**
 * An ONNX test case outside what our op set expresses (an op variant, attribute value or data
 * type we do not implement). Such a case is counted as not applicable, never as passed; the
 * message is the reason printed in the conformance summary.
 */
final class NotApplicableException extends Exception {
  NotApplicableException(String reason) {
    super(reason, null, false, false);
  }
}
