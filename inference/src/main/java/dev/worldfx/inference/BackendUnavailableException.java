package dev.worldfx.inference;

/** A backend that cannot run an op right now (no driver, no device, out of device memory). */
public class BackendUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
