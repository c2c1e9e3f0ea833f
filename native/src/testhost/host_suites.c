/*
 * The host property set, fetchSuite and the small suites: Memory V1, MultiThread V1,
 * Message V1/V2 and Progress V1/V2. Messages and progress calls are recorded (checks
 * read them back) and printed only with --verbose, as CI output must stay one line per
 * check.
 */
#include "testhost.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool th_verbose;

/* ------------------------------------------------------------ Memory V1 */

static OfxStatus memory_alloc(void *handle, size_t n, void **out) {
  if (!out) return kOfxStatErrValue;
  *out = malloc(n ? n : 1);
  return *out ? kOfxStatOK : kOfxStatErrMemory;
}

static OfxStatus memory_free(void *p) {
  free(p);
  return kOfxStatOK;
}

static const OfxMemorySuiteV1 memory_suite = {memory_alloc, memory_free};

/* ------------------------------------------------------------ MultiThread V1 */

static __thread unsigned int tls_thread_index;
static __thread int tls_spawned;

typedef struct SpawnArg {
  OfxThreadFunctionV1 *func;
  unsigned int index, count;
  void *arg;
} SpawnArg;

static void *spawned_main(void *p) {
  SpawnArg *a = p;
  tls_thread_index = a->index;
  tls_spawned = 1;
  a->func(a->index, a->count, a->arg);
  return NULL;
}

static OfxStatus mt_num_cpus(unsigned int *n) {
  if (!n) return kOfxStatErrValue;
  long c = sysconf(_SC_NPROCESSORS_ONLN);
  *n = c > 0 ? (unsigned int)c : 1;
  return kOfxStatOK;
}

/* Runs func on n threads (0: one per CPU) and joins them; nesting is refused with
 * kOfxStatErrExists, as the spec (and MLT) do. */
static OfxStatus mt_multi_thread(OfxThreadFunctionV1 *func, unsigned int n, void *arg) {
  if (!func) return kOfxStatErrValue;
  if (tls_spawned) return kOfxStatErrExists;
  if (n == 0) mt_num_cpus(&n);
  pthread_t *threads = calloc(n, sizeof *threads);
  SpawnArg *args = calloc(n, sizeof *args);
  if (!threads || !args) {
    free(threads);
    free(args);
    return kOfxStatErrMemory;
  }
  unsigned int started = 0;
  OfxStatus st = kOfxStatOK;
  for (unsigned int i = 0; i < n; i++) {
    args[i] = (SpawnArg){func, i, n, arg};
    if (pthread_create(&threads[i], NULL, spawned_main, &args[i]) != 0) {
      st = kOfxStatFailed;
      break;
    }
    started++;
  }
  for (unsigned int i = 0; i < started; i++) pthread_join(threads[i], NULL);
  free(threads);
  free(args);
  return st;
}

static OfxStatus mt_index(unsigned int *index) {
  if (!index) return kOfxStatErrValue;
  *index = tls_spawned ? tls_thread_index : 0;
  return kOfxStatOK;
}

static int mt_is_spawned(void) { return tls_spawned; }

#define MUTEX_MAGIC 0x4d555458u
typedef struct HostMutex {
  uint32_t magic;
  pthread_mutex_t m;
} HostMutex;

static HostMutex *mutex_of(OfxMutexHandle h) {
  HostMutex *m = (HostMutex *)h;
  return m && m->magic == MUTEX_MAGIC ? m : NULL;
}

static OfxStatus mt_mutex_create(OfxMutexHandle *out, int lock_count) {
  if (!out) return kOfxStatErrValue;
  HostMutex *m = calloc(1, sizeof *m);
  if (!m) return kOfxStatErrMemory;
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&m->m, &attr);
  pthread_mutexattr_destroy(&attr);
  m->magic = MUTEX_MAGIC;
  for (int i = 0; i < lock_count; i++) pthread_mutex_lock(&m->m);
  *out = (OfxMutexHandle)m;
  return kOfxStatOK;
}

