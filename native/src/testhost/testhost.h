/*
 * ofx-test-host: the OFX host our CI runs against the built WorldFX bundle.
 * Shared declarations of the host model (property sets, params, effects, clips,
 * images), the contract formulas and the check runner.
 */
#ifndef WORLDFX_TESTHOST_H
#define WORLDFX_TESTHOST_H

#include "worldfx_ofx.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Spec names the host needs that worldfx_ofx.h does not declare (it only lists what
 * WorldFX uses); the strings are the OFX 1.4 values. */
#define TH_PropParamType "OfxParamPropType"
#define TH_PropInstanceData "OfxPropInstanceData"
#define TH_PropIsInteractive "OfxPropIsInteractive"
#define TH_PropPluginFilePath "OfxPluginPropFilePath"
#define TH_PropRenderQualityDraft "OfxImageEffectPropRenderQualityDraft"
#define TH_PropInteractiveRenderStatus "OfxImageEffectPropInteractiveRenderStatus"
#define TH_PropFrameStep "OfxImageEffectPropFrameStep"
#define TH_PropRegionOfInterest "OfxImageEffectPropRegionOfInterest"
#define TH_PropProjectSize "OfxImageEffectPropProjectSize"
#define TH_PropProjectOffset "OfxImageEffectPropProjectOffset"
#define TH_PropProjectExtent "OfxImageEffectPropProjectExtent"
#define TH_PropProjectPixelAspectRatio "OfxImageEffectPropProjectPixelAspectRatio"
#define TH_PropUnmappedFrameRange "OfxImageEffectPropUnmappedFrameRange"
#define TH_PropUnmappedFrameRate "OfxImageEffectPropUnmappedFrameRate"
#define TH_PropFieldOrder "OfxImageClipPropFieldOrder"
#define TH_PropClipPARPrefix "OfxImageClipPropPAR_"
#define TH_ParamPropGroupOpen "OfxParamPropGroupOpen"
#define TH_ParamStringIsLabel "OfxParamStringIsLabel"

/* ---------------------------------------------------------------- property store */

typedef enum { PROP_INT, PROP_DOUBLE, PROP_STRING, PROP_POINTER } PropType;

/* What a property set belongs to; kept so handles can be validated and images found. */
typedef enum {
  PS_HOST, PS_EFFECT, PS_CLIP, PS_PARAM, PS_PARAMSET, PS_IMAGE, PS_ARGS
} PropSetKind;

extern const OfxPropertySuiteV1 th_prop_suite;

OfxPropertySetHandle props_new(PropSetKind kind, void *owner);
void props_free(OfxPropertySetHandle set);
/* Copies every property of src into dst (replacing same-named ones). */
void props_copy(OfxPropertySetHandle dst, OfxPropertySetHandle src);
bool props_valid(OfxPropertySetHandle set, PropSetKind kind);
void *props_owner(OfxPropertySetHandle set);

/* Host-side definitions: the property gets exactly these n values. fixed_dim: the
 * spec gives the property a fixed dimension, so a plugin set beyond it is a bad index. */
void props_def_ints(OfxPropertySetHandle set, const char *name, bool fixed_dim, int n, const int *v);
void props_def_doubles(OfxPropertySetHandle set, const char *name, bool fixed_dim, int n, const double *v);
void props_def_strings(OfxPropertySetHandle set, const char *name, bool fixed_dim, int n, const char *const *v);
void props_def_int(OfxPropertySetHandle set, const char *name, int v);
void props_def_double(OfxPropertySetHandle set, const char *name, double v);
void props_def_string(OfxPropertySetHandle set, const char *name, const char *v);
void props_def_pointer(OfxPropertySetHandle set, const char *name, void *v);
/* A string list with variable dimension, NULL-terminated. */
void props_def_string_list(OfxPropertySetHandle set, const char *name, const char *const *list);

/* Host-side reads for the checks; return the OFX status of the underlying get. */
OfxStatus props_int(OfxPropertySetHandle set, const char *name, int index, int *v);
OfxStatus props_double(OfxPropertySetHandle set, const char *name, int index, double *v);
OfxStatus props_string(OfxPropertySetHandle set, const char *name, int index, const char **v);
int props_dim(OfxPropertySetHandle set, const char *name); /* -1 when unset */
bool props_has_string(OfxPropertySetHandle set, const char *name, const char *value);
/* Every error the plugin got from the property suite (--verbose). */
void props_print_plugin_errors(FILE *f);

