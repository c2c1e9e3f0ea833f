package dev.worldfx.cli.exr;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.EnumMap;
import java.util.Map;

/**
 * The raw FFM layer over OpenEXR's C library (OpenEXRCore, {@code openexr.h}): one downcall
 * handle per function we use, the struct offsets we touch, and the error callback. Offsets
 * were read from the 3.1 headers (checked with offsetof against Debian 12's 3.1.5) and are the
 * same in 3.2 to 3.4, except that 3.3 put a {@code size_t pipe_size} in front of the decode and
 * encode pipelines ({@link #pipelinePrefix}). Nothing here interprets a status; the typed layer
 * ({@link ExrContext}) does.
 */
final class ExrNative {
  /** Functions bound by name; the descriptor spells the C signature (exr_result_t is int32). */
  enum Fn {
    GET_LIBRARY_VERSION("exr_get_library_version", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
    ERROR_CODE_AS_STRING("exr_get_error_code_as_string", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
    DEFAULT_ERROR_MESSAGE("exr_get_default_error_message", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
    START_READ("exr_start_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS)),
    START_WRITE("exr_start_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS)),
    FINISH("exr_finish", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
    GET_COUNT("exr_get_count", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
    GET_STORAGE("exr_get_storage", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    GET_DATA_WINDOW("exr_get_data_window", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    GET_DISPLAY_WINDOW("exr_get_display_window", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    GET_CHANNELS("exr_get_channels", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    GET_COMPRESSION("exr_get_compression", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    GET_SCANLINES_PER_CHUNK("exr_get_scanlines_per_chunk", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    GET_TILE_DESCRIPTOR("exr_get_tile_descriptor",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
    READ_SCANLINE_CHUNK_INFO("exr_read_scanline_chunk_info",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS)),
    READ_TILE_CHUNK_INFO("exr_read_tile_chunk_info",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)),
    DECODING_INITIALIZE("exr_decoding_initialize", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS)),
    DECODING_CHOOSE_DEFAULT_ROUTINES("exr_decoding_choose_default_routines",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    DECODING_UPDATE("exr_decoding_update", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS)),
    DECODING_RUN("exr_decoding_run", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    DECODING_DESTROY("exr_decoding_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
    ADD_PART("exr_add_part", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS)),
    INITIALIZE_REQUIRED_ATTR_SIMPLE("exr_initialize_required_attr_simple",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT)),
    SET_DATA_WINDOW("exr_set_data_window", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    SET_DISPLAY_WINDOW("exr_set_display_window", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    ADD_CHANNEL("exr_add_channel",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT)),
    WRITE_HEADER("exr_write_header", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
    WRITE_SCANLINE_CHUNK_INFO("exr_write_scanline_chunk_info",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS)),
    ENCODING_INITIALIZE("exr_encoding_initialize", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS)),
    ENCODING_CHOOSE_DEFAULT_ROUTINES("exr_encoding_choose_default_routines",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    ENCODING_UPDATE("exr_encoding_update", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS)),
    ENCODING_RUN("exr_encoding_run", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
    ENCODING_DESTROY("exr_encoding_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    final String symbol;
    final FunctionDescriptor descriptor;

    Fn(String symbol, FunctionDescriptor descriptor) {
      this.symbol = symbol;
      this.descriptor = descriptor;
    }
  }

  // exr_context_initializer_t (sizeof 104): size_t size; callbacks; int limits; int zip_level; float dwa_quality; int flags.
  static final long INIT_SIZE = 104;
  static final long INIT_ERROR_HANDLER = 8;
  static final long INIT_ZIP_LEVEL = 88;
  static final long INIT_DWA_QUALITY = 92;

  // exr_attr_box2i_t: int32 min.x, min.y, max.x, max.y.
  static final long BOX_SIZE = 16;

  // exr_attr_chlist_t: int num_channels; int num_alloced; const exr_attr_chlist_entry_t* entries.
  static final long CHLIST_COUNT = 0;
  static final long CHLIST_ENTRIES = 8;
  // exr_attr_chlist_entry_t (32 bytes): exr_attr_string_t name {int32 length; int32 alloc; const char* str};
  // exr_pixel_type_t pixel_type; uint8 p_linear; 3 reserved; int32 x_sampling; int32 y_sampling.
  static final long CHANNEL_ENTRY_SIZE = 32;
  static final long CHANNEL_ENTRY_NAME_STR = 8;
  static final long CHANNEL_ENTRY_PIXEL_TYPE = 16;
  static final long CHANNEL_ENTRY_X_SAMPLING = 24;
  static final long CHANNEL_ENTRY_Y_SAMPLING = 28;

  // exr_chunk_info_t (64 bytes); we only hand it from one call to the next and read width/height.
  static final long CHUNK_INFO_SIZE = 64;
  static final long CHUNK_HEIGHT = 12;
  static final long CHUNK_WIDTH = 16;

  // exr_coding_channel_info_t (48 bytes).
  static final long CODING_SIZE = 48;
  static final long CODING_NAME = 0;
  static final long CODING_HEIGHT = 8;
  static final long CODING_WIDTH = 12;
  static final long CODING_BYTES_PER_ELEMENT = 25; // int8
  static final long CODING_USER_BYTES_PER_ELEMENT = 28; // int16
  static final long CODING_USER_DATA_TYPE = 30; // uint16
  static final long CODING_USER_PIXEL_STRIDE = 32;
  static final long CODING_USER_LINE_STRIDE = 36;
  static final long CODING_PTR = 40; // decode_to_ptr / encode_from_ptr

  // exr_decode_pipeline_t / exr_encode_pipeline_t start: [size_t pipe_size (3.3+)], channels*, int16 channel_count.
  // Both are zero-filled by their *_initialize; 1 KiB covers every version (480 / 504 bytes in 3.1).
  static final long PIPELINE_ALLOC = 1024;
  static final long PIPELINE_CHANNELS = 0;
  static final long PIPELINE_CHANNEL_COUNT = 8;

  static final int STORAGE_SCANLINE = 0;
  static final int STORAGE_TILED = 1;
  static final int WRITE_FILE_DIRECTLY = 0;
  static final int PERCEPTUALLY_LOGARITHMIC = 0;

  /** The last message the library reported on this thread (it reports synchronously, on the calling thread). */
  private static final ThreadLocal<String> LAST_ERROR = new ThreadLocal<>();

  final int major;
  final int minor;
  final int patch;
  /** Bytes in front of the pipelines' channel pointer: 8 from 3.3 on ({@code pipe_size}), else 0. */
  final long pipelinePrefix;
  private final Map<Fn, MethodHandle> handles = new EnumMap<>(Fn.class);
  private final MemorySegment errorHandler;

  /** Binds every function of {@link Fn}; throws IllegalArgumentException naming a missing one. */
  ExrNative(SymbolLookup lookup, Arena lifetime) {
    Linker linker = Linker.nativeLinker();
    for (Fn f : Fn.values()) {
      MemorySegment address = lookup.find(f.symbol)
          .orElseThrow(() -> new IllegalArgumentException("it has no function " + f.symbol));
      // (Object[]) -> Object, so that one invokeExact call site serves every signature without invokeWithArguments' cost
      MethodHandle h = linker.downcallHandle(address, f.descriptor);
      handles.put(f, h.asSpreader(Object[].class, h.type().parameterCount())
          .asType(MethodType.methodType(Object.class, Object[].class)));
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(JAVA_INT, 3);
      MemorySegment extra = a.allocate(ADDRESS);
      call(Fn.GET_LIBRARY_VERSION, v, v.asSlice(4), v.asSlice(8), extra);
      major = v.getAtIndex(JAVA_INT, 0);
      minor = v.getAtIndex(JAVA_INT, 1);
      patch = v.getAtIndex(JAVA_INT, 2);
    }
    if (major != 3 || minor < 1 || minor > 4) {
      throw new IllegalArgumentException("it is OpenEXR " + version() + "; this build knows the layouts of 3.1 to 3.4");
    }
    pipelinePrefix = minor >= 3 ? 8 : 0;
    try {
      MethodHandle record = MethodHandles.lookup().findStatic(ExrNative.class, "recordError",
          MethodType.methodType(void.class, MemorySegment.class, int.class, MemorySegment.class));
      errorHandler = linker.upcallStub(record, FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS), lifetime);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** OpenEXRCore decodes DWAA/DWAB from 3.1.8 on; before, it reports "feature not implemented". */
  boolean decodesDwa() {
    return minor > 1 || patch >= 8;
  }

  String version() {
    return major + "." + minor + "." + patch;
  }

  /** exr_error_handler_cb_t: keeps the message for the typed layer instead of printing it to stderr. */
  private static void recordError(MemorySegment context, int code, MemorySegment message) {
    try {
      LAST_ERROR.set(message.equals(MemorySegment.NULL) ? null : message.reinterpret(Integer.MAX_VALUE).getString(0));
    } catch (RuntimeException e) {
      LAST_ERROR.set(null); // an upcall must not throw: the JVM would exit
    }
  }

  /** The message recorded since the last call of this method on this thread, or null. */
  static String takeLastError() {
    String m = LAST_ERROR.get();
    LAST_ERROR.remove();
    return m;
  }

  /** A default context initializer whose error handler records instead of printing. */
  MemorySegment initializer(Arena arena) {
    MemorySegment init = arena.allocate(INIT_SIZE, 8);
    init.set(JAVA_LONG, 0, INIT_SIZE);
    init.set(ADDRESS, INIT_ERROR_HANDLER, errorHandler);
    init.set(JAVA_INT, INIT_ZIP_LEVEL, -2); // EXR_DEFAULT_CONTEXT_INITIALIZER: library default level
    init.set(JAVA_FLOAT, INIT_DWA_QUALITY, -1f);
    return init;
  }

  int call(Fn f, Object... args) {
    Object r = invoke(f, args);
    return r == null ? 0 : (int) r;
  }

  MemorySegment callPointer(Fn f, Object... args) {
    return (MemorySegment) invoke(f, args);
  }

  private Object invoke(Fn f, Object... args) {
    try {
      return (Object) handles.get(f).invokeExact(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(f.symbol + ": " + t, t);
    }
  }

  /** "EXR_ERR_CORRUPT_CHUNK: ..." style text for a status, from the library's own tables. */
  String describe(int status) {
    MemorySegment name = callPointer(Fn.ERROR_CODE_AS_STRING, status);
    MemorySegment text = callPointer(Fn.DEFAULT_ERROR_MESSAGE, status);
    return cString(text) + " (" + cString(name) + ")";
  }

  static String cString(MemorySegment p) {
    return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Integer.MAX_VALUE).getString(0);
  }
}