static OfxStatus mt_mutex_destroy(const OfxMutexHandle h) {
  HostMutex *m = mutex_of(h);
  if (!m) return kOfxStatErrBadHandle;
  m->magic = 0;
  pthread_mutex_destroy(&m->m);
  free(m);
  return kOfxStatOK;
}

static OfxStatus mt_mutex_lock(const OfxMutexHandle h) {
  HostMutex *m = mutex_of(h);
  if (!m) return kOfxStatErrBadHandle;
  return pthread_mutex_lock(&m->m) == 0 ? kOfxStatOK : kOfxStatFailed;
}

static OfxStatus mt_mutex_unlock(const OfxMutexHandle h) {
  HostMutex *m = mutex_of(h);
  if (!m) return kOfxStatErrBadHandle;
  return pthread_mutex_unlock(&m->m) == 0 ? kOfxStatOK : kOfxStatFailed;
}

static OfxStatus mt_mutex_try_lock(const OfxMutexHandle h) {
  HostMutex *m = mutex_of(h);
  if (!m) return kOfxStatErrBadHandle;
  return pthread_mutex_trylock(&m->m) == 0 ? kOfxStatOK : kOfxStatFailed;
}

static const OfxMultiThreadSuiteV1 multithread_suite = {
  mt_multi_thread, mt_num_cpus, mt_index, mt_is_spawned,
  mt_mutex_create, mt_mutex_destroy, mt_mutex_lock, mt_mutex_unlock, mt_mutex_try_lock,
};

/* ------------------------------------------------------------ Message V1/V2 */

typedef struct MessageSlot {
  const void *handle;
  MessageRecord rec;
} MessageSlot;

static pthread_mutex_t messages_lock = PTHREAD_MUTEX_INITIALIZER;
static MessageSlot *slots;
static int nslots, cap_slots;

/* Called with messages_lock held. */
static MessageRecord *record_for(const void *handle) {
  for (int i = 0; i < nslots; i++)
    if (slots[i].handle == handle) return &slots[i].rec;
  if (nslots == cap_slots) {
    cap_slots = cap_slots ? cap_slots * 2 : 64;
    slots = realloc(slots, (size_t)cap_slots * sizeof *slots);
    if (!slots) abort();
  }
  memset(&slots[nslots], 0, sizeof slots[nslots]);
  slots[nslots].handle = handle;
  return &slots[nslots++].rec;
}

static void note_message(const void *handle, bool persistent, const char *type, const char *fmt, va_list ap) {
  char text[1024];
  vsnprintf(text, sizeof text, fmt ? fmt : "", ap);
  pthread_mutex_lock(&messages_lock);
  MessageRecord *r = record_for(handle);
  if (persistent) {
    r->persistent = true;
    snprintf(r->persistent_type, sizeof r->persistent_type, "%s", type ? type : "");
    snprintf(r->persistent_text, sizeof r->persistent_text, "%s", text);
  } else {
    r->posted++;
    snprintf(r->last_type, sizeof r->last_type, "%s", type ? type : "");
    snprintf(r->last_text, sizeof r->last_text, "%s", text);
  }
  pthread_mutex_unlock(&messages_lock);
  if (th_verbose)
    fprintf(stderr, "[message%s %p] %s: %s\n", persistent ? " persistent" : "", handle, type ? type : "?", text);
}

static OfxStatus message(void *handle, const char *type, const char *id, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  note_message(handle, false, type, fmt, ap);
  va_end(ap);
  /* A non-interactive host answers questions with yes. */
  return type && !strcmp(type, "OfxMessageQuestion") ? kOfxStatReplyYes : kOfxStatOK;
}

static OfxStatus set_persistent_message(void *handle, const char *type, const char *id, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  note_message(handle, true, type, fmt, ap);
  va_end(ap);
  return kOfxStatOK;
}

