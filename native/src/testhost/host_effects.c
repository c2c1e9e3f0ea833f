/*
 * Effects, clips and the Image Effect suite V1, plus the action sequence a real host
 * sends (setHost, Load, Describe, DescribeInContext, CreateInstance, clip preferences,
 * RoD, RoI, Begin/Render/EndSequenceRender, DestroyInstance, Unload).
 *
 * Handles the plugin gets are the host's own structs; each carries a magic so a stale or
 * foreign handle is answered with kOfxStatErrBadHandle instead of being used.
 */
#include "testhost.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EFFECT_MAGIC 0x45464658u /* "EFFX" */
#define CLIP_MAGIC 0x434c4950u   /* "CLIP" */

static bool effect_ok(OfxImageEffectHandle e) { return e && e->magic == EFFECT_MAGIC; }
static bool clip_ok(OfxImageClipHandle c) { return c && c->magic == CLIP_MAGIC; }

/* ------------------------------------------------------------ property defaults */

/* Spec defaults of an effect descriptor: a plugin that never sets, say, host frame
 * threading reads as the spec's default, so the describe check sees what a host sees. */
static void effect_descriptor_defaults(OfxPropertySetHandle ps, HostPlugin *p) {
  props_def_string(ps, kOfxPropType, "OfxTypeImageEffect");
  props_def_string(ps, kOfxPropLabel, "");
  props_def_string(ps, kOfxPropShortLabel, "");
  props_def_string(ps, kOfxPropLongLabel, "");
  props_def_string(ps, kOfxPropPluginDescription, "");
  props_def_strings(ps, kOfxImageEffectPropSupportedContexts, false, 0, NULL);
  props_def_strings(ps, kOfxImageEffectPropSupportedPixelDepths, false, 0, NULL);
  props_def_string(ps, kOfxImageEffectPluginPropGrouping, "");
  props_def_int(ps, kOfxImageEffectPluginPropSingleInstance, 0);
  props_def_string(ps, kOfxImageEffectPluginRenderThreadSafety, kOfxImageEffectRenderInstanceSafe);
  props_def_int(ps, kOfxImageEffectPluginPropHostFrameThreading, 1);
  props_def_pointer(ps, "OfxImageEffectPluginPropOverlayInteractV1", NULL);
  props_def_int(ps, kOfxImageEffectPropSupportsMultiResolution, 1);
  props_def_int(ps, kOfxImageEffectPropSupportsTiles, 1);
  props_def_int(ps, kOfxImageEffectPropTemporalClipAccess, 0);
  props_def_int(ps, "OfxImageEffectPluginPropFieldRenderTwiceAlways", 1);
  props_def_int(ps, kOfxImageEffectPropSupportsMultipleClipDepths, 0);
  props_def_int(ps, "OfxImageEffectPropSupportsMultipleClipPARs", 0);
  props_def_strings(ps, "OfxImageEffectPropClipPreferencesSlaveParam", false, 0, NULL);
  props_def_string(ps, TH_PropPluginFilePath, p && p->bundle ? p->bundle->dir : "");
}

static void clip_descriptor_defaults(OfxPropertySetHandle ps, const char *name) {
  props_def_string(ps, kOfxPropType, "OfxTypeClip");
  props_def_string(ps, kOfxPropName, name);
  props_def_string(ps, kOfxPropLabel, name);
  props_def_string(ps, kOfxPropShortLabel, name);
  props_def_string(ps, kOfxPropLongLabel, name);
  props_def_strings(ps, kOfxImageEffectPropSupportedComponents, false, 0, NULL);
  props_def_int(ps, kOfxImageEffectPropTemporalClipAccess, 0);
  props_def_int(ps, kOfxImageClipPropOptional, 0);
  props_def_string(ps, "OfxImageClipPropFieldExtraction", "OfxImageFieldDoubled");
  props_def_int(ps, kOfxImageClipPropIsMask, 0);
  props_def_int(ps, kOfxImageEffectPropSupportsTiles, 1);
}

/* The instance view of a clip: format, connection, frames. Filled again whenever a
 * check connects images, so the props always describe what clipGetImage returns. */
static void clip_instance_defaults(OfxImageClipHandle c) {
  OfxPropertySetHandle ps = c->props;
  double range[2] = {0, 9};
  props_def_string(ps, kOfxImageEffectPropPixelDepth, kOfxBitDepthFloat);
  props_def_string(ps, kOfxImageEffectPropComponents, kOfxImageComponentRGBA);
  props_def_string(ps, kOfxImageClipPropUnmappedPixelDepth, kOfxBitDepthFloat);
  props_def_string(ps, kOfxImageClipPropUnmappedComponents, kOfxImageComponentRGBA);
  props_def_string(ps, kOfxImageEffectPropPreMultiplication, kOfxImageUnPreMultiplied);
  props_def_double(ps, kOfxImagePropPixelAspectRatio, 1.0);
  props_def_double(ps, kOfxImageEffectPropFrameRate, 24.0);
  props_def_doubles(ps, kOfxImageEffectPropFrameRange, true, 2, range);
  props_def_double(ps, TH_PropUnmappedFrameRate, 24.0);
  props_def_doubles(ps, TH_PropUnmappedFrameRange, true, 2, range);
  props_def_string(ps, TH_PropFieldOrder, kOfxImageFieldNone);
  props_def_int(ps, kOfxImageClipPropConnected, 0);
  props_def_int(ps, kOfxImageClipPropContinuousSamples, 0);
}