/* ---------------------------------------------------------------- parameters */

extern const OfxParameterSuiteV1 th_param_suite;

OfxParamSetHandle paramset_new(void);
void paramset_free(OfxParamSetHandle set);
/* The instance's params: copies of the descriptor params, valued at their default. */
OfxParamSetHandle paramset_instantiate(OfxParamSetHandle descriptors);
OfxPropertySetHandle paramset_props(OfxParamSetHandle set);
int paramset_count(OfxParamSetHandle set);
OfxParamHandle paramset_at(OfxParamSetHandle set, int i);
OfxParamHandle paramset_find(OfxParamSetHandle set, const char *name);
/* paramSetValue calls the plugin made (not the host's own edits), and those made while a
 * Render action was in flight: the spec allows plugins to set values only in
 * instance-changed and interacts. */
extern atomic_int th_renders_in_flight;
extern __thread bool th_host_writing;
int param_plugin_sets(void);
/* Set: paramDefine refuses Group, Page and PushButton, as a host without them would. */
extern bool th_refuse_layout_params;
int param_plugin_sets_in_render(void);
const char *param_name(OfxParamHandle p);
const char *param_type(OfxParamHandle p);
OfxPropertySetHandle param_props(OfxParamHandle p);

/* ---------------------------------------------------------------- images */

typedef enum { DEPTH_BYTE, DEPTH_SHORT, DEPTH_HALF, DEPTH_FLOAT } Depth;

typedef struct Image {
  Depth depth;
  int ncomp;              /* 1 (Alpha), 3 (RGB) or 4 (RGBA) */
  OfxRectI bounds;
  int rowBytes;           /* signed, as handed to the plugin */
  unsigned char *alloc;   /* guard | rows | guard */
  size_t alloc_size;
  unsigned char *data;    /* pixel (bounds.x1, bounds.y1) */
  unsigned char *snapshot; /* alloc as it was before a render, for "untouched" checks */
  uint64_t uid;
} Image;

size_t depth_bytes(Depth d);
const char *depth_ofx(Depth d);   /* kOfxBitDepth* */
const char *depth_label(Depth d); /* 8bit, 16bit, half, float */
const char *comps_ofx(int ncomp);
/* bottom_up: rows stored last-row-first, rowBytes negative; pad: bytes after each row. */
Image *image_new(Depth depth, int ncomp, OfxRectI bounds, bool bottom_up, int pad);
void image_free(Image *img);
unsigned char *image_pixel(const Image *img, int x, int y); /* NULL outside bounds */
/* The contract's conversions of one channel: to float, and back (clamped, rounded). */
float channel_value(Depth d, const unsigned char *px, int c);
void channel_store(Depth d, unsigned char *px, int c, float v);
int image_width(const Image *img);
int image_height(const Image *img);

typedef enum { PATTERN_COLOUR, PATTERN_MATTE } PatternKind;
/* Deterministic content: colours with HDR/negative/-0 values (float), alphas of 0,
 * partial and 1; mattes of 0, partial, 1 (and out-of-range values in float). */
void image_fill_pattern(Image *img, PatternKind kind, uint32_t seed);
/* Fills every byte of the allocation (guards and padding too) with a position-dependent
 * pattern and remembers it. */
void image_fill_sentinel(Image *img);
/* True when every byte still equals the sentinel snapshot. */
bool image_untouched(const Image *img, char *why, size_t n);
/* Rows (y) of the window whose bytes all still equal the snapshot. */
bool image_row_untouched(const Image *img, int y);
bool image_same_pixels(const Image *a, const Image *b, OfxRectI window, char *why, size_t n);
/* Describes what lives at a byte offset into alloc: a pixel channel, padding or guard. */
void image_describe_offset(const Image *img, size_t off, char *out, size_t n);

/* ---------------------------------------------------------------- contract formulas */

