/*
 * OpenFX C ABI, declared by the WorldFX project from the public OpenFX 1.4/1.5
 * specification (openeffects.org). Only what WorldFX and its test host use.
 * The ABI is structs of function pointers plus string-keyed properties; every
 * string below is the value the specification gives for the named constant.
 */
#ifndef WORLDFX_OFX_H
#define WORLDFX_OFX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define WFX_EXPORT __declspec(dllexport)
#else
#define WFX_EXPORT __attribute__((visibility("default")))
#endif

typedef int OfxStatus;
typedef double OfxTime;
typedef struct OfxPropertySetStruct *OfxPropertySetHandle;
typedef struct OfxImageEffectStruct *OfxImageEffectHandle;
typedef struct OfxImageClipStruct *OfxImageClipHandle;
typedef struct OfxParamSetStruct *OfxParamSetHandle;
typedef struct OfxParamStruct *OfxParamHandle;
typedef struct OfxImageMemoryStruct *OfxImageMemoryHandle;
typedef struct OfxMutex *OfxMutexHandle;

typedef struct { double x1, y1, x2, y2; } OfxRectD;
typedef struct { int x1, y1, x2, y2; } OfxRectI;
typedef struct { double x, y; } OfxPointD;
typedef struct { double min, max; } OfxRangeD;

/* Status codes */
#define kOfxStatOK 0
#define kOfxStatFailed 1
#define kOfxStatErrFatal 2
#define kOfxStatErrUnknown 3
#define kOfxStatErrMissingHostFeature 4
#define kOfxStatErrUnsupported 5
#define kOfxStatErrExists 6
#define kOfxStatErrFormat 7
#define kOfxStatErrMemory 8
#define kOfxStatErrBadHandle 9
#define kOfxStatErrBadIndex 10
#define kOfxStatErrValue 11
#define kOfxStatReplyYes 12
#define kOfxStatReplyNo 13
#define kOfxStatReplyDefault 14
#define kOfxStatErrImageFormat 1000

/* Host and plugin structs */
typedef struct OfxHost {
  OfxPropertySetHandle host;
  const void *(*fetchSuite)(OfxPropertySetHandle host, const char *suiteName, int suiteVersion);
} OfxHost;

typedef OfxStatus(OfxPluginEntryPoint)(const char *action, const void *handle,
                                       OfxPropertySetHandle inArgs, OfxPropertySetHandle outArgs);

typedef struct OfxPlugin {
  const char *pluginApi;
  int apiVersion;
  const char *pluginIdentifier;
  unsigned int pluginVersionMajor;
  unsigned int pluginVersionMinor;
  void (*setHost)(OfxHost *host);
  OfxPluginEntryPoint *mainEntry;
} OfxPlugin;

#define kOfxImageEffectPluginApi "OfxImageEffectPluginAPI"

/* Suites, in the member order of the specification */
typedef struct OfxPropertySuiteV1 {
  OfxStatus (*propSetPointer)(OfxPropertySetHandle, const char *, int, void *);
  OfxStatus (*propSetString)(OfxPropertySetHandle, const char *, int, const char *);
  OfxStatus (*propSetDouble)(OfxPropertySetHandle, const char *, int, double);
  OfxStatus (*propSetInt)(OfxPropertySetHandle, const char *, int, int);
  OfxStatus (*propSetPointerN)(OfxPropertySetHandle, const char *, int, void *const *);
  OfxStatus (*propSetStringN)(OfxPropertySetHandle, const char *, int, const char *const *);
  OfxStatus (*propSetDoubleN)(OfxPropertySetHandle, const char *, int, const double *);
  OfxStatus (*propSetIntN)(OfxPropertySetHandle, const char *, int, const int *);
  OfxStatus (*propGetPointer)(OfxPropertySetHandle, const char *, int, void **);
  OfxStatus (*propGetString)(OfxPropertySetHandle, const char *, int, char **);
  OfxStatus (*propGetDouble)(OfxPropertySetHandle, const char *, int, double *);
  OfxStatus (*propGetInt)(OfxPropertySetHandle, const char *, int, int *);
  OfxStatus (*propGetPointerN)(OfxPropertySetHandle, const char *, int, void **);
  OfxStatus (*propGetStringN)(OfxPropertySetHandle, const char *, int, char **);
  OfxStatus (*propGetDoubleN)(OfxPropertySetHandle, const char *, int, double *);
  OfxStatus (*propGetIntN)(OfxPropertySetHandle, const char *, int, int *);
  OfxStatus (*propReset)(OfxPropertySetHandle, const char *);
  OfxStatus (*propGetDimension)(OfxPropertySetHandle, const char *, int *);
} OfxPropertySuiteV1;