/* ------------------------------------------------------------ effects and clips */

static OfxImageClipHandle clip_new(OfxImageEffectHandle e, const char *name, bool instance) {
  OfxImageClipHandle c = calloc(1, sizeof *c);
  if (!c) abort();
  c->magic = CLIP_MAGIC;
  c->name = strdup(name);
  c->props = props_new(PS_CLIP, c);
  c->effect = e;
  c->is_instance = instance;
  pthread_mutex_init(&c->lock, NULL);
  e->clips = realloc(e->clips, (size_t)(e->nclips + 1) * sizeof *e->clips);
  if (!e->clips) abort();
  e->clips[e->nclips++] = c;
  return c;
}

static void clip_free(OfxImageClipHandle c) {
  props_free(c->props);
  free(c->frames);
  free(c->name);
  pthread_mutex_destroy(&c->lock);
  c->magic = 0;
  free(c);
}

OfxImageEffectHandle effect_new(EffectKind kind, HostPlugin *p, ContextKind ctx) {
  OfxImageEffectHandle e = calloc(1, sizeof *e);
  if (!e) abort();
  e->magic = EFFECT_MAGIC;
  e->kind = kind;
  e->plugin = p;
  e->context = ctx;
  e->props = props_new(PS_EFFECT, e);
  e->params = paramset_new();
  e->abort_after = -1;
  pthread_mutex_init(&e->lock, NULL);
  return e;
}

void effect_free(OfxImageEffectHandle e) {
  if (!e) return;
  for (int i = 0; i < e->nclips; i++) clip_free(e->clips[i]);
  free(e->clips);
  paramset_free(e->params);
  props_free(e->props);
  pthread_mutex_destroy(&e->lock);
  e->magic = 0;
  free(e);
}

OfxImageClipHandle effect_clip(OfxImageEffectHandle e, const char *name) {
  for (int i = 0; i < e->nclips; i++)
    if (!strcmp(e->clips[i]->name, name)) return e->clips[i];
  return NULL;
}

/* ------------------------------------------------------------ images handed out */

/* An image property set given to the plugin. Live ones are listed so a release of an
 * unknown or already released handle is a bad handle, not a use-after-free. */
typedef struct Grant {
  OfxPropertySetHandle props;
  OfxImageClipHandle clip;
  struct Grant *next;
} Grant;

static pthread_mutex_t grants_lock = PTHREAD_MUTEX_INITIALIZER;
static Grant *grants;

static OfxPropertySetHandle grant_image(OfxImageClipHandle c, const Image *img) {
  OfxPropertySetHandle ps = props_new(PS_IMAGE, NULL);
  int bounds[4] = {img->bounds.x1, img->bounds.y1, img->bounds.x2, img->bounds.y2};
  char uid[32];
  snprintf(uid, sizeof uid, "testhost-image-%llu", (unsigned long long)img->uid);
  props_def_string(ps, kOfxPropType, "OfxTypeImage");
  props_def_pointer(ps, kOfxImagePropData, img->data);
  props_def_ints(ps, kOfxImagePropBounds, true, 4, bounds);
  props_def_ints(ps, kOfxImagePropRegionOfDefinition, true, 4, bounds);
  props_def_int(ps, kOfxImagePropRowBytes, img->rowBytes);
  props_def_string(ps, kOfxImageEffectPropPixelDepth, depth_ofx(img->depth));
  props_def_string(ps, kOfxImageEffectPropComponents, comps_ofx(img->ncomp));
  props_def_double(ps, kOfxImagePropPixelAspectRatio, 1.0);
  props_def_string(ps, kOfxImageEffectPropPreMultiplication, kOfxImageUnPreMultiplied);
  props_def_string(ps, kOfxImagePropField, kOfxImageFieldNone);
  props_def_string(ps, kOfxImagePropUniqueIdentifier, uid);
  double scale[2] = {1, 1};
  props_def_doubles(ps, kOfxImageEffectPropRenderScale, true, 2, scale);
  Grant *g = malloc(sizeof *g);
  if (!g) abort();
  g->props = ps;
  g->clip = c;
  pthread_mutex_lock(&grants_lock);
  g->next = grants;
  grants = g;
  pthread_mutex_unlock(&grants_lock);
  pthread_mutex_lock(&c->lock);
  c->outstanding++;
  pthread_mutex_unlock(&c->lock);
  return ps;
}

/* ------------------------------------------------------------ render context */

/* The Output image of the render running on this thread: several threads may render the
 * same instance at once, each into its own buffer. */