typedef enum { PLUGIN_INPAINT, PLUGIN_EXTEND, PLUGIN_GENERATE, PLUGIN_KINDS } PluginKind;
typedef enum { CTX_FILTER, CTX_GENERAL, CTX_GENERATOR, CTX_KINDS } ContextKind;

extern const char *const plugin_ids[PLUGIN_KINDS];
extern const char *const plugin_short[PLUGIN_KINDS];
extern const char *const context_ofx[CTX_KINDS];
extern const char *const context_short[CTX_KINDS];

enum { MATTE_MASK_CLIP = 0, MATTE_SOURCE_ALPHA = 1, MATTE_LUMINANCE = 2 };

/* Everything the contract's formula for one output pixel depends on. */
typedef struct Expectation {
  PluginKind plugin;
  ContextKind context;
  const Image *source; /* the source frame the pixel comes from (NULL: none) */
  const Image *mask;   /* Inpaint "Mask clip" */
  int matte_source;
  uint32_t seed;
  float variation;     /* Generate's variation param */
  double time;
  bool predicted;      /* ExtendShot outside the source range: RGB from the shot model, alpha the nearest frame's */
} Expectation;

/* Writes the contract's bytes for output pixel (x,y) at depth d (4 channels). */
void expected_pixel(const Expectation *e, Depth d, int x, int y, unsigned char *out);
float contract_noise(uint32_t seed, int x, int y, int c, double t);
/* Output must equal the contract inside window∩bounds and the snapshot elsewhere. */
bool image_matches_contract(const Image *out, OfxRectI window, const Expectation *e, char *why, size_t n);

/* ---------------------------------------------------------------- effects and clips */

typedef enum { EFFECT_DESCRIPTOR, EFFECT_CONTEXT_DESCRIPTOR, EFFECT_INSTANCE } EffectKind;

struct HostPlugin;

struct OfxImageClipStruct {
  uint32_t magic;
  char *name;
  OfxPropertySetHandle props;
  struct OfxImageEffectStruct *effect;
  bool is_instance;
  pthread_mutex_t lock;
  /* What clipGetImage hands out: frames[i] is the image at time first_frame+i; with
   * any_time the single frame answers every time (a host without temporal access). */
  Image **frames;
  int nframes;
  int first_frame;
  bool any_time;
  bool fail;              /* clipGetImage fails: a missing clip or image */
  int outstanding;        /* images handed out and not yet released */
  int fetches;
  int bad_fetches;        /* fetches at a time with no frame */
  double last_bad_time;
};

struct OfxImageEffectStruct {
  uint32_t magic;
  EffectKind kind;
  struct HostPlugin *plugin;
  ContextKind context;
  OfxPropertySetHandle props;
  OfxParamSetHandle params;
  pthread_mutex_t lock;
  OfxImageClipHandle *clips;
  int nclips;
  Image *current_output;  /* Output image of a render in flight on another thread */
  int abort_after;        /* abort() answers 1 once polled more than this; -1 never */
  int abort_polls;
};

typedef struct HostPlugin {
  OfxPlugin *ofx;
  PluginKind kind;
  struct Bundle *bundle;
  OfxImageEffectHandle descriptor;
  OfxImageEffectHandle ctx_desc[CTX_KINDS]; /* NULL where not described */
  OfxStatus describe_status;
  OfxStatus ctx_status[CTX_KINDS];
  bool host_set;
} HostPlugin;

#define MAX_PLUGINS 8
typedef struct Bundle {
  char dir[4096];
  char binary[4096];
  void *dl;
  int nplugins;
  HostPlugin plugins[MAX_PLUGINS];
} Bundle;

extern const OfxImageEffectSuiteV1 th_effect_suite;

/* dlopen the bundle's binary and read its plugins (OfxGetNumberOfPlugins/OfxGetPlugin). */
bool bundle_open(Bundle *b, const char *bundle_dir, char *why, size_t n);
HostPlugin *bundle_plugin(Bundle *b, PluginKind kind); /* by contract id, NULL if absent */

OfxStatus plugin_action(HostPlugin *p, const char *action, const void *handle,
                        OfxPropertySetHandle in, OfxPropertySetHandle out);