typedef struct OfxImageEffectSuiteV1 {
  OfxStatus (*getPropertySet)(OfxImageEffectHandle, OfxPropertySetHandle *);
  OfxStatus (*getParamSet)(OfxImageEffectHandle, OfxParamSetHandle *);
  OfxStatus (*clipDefine)(OfxImageEffectHandle, const char *, OfxPropertySetHandle *);
  OfxStatus (*clipGetHandle)(OfxImageEffectHandle, const char *, OfxImageClipHandle *, OfxPropertySetHandle *);
  OfxStatus (*clipGetPropertySet)(OfxImageClipHandle, OfxPropertySetHandle *);
  OfxStatus (*clipGetImage)(OfxImageClipHandle, OfxTime, const OfxRectD *, OfxPropertySetHandle *);
  OfxStatus (*clipReleaseImage)(OfxPropertySetHandle);
  OfxStatus (*clipGetRegionOfDefinition)(OfxImageClipHandle, OfxTime, OfxRectD *);
  int (*abort)(OfxImageEffectHandle);
  OfxStatus (*imageMemoryAlloc)(OfxImageEffectHandle, size_t, OfxImageMemoryHandle *);
  OfxStatus (*imageMemoryFree)(OfxImageMemoryHandle);
  OfxStatus (*imageMemoryLock)(OfxImageMemoryHandle, void **);
  OfxStatus (*imageMemoryUnlock)(OfxImageMemoryHandle);
} OfxImageEffectSuiteV1;

typedef struct OfxParameterSuiteV1 {
  OfxStatus (*paramDefine)(OfxParamSetHandle, const char *, const char *, OfxPropertySetHandle *);
  OfxStatus (*paramGetHandle)(OfxParamSetHandle, const char *, OfxParamHandle *, OfxPropertySetHandle *);
  OfxStatus (*paramSetGetPropertySet)(OfxParamSetHandle, OfxPropertySetHandle *);
  OfxStatus (*paramGetPropertySet)(OfxParamHandle, OfxPropertySetHandle *);
  OfxStatus (*paramGetValue)(OfxParamHandle, ...);
  OfxStatus (*paramGetValueAtTime)(OfxParamHandle, OfxTime, ...);
  OfxStatus (*paramGetDerivative)(OfxParamHandle, OfxTime, ...);
  OfxStatus (*paramGetIntegral)(OfxParamHandle, OfxTime, OfxTime, ...);
  OfxStatus (*paramSetValue)(OfxParamHandle, ...);
  OfxStatus (*paramSetValueAtTime)(OfxParamHandle, OfxTime, ...);
  OfxStatus (*paramGetNumKeys)(OfxParamHandle, unsigned int *);
  OfxStatus (*paramGetKeyTime)(OfxParamHandle, unsigned int, OfxTime *);
  OfxStatus (*paramGetKeyIndex)(OfxParamHandle, OfxTime, int, int *);
  OfxStatus (*paramDeleteKey)(OfxParamHandle, OfxTime);
  OfxStatus (*paramDeleteAllKeys)(OfxParamHandle);
  OfxStatus (*paramCopy)(OfxParamHandle, OfxParamHandle, OfxTime, const OfxRangeD *);
  OfxStatus (*paramEditBegin)(OfxParamSetHandle, const char *);
  OfxStatus (*paramEditEnd)(OfxParamSetHandle);
} OfxParameterSuiteV1;

typedef struct OfxMemorySuiteV1 {
  OfxStatus (*memoryAlloc)(void *, size_t, void **);
  OfxStatus (*memoryFree)(void *);
} OfxMemorySuiteV1;

typedef void(OfxThreadFunctionV1)(unsigned int threadIndex, unsigned int threadMax, void *customArg);