static __thread Image *tls_output;
static __thread OfxImageEffectHandle tls_output_effect;

/* The image clipGetImage answers for (clip, time); NULL with *why set when there is none. */
static Image *clip_image_at(OfxImageClipHandle c, double t) {
  if (!strcmp(c->name, kOfxImageEffectOutputClipName)) {
    if (tls_output_effect == c->effect && tls_output) return tls_output;
    Image *current = __atomic_load_n(&c->effect->current_output, __ATOMIC_SEQ_CST);
    if (current) return current;
  }
  if (c->fail || c->nframes == 0) return NULL;
  if (c->any_time) return c->frames[0];
  /* A host with temporal access serves whole frames only: a fractional or out-of-range
   * time has no image, which shows a plugin asking for the wrong frame. */
  if (t != floor(t)) return NULL;
  double idx = t - c->first_frame;
  if (idx < 0 || idx >= c->nframes) return NULL;
  return c->frames[(int)idx];
}

/* ------------------------------------------------------------ Image Effect suite */

static OfxStatus get_property_set(OfxImageEffectHandle e, OfxPropertySetHandle *ps) {
  if (!effect_ok(e)) return kOfxStatErrBadHandle;
  if (!ps) return kOfxStatErrValue;
  *ps = e->props;
  return kOfxStatOK;
}

static OfxStatus get_param_set(OfxImageEffectHandle e, OfxParamSetHandle *ps) {
  if (!effect_ok(e)) return kOfxStatErrBadHandle;
  if (!ps) return kOfxStatErrValue;
  *ps = e->params;
  return kOfxStatOK;
}

static OfxStatus clip_define(OfxImageEffectHandle e, const char *name, OfxPropertySetHandle *ps) {
  /* Clips are defined while describing in a context, never on an instance. */
  if (!effect_ok(e) || e->kind == EFFECT_INSTANCE) return kOfxStatErrBadHandle;
  if (!name) return kOfxStatErrValue;
  pthread_mutex_lock(&e->lock);
  OfxStatus st = kOfxStatOK;
  OfxImageClipHandle c = effect_clip(e, name);
  if (c) {
    st = kOfxStatErrExists;
  } else {
    c = clip_new(e, name, false);
    clip_descriptor_defaults(c->props, name);
  }
  if (ps) *ps = c->props;
  pthread_mutex_unlock(&e->lock);
  return st;
}

static OfxStatus clip_get_handle(OfxImageEffectHandle e, const char *name, OfxImageClipHandle *clip,
                                 OfxPropertySetHandle *ps) {
  if (!effect_ok(e) || e->kind != EFFECT_INSTANCE) return kOfxStatErrBadHandle;
  if (!name || !clip) return kOfxStatErrValue;
  OfxImageClipHandle c = effect_clip(e, name);
  if (!c) return kOfxStatErrBadHandle;
  *clip = c;
  if (ps) *ps = c->props;
  return kOfxStatOK;
}

static OfxStatus clip_get_property_set(OfxImageClipHandle c, OfxPropertySetHandle *ps) {
  if (!clip_ok(c)) return kOfxStatErrBadHandle;
  if (!ps) return kOfxStatErrValue;
  *ps = c->props;
  return kOfxStatOK;
}

static OfxStatus clip_get_image(OfxImageClipHandle c, OfxTime t, const OfxRectD *region,
                                OfxPropertySetHandle *out) {
  if (!clip_ok(c) || !c->is_instance) return kOfxStatErrBadHandle;
  if (!out) return kOfxStatErrValue;
  pthread_mutex_lock(&c->lock);
  c->fetches++;
  Image *img = clip_image_at(c, t);
  if (!img && !c->fail && c->nframes > 0) {
    c->bad_fetches++;
    c->last_bad_time = t;
  }
  pthread_mutex_unlock(&c->lock);
  /* The region asked for is ignored: a host may hand out more than asked. */
  if (!img) {
    *out = NULL;
    return kOfxStatFailed;
  }
  *out = grant_image(c, img);
  return kOfxStatOK;
}

static OfxStatus clip_release_image(OfxPropertySetHandle ps) {
  pthread_mutex_lock(&grants_lock);
  Grant **pp = &grants, *g = NULL;
  while (*pp && (*pp)->props != ps) pp = &(*pp)->next;
  if (*pp) {
    g = *pp;
    *pp = g->next;
  }
  pthread_mutex_unlock(&grants_lock);
  if (!g) return kOfxStatErrBadHandle;
  pthread_mutex_lock(&g->clip->lock);
  g->clip->outstanding--;
  pthread_mutex_unlock(&g->clip->lock);
  props_free(g->props);
  free(g);
  return kOfxStatOK;
}