static OfxStatus clear_persistent_message(void *handle) {
  pthread_mutex_lock(&messages_lock);
  MessageRecord *r = record_for(handle);
  r->persistent = false;
  r->persistent_type[0] = r->persistent_text[0] = '\0';
  pthread_mutex_unlock(&messages_lock);
  return kOfxStatOK;
}

static const OfxMessageSuiteV1 message_suite_v1 = {message};
static const OfxMessageSuiteV2 message_suite_v2 = {message, set_persistent_message, clear_persistent_message};

bool messages_for(const void *handle, MessageRecord *out) {
  bool found = false;
  pthread_mutex_lock(&messages_lock);
  for (int i = 0; i < nslots && !found; i++)
    if (slots[i].handle == handle) {
      *out = slots[i].rec;
      found = true;
    }
  pthread_mutex_unlock(&messages_lock);
  return found;
}

bool messages_any_other(const void *except, const void **handle, MessageRecord *out) {
  bool found = false;
  pthread_mutex_lock(&messages_lock);
  for (int i = nslots - 1; i >= 0 && !found; i--)
    if (slots[i].handle != except && (slots[i].rec.posted || slots[i].rec.persistent)) {
      *handle = slots[i].handle;
      *out = slots[i].rec;
      found = true;
    }
  pthread_mutex_unlock(&messages_lock);
  return found;
}

void messages_forget(const void *handle) {
  pthread_mutex_lock(&messages_lock);
  for (int i = 0; i < nslots; i++)
    if (slots[i].handle == handle) {
      slots[i] = slots[--nslots];
      break;
    }
  pthread_mutex_unlock(&messages_lock);
}

/* ------------------------------------------------------------ Progress V1/V2 */

static ProgressCounts progress;

static OfxStatus progress_start_v1(void *effect, const char *label) {
  __atomic_add_fetch(&progress.starts, 1, __ATOMIC_SEQ_CST);
  return kOfxStatOK;
}

static OfxStatus progress_start_v2(void *effect, const char *label, const char *id) {
  return progress_start_v1(effect, label);
}

/* kOfxStatOK means "carry on": this host never cancels through progress. */
static OfxStatus progress_update(void *effect, double fraction) {
  __atomic_add_fetch(&progress.updates, 1, __ATOMIC_SEQ_CST);
  return kOfxStatOK;
}

static OfxStatus progress_end(void *effect) {
  __atomic_add_fetch(&progress.ends, 1, __ATOMIC_SEQ_CST);
  return kOfxStatOK;
}

static const OfxProgressSuiteV1 progress_suite_v1 = {progress_start_v1, progress_update, progress_end};
static const OfxProgressSuiteV2 progress_suite_v2 = {progress_start_v2, progress_update, progress_end};

ProgressCounts progress_counts(void) {
  ProgressCounts c;
  c.starts = __atomic_load_n(&progress.starts, __ATOMIC_SEQ_CST);
  c.updates = __atomic_load_n(&progress.updates, __ATOMIC_SEQ_CST);
  c.ends = __atomic_load_n(&progress.ends, __ATOMIC_SEQ_CST);
  return c;
}

/* ------------------------------------------------------------ host and fetchSuite */

static const void *fetch_suite(OfxPropertySetHandle host, const char *name, int version) {
  if (!name) return NULL;
  if (!strcmp(name, kOfxPropertySuite) && version == 1) return &th_prop_suite;
  if (!strcmp(name, kOfxImageEffectSuite) && version == 1) return &th_effect_suite;
  if (!strcmp(name, kOfxParameterSuite) && version == 1) return &th_param_suite;
  if (!strcmp(name, kOfxMemorySuite) && version == 1) return &memory_suite;
  if (!strcmp(name, kOfxMultiThreadSuite) && version == 1) return &multithread_suite;
  if (!strcmp(name, kOfxMessageSuite) && version == 1) return &message_suite_v1;
  if (!strcmp(name, kOfxMessageSuite) && version == 2) return &message_suite_v2;
  if (!strcmp(name, kOfxProgressSuite) && version == 1) return &progress_suite_v1;
  if (!strcmp(name, kOfxProgressSuite) && version == 2) return &progress_suite_v2;
  return NULL;
}