typedef struct OfxMultiThreadSuiteV1 {
  OfxStatus (*multiThread)(OfxThreadFunctionV1 *, unsigned int, void *);
  OfxStatus (*multiThreadNumCPUs)(unsigned int *);
  OfxStatus (*multiThreadIndex)(unsigned int *);
  int (*multiThreadIsSpawnedThread)(void);
  OfxStatus (*mutexCreate)(OfxMutexHandle *, int);
  OfxStatus (*mutexDestroy)(const OfxMutexHandle);
  OfxStatus (*mutexLock)(const OfxMutexHandle);
  OfxStatus (*mutexUnLock)(const OfxMutexHandle);
  OfxStatus (*mutexTryLock)(const OfxMutexHandle);
} OfxMultiThreadSuiteV1;

typedef struct OfxMessageSuiteV1 {
  OfxStatus (*message)(void *, const char *, const char *, const char *, ...);
} OfxMessageSuiteV1;

typedef struct OfxMessageSuiteV2 {
  OfxStatus (*message)(void *, const char *, const char *, const char *, ...);
  OfxStatus (*setPersistentMessage)(void *, const char *, const char *, const char *, ...);
  OfxStatus (*clearPersistentMessage)(void *);
} OfxMessageSuiteV2;

typedef struct OfxProgressSuiteV1 {
  OfxStatus (*progressStart)(void *, const char *);
  OfxStatus (*progressUpdate)(void *, double);
  OfxStatus (*progressEnd)(void *);
} OfxProgressSuiteV1;

typedef struct OfxProgressSuiteV2 {
  OfxStatus (*progressStart)(void *, const char *, const char *);
  OfxStatus (*progressUpdate)(void *, double);
  OfxStatus (*progressEnd)(void *);
} OfxProgressSuiteV2;

#define kOfxPropertySuite "OfxPropertySuite"
#define kOfxImageEffectSuite "OfxImageEffectSuite"
#define kOfxParameterSuite "OfxParameterSuite"
#define kOfxMemorySuite "OfxMemorySuite"
#define kOfxMultiThreadSuite "OfxMultiThreadSuite"
#define kOfxMessageSuite "OfxMessageSuite"
#define kOfxProgressSuite "OfxProgressSuite"

/* Actions */
#define kOfxActionLoad "OfxActionLoad"
#define kOfxActionUnload "OfxActionUnload"
#define kOfxActionDescribe "OfxActionDescribe"
#define kOfxActionCreateInstance "OfxActionCreateInstance"
#define kOfxActionDestroyInstance "OfxActionDestroyInstance"
#define kOfxActionInstanceChanged "OfxActionInstanceChanged"
#define kOfxActionBeginInstanceChanged "OfxActionBeginInstanceChanged"
#define kOfxActionEndInstanceChanged "OfxActionEndInstanceChanged"
#define kOfxActionPurgeCaches "OfxActionPurgeCaches"
#define kOfxActionSyncPrivateData "OfxActionSyncPrivateData"
#define kOfxImageEffectActionDescribeInContext "OfxImageEffectActionDescribeInContext"
#define kOfxImageEffectActionGetRegionOfDefinition "OfxImageEffectActionGetRegionOfDefinition"
#define kOfxImageEffectActionGetRegionsOfInterest "OfxImageEffectActionGetRegionsOfInterest"
#define kOfxImageEffectActionGetTimeDomain "OfxImageEffectActionGetTimeDomain"
#define kOfxImageEffectActionGetFramesNeeded "OfxImageEffectActionGetFramesNeeded"
#define kOfxImageEffectActionGetClipPreferences "OfxImageEffectActionGetClipPreferences"
#define kOfxImageEffectActionIsIdentity "OfxImageEffectActionIsIdentity"
#define kOfxImageEffectActionRender "OfxImageEffectActionRender"
#define kOfxImageEffectActionBeginSequenceRender "OfxImageEffectActionBeginSequenceRender"
#define kOfxImageEffectActionEndSequenceRender "OfxImageEffectActionEndSequenceRender"