static OfxStatus clip_get_rod(OfxImageClipHandle c, OfxTime t, OfxRectD *rod) {
  if (!clip_ok(c) || !c->is_instance) return kOfxStatErrBadHandle;
  if (!rod) return kOfxStatErrValue;
  pthread_mutex_lock(&c->lock);
  Image *img = clip_image_at(c, t);
  if (!img && c->nframes > 0 && !c->fail) img = c->frames[0];
  pthread_mutex_unlock(&c->lock);
  OfxRectD r = {0, 0, 0, 0};
  if (img) r = (OfxRectD){img->bounds.x1, img->bounds.y1, img->bounds.x2, img->bounds.y2};
  *rod = r;
  return kOfxStatOK;
}

static int effect_abort(OfxImageEffectHandle e) {
  if (!effect_ok(e)) return 0;
  int n = __atomic_add_fetch(&e->abort_polls, 1, __ATOMIC_SEQ_CST);
  return e->abort_after >= 0 && n > e->abort_after;
}

typedef struct ImageMemory {
  uint32_t magic;
  void *ptr;
  int locks;
} ImageMemory;
#define IMAGE_MEMORY_MAGIC 0x494d454du

static OfxStatus image_memory_alloc(OfxImageEffectHandle e, size_t n, OfxImageMemoryHandle *out) {
  if (e && !effect_ok(e)) return kOfxStatErrBadHandle;
  if (!out) return kOfxStatErrValue;
  ImageMemory *m = calloc(1, sizeof *m);
  if (!m) return kOfxStatErrMemory;
  m->ptr = malloc(n ? n : 1);
  if (!m->ptr) {
    free(m);
    return kOfxStatErrMemory;
  }
  m->magic = IMAGE_MEMORY_MAGIC;
  *out = (OfxImageMemoryHandle)m;
  return kOfxStatOK;
}

static ImageMemory *image_memory(OfxImageMemoryHandle h) {
  ImageMemory *m = (ImageMemory *)h;
  return m && m->magic == IMAGE_MEMORY_MAGIC ? m : NULL;
}

static OfxStatus image_memory_free(OfxImageMemoryHandle h) {
  ImageMemory *m = image_memory(h);
  if (!m) return kOfxStatErrBadHandle;
  m->magic = 0;
  free(m->ptr);
  free(m);
  return kOfxStatOK;
}

static OfxStatus image_memory_lock(OfxImageMemoryHandle h, void **ptr) {
  ImageMemory *m = image_memory(h);
  if (!m) return kOfxStatErrBadHandle;
  if (!ptr) return kOfxStatErrValue;
  __atomic_add_fetch(&m->locks, 1, __ATOMIC_SEQ_CST);
  *ptr = m->ptr;
  return kOfxStatOK;
}

static OfxStatus image_memory_unlock(OfxImageMemoryHandle h) {
  ImageMemory *m = image_memory(h);
  if (!m) return kOfxStatErrBadHandle;
  __atomic_sub_fetch(&m->locks, 1, __ATOMIC_SEQ_CST);
  return kOfxStatOK;
}

const OfxImageEffectSuiteV1 th_effect_suite = {
  get_property_set, get_param_set, clip_define, clip_get_handle, clip_get_property_set,
  clip_get_image, clip_release_image, clip_get_rod, effect_abort,
  image_memory_alloc, image_memory_free, image_memory_lock, image_memory_unlock,
};

/* ------------------------------------------------------------ clip configuration */

static void clip_format_props(OfxImageClipHandle c, Depth d, int ncomp) {
  props_def_string(c->props, kOfxImageEffectPropPixelDepth, depth_ofx(d));
  props_def_string(c->props, kOfxImageEffectPropComponents, comps_ofx(ncomp));
  props_def_string(c->props, kOfxImageClipPropUnmappedPixelDepth, depth_ofx(d));
  props_def_string(c->props, kOfxImageClipPropUnmappedComponents, comps_ofx(ncomp));
}

void clip_set_format(OfxImageClipHandle c, Depth d, int ncomp) {
  clip_format_props(c, d, ncomp);
  props_def_int(c->props, kOfxImageClipPropConnected, 1);
}

void clip_set_frames(OfxImageClipHandle c, Image **frames, int n, int first) {
  pthread_mutex_lock(&c->lock);
  free(c->frames);
  c->frames = malloc((size_t)(n > 0 ? n : 1) * sizeof *frames);
  if (!c->frames) abort();
  memcpy(c->frames, frames, (size_t)n * sizeof *frames);
  c->nframes = n;
  c->first_frame = first;
  c->any_time = false;
  c->fail = false;
  pthread_mutex_unlock(&c->lock);
  if (n > 0) clip_set_format(c, frames[0]->depth, frames[0]->ncomp);
  double range[2] = {first, first + n - 1};
  props_def_doubles(c->props, kOfxImageEffectPropFrameRange, true, 2, range);
  props_def_doubles(c->props, TH_PropUnmappedFrameRange, true, 2, range);
}

void clip_set_any_time(OfxImageClipHandle c, Image *img) {
  pthread_mutex_lock(&c->lock);
  free(c->frames);
  c->frames = malloc(sizeof *c->frames);
  if (!c->frames) abort();
  c->frames[0] = img;
  c->nframes = 1;
  c->first_frame = 0;
  c->any_time = true;
  c->fail = false;
  pthread_mutex_unlock(&c->lock);
  clip_set_format(c, img->depth, img->ncomp);
}

