package dev.worldfx.ofx.raw;

/**
 * OpenFX constants, written from the public OpenFX 1.4/1.5 specification. Each string is
 * the value the specification gives for the constant of the same name.
 */
public final class Ofx {
  private Ofx() {}

  // Status codes
  public static final int STAT_OK = 0;
  public static final int STAT_FAILED = 1;
  public static final int STAT_ERR_FATAL = 2;
  public static final int STAT_ERR_UNKNOWN = 3;
  public static final int STAT_ERR_MISSING_HOST_FEATURE = 4;
  public static final int STAT_ERR_UNSUPPORTED = 5;
  public static final int STAT_ERR_EXISTS = 6;
  public static final int STAT_ERR_FORMAT = 7;
  public static final int STAT_ERR_MEMORY = 8;
  public static final int STAT_ERR_BAD_HANDLE = 9;
  public static final int STAT_ERR_BAD_INDEX = 10;
  public static final int STAT_ERR_VALUE = 11;
  public static final int STAT_REPLY_YES = 12;
  public static final int STAT_REPLY_NO = 13;
  public static final int STAT_REPLY_DEFAULT = 14;
  public static final int STAT_ERR_IMAGE_FORMAT = 1000;

  public static final String IMAGE_EFFECT_PLUGIN_API = "OfxImageEffectPluginAPI";

  // Suites
  public static final String PROPERTY_SUITE = "OfxPropertySuite";
  public static final String IMAGE_EFFECT_SUITE = "OfxImageEffectSuite";
  public static final String PARAMETER_SUITE = "OfxParameterSuite";
  public static final String MEMORY_SUITE = "OfxMemorySuite";
  public static final String MULTI_THREAD_SUITE = "OfxMultiThreadSuite";
  public static final String MESSAGE_SUITE = "OfxMessageSuite";
  public static final String PROGRESS_SUITE = "OfxProgressSuite";

  // Actions
  public static final String ACTION_LOAD = "OfxActionLoad";
  public static final String ACTION_UNLOAD = "OfxActionUnload";
  public static final String ACTION_DESCRIBE = "OfxActionDescribe";
  public static final String ACTION_CREATE_INSTANCE = "OfxActionCreateInstance";
  public static final String ACTION_DESTROY_INSTANCE = "OfxActionDestroyInstance";
  public static final String ACTION_INSTANCE_CHANGED = "OfxActionInstanceChanged";
  public static final String ACTION_BEGIN_INSTANCE_CHANGED = "OfxActionBeginInstanceChanged";
  public static final String ACTION_END_INSTANCE_CHANGED = "OfxActionEndInstanceChanged";
  public static final String ACTION_PURGE_CACHES = "OfxActionPurgeCaches";
  public static final String ACTION_SYNC_PRIVATE_DATA = "OfxActionSyncPrivateData";
  public static final String ACTION_DESCRIBE_IN_CONTEXT = "OfxImageEffectActionDescribeInContext";
  public static final String ACTION_GET_REGION_OF_DEFINITION = "OfxImageEffectActionGetRegionOfDefinition";
  public static final String ACTION_GET_REGIONS_OF_INTEREST = "OfxImageEffectActionGetRegionsOfInterest";
  public static final String ACTION_GET_TIME_DOMAIN = "OfxImageEffectActionGetTimeDomain";
  public static final String ACTION_GET_FRAMES_NEEDED = "OfxImageEffectActionGetFramesNeeded";
  public static final String ACTION_GET_CLIP_PREFERENCES = "OfxImageEffectActionGetClipPreferences";
  public static final String ACTION_IS_IDENTITY = "OfxImageEffectActionIsIdentity";
  public static final String ACTION_RENDER = "OfxImageEffectActionRender";
  public static final String ACTION_BEGIN_SEQUENCE_RENDER = "OfxImageEffectActionBeginSequenceRender";
  public static final String ACTION_END_SEQUENCE_RENDER = "OfxImageEffectActionEndSequenceRender";