/* Property names */
#define kOfxPropType "OfxPropType"
#define kOfxPropName "OfxPropName"
#define kOfxPropLabel "OfxPropLabel"
#define kOfxPropShortLabel "OfxPropShortLabel"
#define kOfxPropLongLabel "OfxPropLongLabel"
#define kOfxPropTime "OfxPropTime"
#define kOfxPropVersion "OfxPropVersion"
#define kOfxPropVersionLabel "OfxPropVersionLabel"
#define kOfxPropAPIVersion "OfxPropAPIVersion"
#define kOfxPropPluginDescription "OfxPropPluginDescription"
#define kOfxPropChangeReason "OfxPropChangeReason"
#define kOfxImageEffectPluginPropGrouping "OfxImageEffectPluginPropGrouping"
#define kOfxImageEffectPluginRenderThreadSafety "OfxImageEffectPluginRenderThreadSafety"
#define kOfxImageEffectRenderUnsafe "OfxImageEffectRenderUnsafe"
#define kOfxImageEffectRenderInstanceSafe "OfxImageEffectRenderInstanceSafe"
#define kOfxImageEffectRenderFullySafe "OfxImageEffectRenderFullySafe"
#define kOfxImageEffectPluginPropHostFrameThreading "OfxImageEffectPluginPropHostFrameThreading"
#define kOfxImageEffectPluginPropSingleInstance "OfxImageEffectPluginPropSingleInstance"
#define kOfxImageEffectPropSupportedContexts "OfxImageEffectPropSupportedContexts"
#define kOfxImageEffectPropSupportedPixelDepths "OfxImageEffectPropSupportedPixelDepths"
#define kOfxImageEffectPropSupportedComponents "OfxImageEffectPropSupportedComponents"
#define kOfxImageEffectPropSupportsMultipleClipDepths "OfxImageEffectPropSupportsMultipleClipDepths"
#define kOfxImageEffectPropSupportsMultiResolution "OfxImageEffectPropSupportsMultiResolution"
#define kOfxImageEffectPropSupportsTiles "OfxImageEffectPropSupportsTiles"
#define kOfxImageEffectPropTemporalClipAccess "OfxImageEffectPropTemporalClipAccess"
#define kOfxImageEffectPropContext "OfxImageEffectPropContext"
#define kOfxImageEffectPropPixelDepth "OfxImageEffectPropPixelDepth"
#define kOfxImageEffectPropComponents "OfxImageEffectPropComponents"
#define kOfxImageEffectPropPreMultiplication "OfxImageEffectPropPreMultiplication"
#define kOfxImageEffectPropFrameRange "OfxImageEffectPropFrameRange"
#define kOfxImageEffectPropFrameRate "OfxImageEffectPropFrameRate"
#define kOfxImageEffectPropRenderWindow "OfxImageEffectPropRenderWindow"
#define kOfxImageEffectPropRenderScale "OfxImageEffectPropRenderScale"
#define kOfxImageEffectPropRegionOfDefinition "OfxImageEffectPropRegionOfDefinition"
#define kOfxImageEffectPropFieldToRender "OfxImageEffectPropFieldToRender"
#define kOfxImageEffectPropSequentialRenderStatus "OfxImageEffectPropSequentialRenderStatus"
#define kOfxImageEffectInstancePropEffectDuration "OfxImageEffectInstancePropEffectDuration"
#define kOfxImageEffectInstancePropSequentialRender "OfxImageEffectInstancePropSequentialRender"
#define kOfxImageEffectHostPropIsBackground "OfxImageEffectHostPropIsBackground"
#define kOfxImageEffectPropSupportsOverlays "OfxImageEffectPropSupportsOverlays"
#define kOfxImageEffectFrameVarying "OfxImageEffectFrameVarying"
#define kOfxImageClipPropOptional "OfxImageClipPropOptional"
#define kOfxImageClipPropIsMask "OfxImageClipPropIsMask"
#define kOfxImageClipPropConnected "OfxImageClipPropConnected"
#define kOfxImageClipPropUnmappedPixelDepth "OfxImageClipPropUnmappedPixelDepth"
#define kOfxImageClipPropUnmappedComponents "OfxImageClipPropUnmappedComponents"
#define kOfxImageClipPropContinuousSamples "OfxImageClipPropContinuousSamples"
#define kOfxImagePropData "OfxImagePropData"
#define kOfxImagePropBounds "OfxImagePropBounds"
#define kOfxImagePropRegionOfDefinition "OfxImagePropRegionOfDefinition"
#define kOfxImagePropRowBytes "OfxImagePropRowBytes"
#define kOfxImagePropPixelAspectRatio "OfxImagePropPixelAspectRatio"
#define kOfxImagePropField "OfxImagePropField"
#define kOfxImagePropUniqueIdentifier "OfxImagePropUniqueIdentifier"
#define kOfxImageFieldNone "OfxImageFieldNone"
#define kOfxImageOpaque "OfxImageOpaque"
#define kOfxImagePreMultiplied "OfxImagePreMultiplied"
#define kOfxImageUnPreMultiplied "OfxImageUnPreMultiplied"