void clip_disconnect(OfxImageClipHandle c) {
  pthread_mutex_lock(&c->lock);
  c->nframes = 0;
  pthread_mutex_unlock(&c->lock);
  props_def_int(c->props, kOfxImageClipPropConnected, 0);
}

void clip_set_fail(OfxImageClipHandle c, bool fail) {
  pthread_mutex_lock(&c->lock);
  c->fail = fail;
  pthread_mutex_unlock(&c->lock);
}

int clip_outstanding(OfxImageClipHandle c) {
  pthread_mutex_lock(&c->lock);
  int n = c->outstanding;
  pthread_mutex_unlock(&c->lock);
  return n;
}

/* ------------------------------------------------------------ bundle and plugins */

bool bundle_open(Bundle *b, const char *dir, char *why, size_t n) {
  memset(b, 0, sizeof *b);
  snprintf(b->dir, sizeof b->dir, "%s", dir);
  snprintf(b->binary, sizeof b->binary, "%s/Contents/Linux-x86-64/WorldFX.ofx", dir);
  b->dl = dlopen(b->binary, RTLD_NOW | RTLD_LOCAL);
  if (!b->dl) {
    snprintf(why, n, "dlopen %s: %s", b->binary, dlerror());
    return false;
  }
  OfxGetNumberOfPluginsFn count = (OfxGetNumberOfPluginsFn)dlsym(b->dl, "OfxGetNumberOfPlugins");
  OfxGetPluginFn get = (OfxGetPluginFn)dlsym(b->dl, "OfxGetPlugin");
  if (!count || !get) {
    snprintf(why, n, "entry points missing: OfxGetNumberOfPlugins=%p OfxGetPlugin=%p", (void *)count, (void *)get);
    return false;
  }
  int np = count();
  if (np < 0 || np > MAX_PLUGINS) {
    snprintf(why, n, "OfxGetNumberOfPlugins returned %d", np);
    return false;
  }
  b->nplugins = np;
  for (int i = 0; i < np; i++) {
    HostPlugin *p = &b->plugins[i];
    p->ofx = get(i);
    p->bundle = b;
    p->kind = PLUGIN_KINDS;
    if (!p->ofx) {
      snprintf(why, n, "OfxGetPlugin(%d) returned NULL", i);
      return false;
    }
    for (int k = 0; k < PLUGIN_KINDS; k++)
      if (p->ofx->pluginIdentifier && !strcmp(p->ofx->pluginIdentifier, plugin_ids[k])) p->kind = (PluginKind)k;
  }
  return true;
}

HostPlugin *bundle_plugin(Bundle *b, PluginKind kind) {
  for (int i = 0; i < b->nplugins; i++)
    if (b->plugins[i].kind == kind) return &b->plugins[i];
  return NULL;
}

bool contract_supports(PluginKind plugin, ContextKind ctx) {
  static const bool table[PLUGIN_KINDS][CTX_KINDS] = {
    /* Filter, General, Generator */
    {true, true, false},  /* Inpaint */
    {true, true, false},  /* ExtendShot */
    {true, false, true},  /* Generate */
  };
  return table[plugin][ctx];
}

OfxStatus plugin_action(HostPlugin *p, const char *action, const void *handle, OfxPropertySetHandle in,
                        OfxPropertySetHandle out) {
  bool render = !strcmp(action, kOfxImageEffectActionRender);
  if (render) atomic_fetch_add(&th_renders_in_flight, 1);
  OfxStatus st = p->ofx->mainEntry(action, handle, in, out);
  if (render) atomic_fetch_sub(&th_renders_in_flight, 1);
  return st;
}

OfxStatus plugin_load(HostPlugin *p) {
  if (!p->host_set) {
    p->ofx->setHost(&th_host);
    p->host_set = true;
  }
  return plugin_action(p, kOfxActionLoad, NULL, NULL, NULL);
}

OfxStatus plugin_unload(HostPlugin *p) { return plugin_action(p, kOfxActionUnload, NULL, NULL, NULL); }

/* Old descriptors are not freed: the plugin may keep pointers to them until Unload. */
OfxStatus plugin_describe(HostPlugin *p) {
  OfxImageEffectHandle d = effect_new(EFFECT_DESCRIPTOR, p, CTX_FILTER);
  effect_descriptor_defaults(d->props, p);
  p->describe_status = plugin_action(p, kOfxActionDescribe, d, NULL, NULL);
  p->descriptor = d;
  for (int c = 0; c < CTX_KINDS; c++) p->ctx_desc[c] = NULL;
  return p->describe_status;
}