  // Properties
  public static final String PROP_TYPE = "OfxPropType";
  public static final String PROP_NAME = "OfxPropName";
  public static final String PROP_LABEL = "OfxPropLabel";
  public static final String PROP_TIME = "OfxPropTime";
  public static final String PROP_CHANGE_REASON = "OfxPropChangeReason";
  public static final String CHANGE_USER_EDITED = "OfxChangeUserEdited";
  public static final String CHANGE_PLUGIN_EDITED = "OfxChangePluginEdited";
  public static final String TYPE_PARAMETER = "OfxTypeParameter";
  public static final String PROP_PLUGIN_DESCRIPTION = "OfxPropPluginDescription";
  public static final String PROP_VERSION_LABEL = "OfxPropVersionLabel";
  public static final String PROP_ICON = "OfxPropIcon";
  public static final String PLUGIN_PROP_GROUPING = "OfxImageEffectPluginPropGrouping";
  public static final String PLUGIN_RENDER_THREAD_SAFETY = "OfxImageEffectPluginRenderThreadSafety";
  public static final String RENDER_FULLY_SAFE = "OfxImageEffectRenderFullySafe";
  public static final String PLUGIN_PROP_HOST_FRAME_THREADING = "OfxImageEffectPluginPropHostFrameThreading";
  public static final String PROP_SUPPORTED_CONTEXTS = "OfxImageEffectPropSupportedContexts";
  public static final String PROP_SUPPORTED_PIXEL_DEPTHS = "OfxImageEffectPropSupportedPixelDepths";
  public static final String PROP_SUPPORTED_COMPONENTS = "OfxImageEffectPropSupportedComponents";
  public static final String PROP_SUPPORTS_MULTIPLE_CLIP_DEPTHS = "OfxImageEffectPropSupportsMultipleClipDepths";
  public static final String PROP_SUPPORTS_MULTI_RESOLUTION = "OfxImageEffectPropSupportsMultiResolution";
  public static final String PROP_SUPPORTS_TILES = "OfxImageEffectPropSupportsTiles";
  public static final String PROP_TEMPORAL_CLIP_ACCESS = "OfxImageEffectPropTemporalClipAccess";
  public static final String PROP_CONTEXT = "OfxImageEffectPropContext";
  public static final String PROP_PIXEL_DEPTH = "OfxImageEffectPropPixelDepth";
  public static final String PROP_COMPONENTS = "OfxImageEffectPropComponents";
  public static final String PROP_FRAME_RANGE = "OfxImageEffectPropFrameRange";
  public static final String PROP_RENDER_WINDOW = "OfxImageEffectPropRenderWindow";
  public static final String INSTANCE_PROP_SEQUENTIAL_RENDER = "OfxImageEffectInstancePropSequentialRender";
  public static final String HOST_PROP_IS_BACKGROUND = "OfxImageEffectHostPropIsBackground";
  public static final String CLIP_PROP_OPTIONAL = "OfxImageClipPropOptional";
  public static final String CLIP_PROP_IS_MASK = "OfxImageClipPropIsMask";
  public static final String CLIP_PROP_CONNECTED = "OfxImageClipPropConnected";
  public static final String CLIP_PROP_FRAME_RANGE_PREFIX = "OfxImageClipPropFrameRange_";
  public static final String IMAGE_PROP_DATA = "OfxImagePropData";
  public static final String IMAGE_PROP_BOUNDS = "OfxImagePropBounds";
  public static final String IMAGE_PROP_ROW_BYTES = "OfxImagePropRowBytes";

  // Contexts and clips
  public static final String OUTPUT_CLIP = "Output";

  // Parameters
  public static final String PARAM_TYPE_INTEGER = "OfxParamTypeInteger";
  public static final String PARAM_TYPE_DOUBLE = "OfxParamTypeDouble";
  public static final String PARAM_TYPE_BOOLEAN = "OfxParamTypeBoolean";
  public static final String PARAM_TYPE_CHOICE = "OfxParamTypeChoice";
  public static final String PARAM_TYPE_STRING = "OfxParamTypeString";
  public static final String PARAM_TYPE_PAGE = "OfxParamTypePage";
  public static final String PARAM_TYPE_GROUP = "OfxParamTypeGroup";
  public static final String PARAM_TYPE_PUSH_BUTTON = "OfxParamTypePushButton";
  public static final String PARAM_PROP_PARENT = "OfxParamPropParent";
  public static final String PARAM_PROP_GROUP_OPEN = "OfxParamPropGroupOpen";
  public static final String PARAM_PROP_ENABLED = "OfxParamPropEnabled";
  public static final String PARAM_PROP_EVALUATE_ON_CHANGE = "OfxParamPropEvaluateOnChange";
  public static final String PARAM_PROP_PERSISTANT = "OfxParamPropPersistant";
  public static final String PARAM_PROP_CAN_UNDO = "OfxParamPropCanUndo";
  public static final String PARAM_STRING_IS_LABEL = "OfxParamStringIsLabel";
  public static final String PARAM_PROP_DEFAULT = "OfxParamPropDefault";
  public static final String PARAM_PROP_HINT = "OfxParamPropHint";
  public static final String PARAM_PROP_SCRIPT_NAME = "OfxParamPropScriptName";
  public static final String PARAM_PROP_MIN = "OfxParamPropMin";
  public static final String PARAM_PROP_MAX = "OfxParamPropMax";
  public static final String PARAM_PROP_DISPLAY_MIN = "OfxParamPropDisplayMin";
  public static final String PARAM_PROP_DISPLAY_MAX = "OfxParamPropDisplayMax";
  public static final String PARAM_PROP_CHOICE_OPTION = "OfxParamPropChoiceOption";
  public static final String PARAM_PROP_PAGE_CHILD = "OfxParamPropPageChild";
  public static final String PARAM_PROP_ANIMATES = "OfxParamPropAnimates";
  public static final String PARAM_PROP_STRING_MODE = "OfxParamPropStringMode";
  public static final String PARAM_STRING_IS_SINGLE_LINE = "OfxParamStringIsSingleLine";
  public static final String PARAM_STRING_IS_FILE_PATH = "OfxParamStringIsFilePath";
  public static final String PARAM_PROP_STRING_FILE_PATH_EXISTS = "OfxParamPropStringFilePathExists";

  // Messages
  public static final String MESSAGE_ERROR = "OfxMessageError";
  public static final String MESSAGE_WARNING = "OfxMessageWarning";
  public static final String MESSAGE_MESSAGE = "OfxMessageMessage";
}