/* setHost (once) + Load. */
OfxStatus plugin_load(HostPlugin *p);
OfxStatus plugin_unload(HostPlugin *p);
/* Describe on a fresh plugin descriptor; replaces p->descriptor. */
OfxStatus plugin_describe(HostPlugin *p);
/* DescribeInContext on a fresh context descriptor copied from p->descriptor. On OK
 * it becomes p->ctx_desc[ctx]; otherwise it is freed. */
OfxStatus plugin_describe_in_context(HostPlugin *p, ContextKind ctx);
/* Load + Describe + DescribeInContext for every context the contract lists. */
bool plugin_prepare(HostPlugin *p, char *why, size_t n);
bool contract_supports(PluginKind plugin, ContextKind ctx);

OfxImageEffectHandle effect_new(EffectKind kind, HostPlugin *p, ContextKind ctx);
void effect_free(OfxImageEffectHandle e);
OfxImageClipHandle effect_clip(OfxImageEffectHandle e, const char *name);

/* Builds an instance from the context descriptor and sends CreateInstance. */
OfxStatus instance_create(HostPlugin *p, ContextKind ctx, OfxImageEffectHandle *out);
OfxStatus instance_destroy(OfxImageEffectHandle inst);
/* The instance's frame range and rate (effect props and unconnected clips). */
void instance_set_frame_range(OfxImageEffectHandle inst, double t0, double t1);

void clip_set_frames(OfxImageClipHandle c, Image **frames, int n, int first_frame);
void clip_set_any_time(OfxImageClipHandle c, Image *img);
void clip_set_format(OfxImageClipHandle c, Depth d, int ncomp);
void clip_disconnect(OfxImageClipHandle c);
void clip_set_fail(OfxImageClipHandle c, bool fail);
int clip_outstanding(OfxImageClipHandle c);

/* Host-side param writes through the parameter suite (as a user editing the UI). */
OfxStatus instance_set_int(OfxImageEffectHandle inst, const char *param, int v);
OfxStatus instance_set_double(OfxImageEffectHandle inst, const char *param, double v);
OfxStatus instance_set_string(OfxImageEffectHandle inst, const char *param, const char *v);

/* What an interactive host sends after a user edit: Begin/InstanceChanged/End. */
OfxStatus instance_param_changed(OfxImageEffectHandle inst, const char *param, double t);
/* The same with another kOfxPropChangeReason (OfxChangePluginEdited: the plugin's own write). */
OfxStatus instance_param_changed_by(OfxImageEffectHandle inst, const char *param, double t, const char *reason);

/* The pre-render actions a real host sends: GetClipPreferences, GetRegionOfDefinition,
 * GetRegionsOfInterest, GetFramesNeeded. Any status other than OK/ReplyDefault fails. */
bool instance_prepare_render(OfxImageEffectHandle inst, double t, OfxRectI window, char *why, size_t n);
OfxStatus instance_begin_sequence(OfxImageEffectHandle inst, double t0, double t1);
OfxStatus instance_end_sequence(OfxImageEffectHandle inst, double t0, double t1);
/* One Render action with out as the Output clip's image (for this thread). */
OfxStatus instance_render(OfxImageEffectHandle inst, double t, OfxRectI window, Image *out);
/* Begin + Render + End; returns Render's status (or Begin's when that failed). */
OfxStatus instance_render_sequence(OfxImageEffectHandle inst, double t, OfxRectI window, Image *out);
OfxStatus instance_time_domain(OfxImageEffectHandle inst, double range[2]);

/* ---------------------------------------------------------------- other suites */

extern OfxHost th_host;
void host_init(void);
extern bool th_verbose;

typedef struct MessageRecord {
  int posted;                /* messages posted through message() */
  char last_type[64];
  char last_text[1024];
  bool persistent;           /* a persistent message is set now */
  char persistent_type[64];
  char persistent_text[1024];
} MessageRecord;

/* The messages recorded for a handle; false when it never got any. */
bool messages_for(const void *handle, MessageRecord *out);
void messages_forget(const void *handle);
/* Any handle other than `except` that got a message, for diagnostics. */
bool messages_any_other(const void *except, const void **handle, MessageRecord *out);