OfxStatus plugin_describe_in_context(HostPlugin *p, ContextKind ctx) {
  OfxImageEffectHandle d = effect_new(EFFECT_CONTEXT_DESCRIPTOR, p, ctx);
  /* A context descriptor starts as a copy of the plugin descriptor (as HostSupport does). */
  if (p->descriptor) props_copy(d->props, p->descriptor->props);
  OfxPropertySetHandle in = props_new(PS_ARGS, NULL);
  props_def_string(in, kOfxImageEffectPropContext, context_ofx[ctx]);
  OfxStatus st = plugin_action(p, kOfxImageEffectActionDescribeInContext, d, in, NULL);
  props_free(in);
  p->ctx_status[ctx] = st;
  if (st == kOfxStatOK) {
    p->ctx_desc[ctx] = d;
  } else {
    effect_free(d);
  }
  return st;
}

bool plugin_prepare(HostPlugin *p, char *why, size_t n) {
  OfxStatus st = plugin_load(p);
  if (!status_ok_or_default(st)) {
    snprintf(why, n, "%s: Load returned %s", p->ofx->pluginIdentifier, status_name(st));
    return false;
  }
  st = plugin_describe(p);
  if (st != kOfxStatOK) {
    snprintf(why, n, "%s: Describe returned %s", p->ofx->pluginIdentifier, status_name(st));
    return false;
  }
  for (int c = 0; c < CTX_KINDS; c++) {
    if (!contract_supports(p->kind, (ContextKind)c)) continue;
    st = plugin_describe_in_context(p, (ContextKind)c);
    if (st != kOfxStatOK) {
      snprintf(why, n, "%s: DescribeInContext(%s) returned %s", p->ofx->pluginIdentifier, context_short[c],
               status_name(st));
      return false;
    }
  }
  return true;
}

/* ------------------------------------------------------------ instances */

void instance_set_frame_range(OfxImageEffectHandle inst, double t0, double t1) {
  double range[2] = {t0, t1};
  props_def_doubles(inst->props, kOfxImageEffectPropFrameRange, true, 2, range);
  props_def_double(inst->props, kOfxImageEffectInstancePropEffectDuration, t1 - t0 + 1);
}

static void instance_props(OfxImageEffectHandle inst) {
  OfxPropertySetHandle ps = inst->props;
  double size[2] = {1920, 1080}, zero[2] = {0, 0};
  props_def_string(ps, kOfxImageEffectPropContext, context_ofx[inst->context]);
  props_def_int(ps, TH_PropIsInteractive, 0);
  props_def_pointer(ps, TH_PropInstanceData, NULL);
  props_def_doubles(ps, TH_PropProjectSize, true, 2, size);
  props_def_doubles(ps, TH_PropProjectExtent, true, 2, size);
  props_def_doubles(ps, TH_PropProjectOffset, true, 2, zero);
  props_def_double(ps, TH_PropProjectPixelAspectRatio, 1.0);
  props_def_double(ps, kOfxImageEffectPropFrameRate, 24.0);
  props_def_int(ps, kOfxImageEffectInstancePropSequentialRender, 0);
  instance_set_frame_range(inst, 0, 9);
}

OfxStatus instance_create(HostPlugin *p, ContextKind ctx, OfxImageEffectHandle *out) {
  *out = NULL;
  OfxImageEffectHandle desc = p->ctx_desc[ctx];
  if (!desc) return kOfxStatErrBadHandle;
  OfxImageEffectHandle inst = effect_new(EFFECT_INSTANCE, p, ctx);
  props_copy(inst->props, desc->props);
  instance_props(inst);
  paramset_free(inst->params);
  inst->params = paramset_instantiate(desc->params);
  for (int i = 0; i < desc->nclips; i++) {
    OfxImageClipHandle c = clip_new(inst, desc->clips[i]->name, true);
    props_copy(c->props, desc->clips[i]->props);
    clip_instance_defaults(c);
  }
  OfxStatus st = plugin_action(p, kOfxActionCreateInstance, inst, NULL, NULL);
  if (!status_ok_or_default(st)) {
    effect_free(inst);
    return st;
  }
  *out = inst;
  return kOfxStatOK;
}

OfxStatus instance_destroy(OfxImageEffectHandle inst) {
  OfxStatus st = plugin_action(inst->plugin, kOfxActionDestroyInstance, inst, NULL, NULL);
  messages_forget(inst);
  effect_free(inst);
  return st;
}

static OfxStatus set_param(OfxImageEffectHandle inst, const char *name, OfxParamHandle *p) {
  OfxPropertySetHandle ps;
  return th_param_suite.paramGetHandle(inst->params, name, p, &ps);
}

static void render_scale(OfxPropertySetHandle ps) {
  double scale[2] = {1, 1};
  props_def_doubles(ps, kOfxImageEffectPropRenderScale, true, 2, scale);
}

OfxStatus instance_param_changed(OfxImageEffectHandle inst, const char *param, double t) {
  return instance_param_changed_by(inst, param, t, "OfxChangeUserEdited");
}