/* Contexts, depths, components, clip names */
#define kOfxImageEffectContextGenerator "OfxImageEffectContextGenerator"
#define kOfxImageEffectContextFilter "OfxImageEffectContextFilter"
#define kOfxImageEffectContextGeneral "OfxImageEffectContextGeneral"
#define kOfxBitDepthNone "OfxBitDepthNone"
#define kOfxBitDepthByte "OfxBitDepthByte"
#define kOfxBitDepthShort "OfxBitDepthShort"
#define kOfxBitDepthHalf "OfxBitDepthHalf"
#define kOfxBitDepthFloat "OfxBitDepthFloat"
#define kOfxImageComponentNone "OfxImageComponentNone"
#define kOfxImageComponentRGBA "OfxImageComponentRGBA"
#define kOfxImageComponentRGB "OfxImageComponentRGB"
#define kOfxImageComponentAlpha "OfxImageComponentAlpha"
#define kOfxImageEffectSimpleSourceClipName "Source"
#define kOfxImageEffectOutputClipName "Output"
#define kOfxImageClipPropRoIPrefix "OfxImageClipPropRoI_"
#define kOfxImageClipPropDepthPrefix "OfxImageClipPropDepth_"
#define kOfxImageClipPropComponentsPrefix "OfxImageClipPropComponents_"
#define kOfxImageClipPropFramesNeededPrefix "OfxImageClipPropFrameRange_"

/* Parameters */
#define kOfxParamTypeInteger "OfxParamTypeInteger"
#define kOfxParamTypeDouble "OfxParamTypeDouble"
#define kOfxParamTypeBoolean "OfxParamTypeBoolean"
#define kOfxParamTypeChoice "OfxParamTypeChoice"
#define kOfxParamTypeRGBA "OfxParamTypeRGBA"
#define kOfxParamTypeString "OfxParamTypeString"
#define kOfxParamTypeGroup "OfxParamTypeGroup"
#define kOfxParamTypePage "OfxParamTypePage"
#define kOfxParamTypePushButton "OfxParamTypePushButton"
#define kOfxParamPropDefault "OfxParamPropDefault"
#define kOfxParamPropHint "OfxParamPropHint"
#define kOfxParamPropScriptName "OfxParamPropScriptName"
#define kOfxParamPropMin "OfxParamPropMin"
#define kOfxParamPropMax "OfxParamPropMax"
#define kOfxParamPropDisplayMin "OfxParamPropDisplayMin"
#define kOfxParamPropDisplayMax "OfxParamPropDisplayMax"
#define kOfxParamPropChoiceOption "OfxParamPropChoiceOption"
#define kOfxParamPropParent "OfxParamPropParent"
#define kOfxParamPropPageChild "OfxParamPropPageChild"
#define kOfxParamPropAnimates "OfxParamPropAnimates"
#define kOfxParamPropEnabled "OfxParamPropEnabled"
#define kOfxParamPropSecret "OfxParamPropSecret"
#define kOfxParamPropEvaluateOnChange "OfxParamPropEvaluateOnChange"
#define kOfxParamPropStringMode "OfxParamPropStringMode"
#define kOfxParamStringIsSingleLine "OfxParamStringIsSingleLine"
#define kOfxParamStringIsFilePath "OfxParamStringIsFilePath"
#define kOfxParamPropStringFilePathExists "OfxParamPropStringFilePathExists"
#define kOfxParamPropPersistant "OfxParamPropPersistant"

/* Messages */
#define kOfxMessageFatal "OfxMessageFatal"
#define kOfxMessageError "OfxMessageError"
#define kOfxMessageWarning "OfxMessageWarning"
#define kOfxMessageMessage "OfxMessageMessage"
#define kOfxMessageLog "OfxMessageLog"

/* Entry points every .ofx exports */
typedef int (*OfxGetNumberOfPluginsFn)(void);
typedef OfxPlugin *(*OfxGetPluginFn)(int nth);

#ifdef __cplusplus
}
#endif
#endif