typedef struct ProgressCounts { int starts, updates, ends; } ProgressCounts;
ProgressCounts progress_counts(void);

/* ---------------------------------------------------------------- checks */

const char *status_name(OfxStatus s);
/* What a host accepts from an action it may send: done, or "do the default". */
bool status_ok_or_default(OfxStatus s);
bool check_wanted(const char *name);
void check_report(const char *name, bool pass, const char *why);
/* printf-style FAIL/PASS helpers building the reason. */
void check_pass(const char *name);
void check_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void checks_summary(int *passed, int *failed);

void run_boot_failure_check(const char *bundle_dir);
bool run_load_check(Bundle *b, const char *bundle_dir);
void run_describe_checks(Bundle *b);
void run_instance_checks(Bundle *b);
void run_param_checks(Bundle *b);
void run_render_checks(Bundle *b);
void run_pages_checks(Bundle *b);
void run_rowbytes_checks(Bundle *b);
void run_window_checks(Bundle *b);
void run_thread_checks(Bundle *b);
void run_abort_checks(Bundle *b);
void run_bad_input_checks(Bundle *b);
void run_load_unload_check(Bundle *b);
void run_second_bundle_check(Bundle *b, const char *bundle_dir);
void run_runtime_check(const char *bundle_dir);
void run_locale_check(const char *locale_before);
void run_quiet_boot_check(const char *bundle_dir);
int run_bench(const char *bundle_dir);
int run_render_job(const char *job_file, const char *bundle_dir);
void prepare_plugins(Bundle *b);

/* A render of one plugin configuration, checked against the contract. */
typedef struct RenderSpec {
  PluginKind plugin;
  ContextKind context;
  Depth depth;
  OfxRectI out_bounds;
  OfxRectI src_bounds;
  OfxRectI mask_bounds;
  OfxRectI window;
  bool out_bottom_up, src_bottom_up, mask_bottom_up;
  int out_pad, src_pad;
  int src_ncomp;       /* 4 unless a check feeds RGB */
  double time;
  int first_frame;     /* source frames at times first_frame.. */
  int nframes;         /* ..first_frame+nframes-1 */
  int matte_source;    /* Inpaint; -1 leaves the default */
  int mask_ncomp;      /* Inpaint General: 0 no Mask image, 1 Alpha, 4 RGBA */
  int seed;
  double variation;    /* Generate; < 0 leaves the default */
  int direction;       /* ExtendShot: 0 Forward, 1 Backward, 2 Both */
  int frames_to_add;   /* ExtendShot; < 0 leaves the default */
  uint32_t pattern;    /* seed of the source content */
} RenderSpec;

#define MAX_FRAMES 32

/* An instance configured for a spec, with its source frames and mask connected. */
typedef struct Fixture {
  RenderSpec spec;
  HostPlugin *plugin;
  OfxImageEffectHandle inst;
  Image *frames[MAX_FRAMES];
  int nframes;
  Image *mask;
} Fixture;

RenderSpec render_spec_default(PluginKind plugin, ContextKind ctx, Depth d);
/* Creates the instance, sets params, connects images and sends the pre-render actions. */
bool fixture_setup(Bundle *b, const RenderSpec *s, Fixture *f, char *why, size_t n);
/* A sentinel-filled Output image with the spec's bounds and layout. */
Image *fixture_output(const Fixture *f, Depth d, int ncomp);
/* Output equals the contract for a render at t in window; why gets the first difference. */
bool fixture_check_output(const Fixture *f, const Image *out, double t, OfxRectI window, char *why, size_t n);
void fixture_teardown(Fixture *f);
/* Renders the spec once (Begin/Render/End) on a fresh fixture and checks it. When keep is
 * not NULL the output image is handed back (caller frees). */
bool render_spec_run(Bundle *b, const RenderSpec *s, char *why, size_t n, Image **keep);
/* Appends the plugin's last message for the instance to why, to explain a failure. */
void append_plugin_message(OfxImageEffectHandle inst, char *why, size_t n);

/* Small helpers shared by the check files. */
OfxRectI rect(int x1, int y1, int x2, int y2);
bool rect_empty(OfxRectI r);
double now_ms(void);

#endif