OfxStatus instance_param_changed_by(OfxImageEffectHandle inst, const char *param, double t, const char *why) {
  OfxPropertySetHandle reason = props_new(PS_ARGS, NULL);
  props_def_string(reason, kOfxPropChangeReason, why);
  OfxPropertySetHandle in = props_new(PS_ARGS, NULL);
  props_def_string(in, kOfxPropType, "OfxTypeParameter");
  props_def_string(in, kOfxPropName, param);
  props_def_string(in, kOfxPropChangeReason, why);
  props_def_double(in, kOfxPropTime, t);
  render_scale(in);
  OfxStatus st = plugin_action(inst->plugin, kOfxActionBeginInstanceChanged, inst, reason, NULL);
  if (status_ok_or_default(st)) st = plugin_action(inst->plugin, kOfxActionInstanceChanged, inst, in, NULL);
  if (status_ok_or_default(st)) st = plugin_action(inst->plugin, kOfxActionEndInstanceChanged, inst, reason, NULL);
  props_free(in);
  props_free(reason);
  return st;
}

/* The host's own writes (a user editing the UI) are not counted as the plugin's. */
OfxStatus instance_set_int(OfxImageEffectHandle inst, const char *name, int v) {
  OfxParamHandle p;
  OfxStatus st = set_param(inst, name, &p);
  th_host_writing = true;
  if (st == kOfxStatOK) st = th_param_suite.paramSetValue(p, v);
  th_host_writing = false;
  return st;
}

OfxStatus instance_set_double(OfxImageEffectHandle inst, const char *name, double v) {
  OfxParamHandle p;
  OfxStatus st = set_param(inst, name, &p);
  th_host_writing = true;
  if (st == kOfxStatOK) st = th_param_suite.paramSetValue(p, v);
  th_host_writing = false;
  return st;
}

OfxStatus instance_set_string(OfxImageEffectHandle inst, const char *name, const char *v) {
  OfxParamHandle p;
  OfxStatus st = set_param(inst, name, &p);
  th_host_writing = true;
  if (st == kOfxStatOK) st = th_param_suite.paramSetValue(p, v);
  th_host_writing = false;
  return st;
}


bool instance_prepare_render(OfxImageEffectHandle inst, double t, OfxRectI w, char *why, size_t n) {
  HostPlugin *p = inst->plugin;
  OfxStatus st;
  char name[256];

  /* Clip preferences, preset to what the host would use if the plugin says nothing. */
  OfxPropertySetHandle out = props_new(PS_ARGS, NULL);
  for (int i = 0; i < inst->nclips; i++) {
    OfxImageClipHandle c = inst->clips[i];
    const char *depth = kOfxBitDepthFloat, *comps = kOfxImageComponentRGBA;
    props_string(c->props, kOfxImageEffectPropPixelDepth, 0, &depth);
    props_string(c->props, kOfxImageEffectPropComponents, 0, &comps);
    snprintf(name, sizeof name, "%s%s", kOfxImageClipPropComponentsPrefix, c->name);
    props_def_string(out, name, comps);
    snprintf(name, sizeof name, "%s%s", kOfxImageClipPropDepthPrefix, c->name);
    props_def_string(out, name, depth);
    snprintf(name, sizeof name, "%s%s", TH_PropClipPARPrefix, c->name);
    props_def_double(out, name, 1.0);
  }
  props_def_double(out, kOfxImageEffectPropFrameRate, 24.0);
  props_def_string(out, TH_PropFieldOrder, kOfxImageFieldNone);
  props_def_string(out, kOfxImageEffectPropPreMultiplication, kOfxImageUnPreMultiplied);
  props_def_int(out, kOfxImageClipPropContinuousSamples, 0);
  props_def_int(out, kOfxImageEffectFrameVarying, 0);
  st = plugin_action(p, kOfxImageEffectActionGetClipPreferences, inst, NULL, out);
  props_free(out);
  if (!status_ok_or_default(st)) {
    snprintf(why, n, "GetClipPreferences returned %s", status_name(st));
    return false;
  }

  OfxPropertySetHandle in = props_new(PS_ARGS, NULL);
  props_def_double(in, kOfxPropTime, t);
  render_scale(in);
  out = props_new(PS_ARGS, NULL);
  double rod[4] = {w.x1, w.y1, w.x2, w.y2};
  props_def_doubles(out, kOfxImageEffectPropRegionOfDefinition, true, 4, rod);
  st = plugin_action(p, kOfxImageEffectActionGetRegionOfDefinition, inst, in, out);
  props_free(out);
  if (!status_ok_or_default(st)) {
    props_free(in);
    snprintf(why, n, "GetRegionOfDefinition returned %s", status_name(st));
    return false;
  }

  props_def_doubles(in, TH_PropRegionOfInterest, true, 4, rod);
  out = props_new(PS_ARGS, NULL);
  for (int i = 0; i < inst->nclips; i++) {
    snprintf(name, sizeof name, "%s%s", kOfxImageClipPropRoIPrefix, inst->clips[i]->name);
    props_def_doubles(out, name, true, 4, rod);
  }
  st = plugin_action(p, kOfxImageEffectActionGetRegionsOfInterest, inst, in, out);
  props_free(out);
  if (!status_ok_or_default(st)) {
    props_free(in);
    snprintf(why, n, "GetRegionsOfInterest returned %s", status_name(st));
    return false;
  }

  /* Only a plugin that asked for temporal access is asked which frames it needs. */
  int temporal = 0;
  props_int(inst->props, kOfxImageEffectPropTemporalClipAccess, 0, &temporal);
  if (!temporal) {
    props_free(in);
    return true;
  }
  out = props_new(PS_ARGS, NULL);
  double frames[2] = {t, t};
  for (int i = 0; i < inst->nclips; i++) {
    snprintf(name, sizeof name, "%s%s", kOfxImageClipPropFramesNeededPrefix, inst->clips[i]->name);
    props_def_doubles(out, name, false, 2, frames);
  }
  st = plugin_action(p, kOfxImageEffectActionGetFramesNeeded, inst, in, out);
  props_free(out);
  props_free(in);
  if (!status_ok_or_default(st)) {
    snprintf(why, n, "GetFramesNeeded returned %s", status_name(st));
    return false;
  }
  return true;
}