OfxHost th_host = {NULL, fetch_suite};

void host_init(void) {
  OfxPropertySetHandle h = props_new(PS_HOST, NULL);
  static const char *const components[] = {kOfxImageComponentRGBA, kOfxImageComponentRGB, kOfxImageComponentAlpha, NULL};
  static const char *const contexts[] = {kOfxImageEffectContextFilter, kOfxImageEffectContextGeneral,
                                         kOfxImageEffectContextGenerator, NULL};
  static const char *const depths[] = {kOfxBitDepthByte, kOfxBitDepthShort, kOfxBitDepthHalf, kOfxBitDepthFloat, NULL};
  int version[3] = {1, 0, 0}, api[2] = {1, 4}, rows_cols[2] = {0, 0};
  props_def_string(h, kOfxPropType, "OfxTypeImageEffectHost");
  props_def_string(h, kOfxPropName, "dev.worldfx.testhost");
  props_def_string(h, kOfxPropLabel, "WorldFX test host");
  props_def_ints(h, kOfxPropVersion, false, 3, version);
  props_def_string(h, kOfxPropVersionLabel, "1.0");
  props_def_ints(h, kOfxPropAPIVersion, false, 2, api);
  props_def_int(h, kOfxImageEffectHostPropIsBackground, 0);
  props_def_int(h, kOfxImageEffectPropSupportsOverlays, 0);
  props_def_int(h, kOfxImageEffectPropSupportsMultiResolution, 1);
  props_def_int(h, kOfxImageEffectPropSupportsTiles, 1);
  props_def_int(h, kOfxImageEffectPropTemporalClipAccess, 1);
  props_def_string_list(h, kOfxImageEffectPropSupportedComponents, components);
  props_def_string_list(h, kOfxImageEffectPropSupportedContexts, contexts);
  props_def_string_list(h, kOfxImageEffectPropSupportedPixelDepths, depths);
  props_def_int(h, kOfxImageEffectPropSupportsMultipleClipDepths, 0);
  props_def_int(h, "OfxImageEffectPropSupportsMultipleClipPARs", 0);
  props_def_int(h, "OfxImageEffectPropSetableFrameRate", 0);
  props_def_int(h, "OfxImageEffectPropSetableFielding", 0);
  props_def_int(h, kOfxImageEffectInstancePropSequentialRender, 0);
  props_def_int(h, "OfxParamHostPropSupportsCustomInteract", 0);
  props_def_int(h, "OfxParamHostPropSupportsKeyFrames", 0);
  props_def_int(h, "OfxParamHostPropSupportsStringAnimation", 0);
  props_def_int(h, "OfxParamHostPropSupportsCustomAnimation", 0);
  props_def_int(h, "OfxParamHostPropSupportsBooleanAnimation", 0);
  props_def_int(h, "OfxParamHostPropSupportsChoiceAnimation", 0);
  props_def_int(h, "OfxParamHostPropSupportsParametricAnimation", 0);
  props_def_int(h, "OfxParamHostPropMaxParameters", -1);
  props_def_int(h, "OfxParamHostPropMaxPages", 0);
  props_def_ints(h, "OfxParamHostPropPageRowColumnCount", true, 2, rows_cols);
  props_def_int(h, TH_PropRenderQualityDraft, 0);
  props_def_string(h, "OfxImageEffectPropOpenGLRenderSupported", "false");
  props_def_string(h, "OfxImageEffectPropCudaRenderSupported", "false");
  props_def_pointer(h, "OfxPropHostOSHandle", NULL);
  th_host.host = h;
}
