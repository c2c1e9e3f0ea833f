package dev.worldfx.ofx;

import dev.worldfx.ofx.raw.Ofx;

/** A host call that did not return kOfxStatOK, or a status we owe the host, with why. */
public final class OfxStatusException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public OfxStatusException(int status, String message) {
    super(message + " (" + statusName(status) + ")");
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static String statusName(int status) {
    return switch (status) {
      case Ofx.STAT_OK -> "kOfxStatOK";
      case Ofx.STAT_FAILED -> "kOfxStatFailed";
      case Ofx.STAT_ERR_FATAL -> "kOfxStatErrFatal";
      case Ofx.STAT_ERR_UNKNOWN -> "kOfxStatErrUnknown";
      case Ofx.STAT_ERR_MISSING_HOST_FEATURE -> "kOfxStatErrMissingHostFeature";
      case Ofx.STAT_ERR_UNSUPPORTED -> "kOfxStatErrUnsupported";
      case Ofx.STAT_ERR_EXISTS -> "kOfxStatErrExists";
      case Ofx.STAT_ERR_FORMAT -> "kOfxStatErrFormat";
      case Ofx.STAT_ERR_MEMORY -> "kOfxStatErrMemory";
      case Ofx.STAT_ERR_BAD_HANDLE -> "kOfxStatErrBadHandle";
      case Ofx.STAT_ERR_BAD_INDEX -> "kOfxStatErrBadIndex";
      case Ofx.STAT_ERR_VALUE -> "kOfxStatErrValue";
      case Ofx.STAT_REPLY_YES -> "kOfxStatReplyYes";
      case Ofx.STAT_REPLY_NO -> "kOfxStatReplyNo";
      case Ofx.STAT_REPLY_DEFAULT -> "kOfxStatReplyDefault";
      case Ofx.STAT_ERR_IMAGE_FORMAT -> "kOfxStatErrImageFormat";
      default -> "status " + status;
    };
  }

  /** Throws unless {@code status} is kOfxStatOK. */
  static void check(int status, String what) {
    if (status != Ofx.STAT_OK) {
      throw new OfxStatusException(status, what);
    }
  }
}