static OfxPropertySetHandle sequence_args(double t0, double t1) {
  OfxPropertySetHandle in = props_new(PS_ARGS, NULL);
  double range[2] = {t0, t1};
  props_def_doubles(in, kOfxImageEffectPropFrameRange, true, 2, range);
  props_def_double(in, TH_PropFrameStep, 1.0);
  props_def_int(in, TH_PropIsInteractive, 0);
  render_scale(in);
  props_def_int(in, kOfxImageEffectPropSequentialRenderStatus, 0);
  props_def_int(in, TH_PropInteractiveRenderStatus, 0);
  props_def_int(in, TH_PropRenderQualityDraft, 0);
  return in;
}

OfxStatus instance_begin_sequence(OfxImageEffectHandle inst, double t0, double t1) {
  OfxPropertySetHandle in = sequence_args(t0, t1);
  OfxStatus st = plugin_action(inst->plugin, kOfxImageEffectActionBeginSequenceRender, inst, in, NULL);
  props_free(in);
  return st;
}

OfxStatus instance_end_sequence(OfxImageEffectHandle inst, double t0, double t1) {
  OfxPropertySetHandle in = sequence_args(t0, t1);
  OfxStatus st = plugin_action(inst->plugin, kOfxImageEffectActionEndSequenceRender, inst, in, NULL);
  props_free(in);
  return st;
}

OfxStatus instance_render(OfxImageEffectHandle inst, double t, OfxRectI w, Image *out) {
  OfxPropertySetHandle in = props_new(PS_ARGS, NULL);
  int window[4] = {w.x1, w.y1, w.x2, w.y2};
  props_def_double(in, kOfxPropTime, t);
  props_def_string(in, kOfxImageEffectPropFieldToRender, kOfxImageFieldNone);
  props_def_ints(in, kOfxImageEffectPropRenderWindow, true, 4, window);
  render_scale(in);
  props_def_int(in, kOfxImageEffectPropSequentialRenderStatus, 0);
  props_def_int(in, TH_PropInteractiveRenderStatus, 0);
  props_def_int(in, TH_PropRenderQualityDraft, 0);
  Image *saved = tls_output;
  OfxImageEffectHandle saved_effect = tls_output_effect;
  tls_output = out;
  tls_output_effect = inst;
  /* Also visible to plugin worker threads when only one render is in flight. */
  __atomic_store_n(&inst->current_output, out, __ATOMIC_SEQ_CST);
  OfxStatus st = plugin_action(inst->plugin, kOfxImageEffectActionRender, inst, in, NULL);
  Image *expected = out;
  __atomic_compare_exchange_n(&inst->current_output, &expected, NULL, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  tls_output = saved;
  tls_output_effect = saved_effect;
  props_free(in);
  return st;
}

OfxStatus instance_render_sequence(OfxImageEffectHandle inst, double t, OfxRectI w, Image *out) {
  OfxStatus st = instance_begin_sequence(inst, t, t);
  if (!status_ok_or_default(st)) return st;
  OfxStatus rst = instance_render(inst, t, w, out);
  st = instance_end_sequence(inst, t, t);
  return status_ok_or_default(st) ? rst : (rst == kOfxStatOK ? st : rst);
}

OfxStatus instance_time_domain(OfxImageEffectHandle inst, double range[2]) {
  OfxPropertySetHandle out = props_new(PS_ARGS, NULL);
  double preset[2] = {0, 0};
  props_double(inst->props, kOfxImageEffectPropFrameRange, 0, &preset[0]);
  props_double(inst->props, kOfxImageEffectPropFrameRange, 1, &preset[1]);
  props_def_doubles(out, kOfxImageEffectPropFrameRange, true, 2, preset);
  OfxStatus st = plugin_action(inst->plugin, kOfxImageEffectActionGetTimeDomain, inst, NULL, out);
  props_double(out, kOfxImageEffectPropFrameRange, 0, &range[0]);
  props_double(out, kOfxImageEffectPropFrameRange, 1, &range[1]);
  props_free(out);
  return st;
}
