/*
 * Parameter suite V1. Descriptor params are property sets with the spec's defaults
 * already typed (so a plugin that sets an Integer's default as a double gets
 * kOfxStatErrValue, as from a strict host); instance params hold one value each,
 * initialised from kOfxParamPropDefault. No animation: values are the same at every
 * time, key functions answer "no keys" or kOfxStatErrUnsupported.
 */
#include "testhost.h"

#include <float.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PARAM_MAGIC 0x5041524du    /* "PARM" */
#define PARAMSET_MAGIC 0x50534554u /* "PSET" */

typedef enum { VAL_NONE, VAL_INT, VAL_DOUBLE, VAL_RGBA, VAL_STRING } ValueKind;

struct OfxParamStruct {
  uint32_t magic;
  char *name;
  char *type;
  ValueKind kind;
  OfxPropertySetHandle props;
  bool is_instance;
  pthread_mutex_t lock;
  int ival;
  double dval[4];
  char *sval;
};

struct OfxParamSetStruct {
  uint32_t magic;
  OfxPropertySetHandle props;
  pthread_mutex_t lock;
  OfxParamHandle *params;
  int count, cap;
};

static ValueKind kind_of(const char *type) {
  if (!strcmp(type, kOfxParamTypeInteger) || !strcmp(type, kOfxParamTypeBoolean) ||
      !strcmp(type, kOfxParamTypeChoice))
    return VAL_INT;
  if (!strcmp(type, kOfxParamTypeDouble)) return VAL_DOUBLE;
  if (!strcmp(type, kOfxParamTypeRGBA)) return VAL_RGBA;
  if (!strcmp(type, kOfxParamTypeString)) return VAL_STRING;
  return VAL_NONE;
}

static bool type_known(const char *type) {
  static const char *const known[] = {
    kOfxParamTypeInteger, kOfxParamTypeDouble, kOfxParamTypeBoolean, kOfxParamTypeChoice,
    kOfxParamTypeRGBA, kOfxParamTypeString, kOfxParamTypeGroup, kOfxParamTypePage,
    kOfxParamTypePushButton,
  };
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (!strcmp(type, known[i])) return true;
  return false;
}

OfxParamSetHandle paramset_new(void) {
  OfxParamSetHandle s = calloc(1, sizeof *s);
  if (!s) abort();
  s->magic = PARAMSET_MAGIC;
  s->props = props_new(PS_PARAMSET, s);
  props_def_string(s->props, kOfxPropType, "OfxTypeParameterSet");
  pthread_mutex_init(&s->lock, NULL);
  return s;
}

static void param_free(OfxParamHandle p) {
  props_free(p->props);
  free(p->name);
  free(p->type);
  free(p->sval);
  pthread_mutex_destroy(&p->lock);
  p->magic = 0;
  free(p);
}

void paramset_free(OfxParamSetHandle s) {
  if (!s) return;
  for (int i = 0; i < s->count; i++) param_free(s->params[i]);
  free(s->params);
  props_free(s->props);
  pthread_mutex_destroy(&s->lock);
  s->magic = 0;
  free(s);
}

static OfxParamHandle param_alloc(const char *name, const char *type) {
  OfxParamHandle p = calloc(1, sizeof *p);
  if (!p) abort();
  p->magic = PARAM_MAGIC;
  p->name = strdup(name);
  p->type = strdup(type);
  p->kind = kind_of(type);
  p->props = props_new(PS_PARAM, p);
  pthread_mutex_init(&p->lock, NULL);
  return p;
}

static void paramset_add(OfxParamSetHandle s, OfxParamHandle p) {
  if (s->count == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->params = realloc(s->params, (size_t)s->cap * sizeof *s->params);
    if (!s->params) abort();
  }
  s->params[s->count++] = p;
}

/* The spec's descriptor defaults for one param type. */
static void define_defaults(OfxPropertySetHandle ps, const char *name, const char *type) {
  props_def_string(ps, kOfxPropType, "OfxTypeParameter");
  props_def_string(ps, kOfxPropName, name);
  props_def_string(ps, TH_PropParamType, type);
  props_def_string(ps, kOfxPropLabel, name);
  props_def_string(ps, kOfxPropShortLabel, name);
  props_def_string(ps, kOfxPropLongLabel, name);
  props_def_string(ps, kOfxParamPropScriptName, name);
  props_def_string(ps, kOfxParamPropHint, "");
  props_def_string(ps, kOfxParamPropParent, "");
  props_def_int(ps, kOfxParamPropSecret, 0);
  props_def_int(ps, kOfxParamPropEnabled, 1);
  props_def_int(ps, kOfxParamPropEvaluateOnChange, 1);
  props_def_int(ps, kOfxParamPropPersistant, 1);
  props_def_int(ps, "OfxParamPropCanUndo", 1);
  props_def_pointer(ps, "OfxParamPropDataPtr", NULL);
  const char *anim_types[] = {kOfxParamTypeInteger, kOfxParamTypeDouble, kOfxParamTypeRGBA};
  bool animates = false;
  for (int i = 0; i < 3; i++) animates |= !strcmp(type, anim_types[i]);
  props_def_int(ps, kOfxParamPropAnimates, animates);

  if (!strcmp(type, kOfxParamTypeInteger)) {
    props_def_int(ps, kOfxParamPropDefault, 0);
    props_def_int(ps, kOfxParamPropMin, INT_MIN);
    props_def_int(ps, kOfxParamPropMax, INT_MAX);
    props_def_int(ps, kOfxParamPropDisplayMin, INT_MIN);
    props_def_int(ps, kOfxParamPropDisplayMax, INT_MAX);
  } else if (!strcmp(type, kOfxParamTypeDouble)) {
    props_def_double(ps, kOfxParamPropDefault, 0);
    props_def_double(ps, kOfxParamPropMin, -DBL_MAX);
    props_def_double(ps, kOfxParamPropMax, DBL_MAX);
    props_def_double(ps, kOfxParamPropDisplayMin, -DBL_MAX);
    props_def_double(ps, kOfxParamPropDisplayMax, DBL_MAX);
    props_def_double(ps, "OfxParamPropIncrement", 1);
    props_def_int(ps, "OfxParamPropDigits", 2);
    props_def_string(ps, "OfxParamPropDoubleType", "OfxParamDoubleTypePlain");
  } else if (!strcmp(type, kOfxParamTypeBoolean)) {
    props_def_int(ps, kOfxParamPropDefault, 0);
  } else if (!strcmp(type, kOfxParamTypeChoice)) {
    props_def_int(ps, kOfxParamPropDefault, 0);
    props_def_strings(ps, kOfxParamPropChoiceOption, false, 0, NULL);
  } else if (!strcmp(type, kOfxParamTypeRGBA)) {
    static const double zero4[4] = {0, 0, 0, 0}, one4[4] = {1, 1, 1, 1};
    props_def_doubles(ps, kOfxParamPropDefault, true, 4, zero4);
    props_def_doubles(ps, kOfxParamPropDisplayMin, true, 4, zero4);
    props_def_doubles(ps, kOfxParamPropDisplayMax, true, 4, one4);
  } else if (!strcmp(type, kOfxParamTypeString)) {
    props_def_string(ps, kOfxParamPropDefault, "");
    props_def_string(ps, kOfxParamPropStringMode, kOfxParamStringIsSingleLine);
    props_def_int(ps, kOfxParamPropStringFilePathExists, 1);
  } else if (!strcmp(type, kOfxParamTypeGroup)) {
    props_def_int(ps, "OfxParamPropGroupOpen", 1);
  } else if (!strcmp(type, kOfxParamTypePage)) {
    props_def_strings(ps, kOfxParamPropPageChild, false, 0, NULL);
  }
}

/* Loads the instance value from kOfxParamPropDefault. */
static void value_from_default(OfxParamHandle p) {
  switch (p->kind) {
  case VAL_INT: props_int(p->props, kOfxParamPropDefault, 0, &p->ival); break;
  case VAL_DOUBLE: props_double(p->props, kOfxParamPropDefault, 0, &p->dval[0]); break;
  case VAL_RGBA:
    for (int i = 0; i < 4; i++) props_double(p->props, kOfxParamPropDefault, i, &p->dval[i]);
    break;
  case VAL_STRING: {
    const char *s = "";
    props_string(p->props, kOfxParamPropDefault, 0, &s);
    free(p->sval);
    p->sval = strdup(s ? s : "");
    break;
  }
  case VAL_NONE: break;
  }
}

OfxParamSetHandle paramset_instantiate(OfxParamSetHandle desc) {
  OfxParamSetHandle s = paramset_new();
  props_copy(s->props, desc->props);
  pthread_mutex_lock(&desc->lock);
  for (int i = 0; i < desc->count; i++) {
    OfxParamHandle d = desc->params[i];
    OfxParamHandle p = param_alloc(d->name, d->type);
    props_copy(p->props, d->props);
    p->is_instance = true;
    value_from_default(p);
    paramset_add(s, p);
  }
  pthread_mutex_unlock(&desc->lock);
  return s;
}

OfxPropertySetHandle paramset_props(OfxParamSetHandle s) { return s->props; }
int paramset_count(OfxParamSetHandle s) { return s->count; }
OfxParamHandle paramset_at(OfxParamSetHandle s, int i) { return s->params[i]; }
const char *param_name(OfxParamHandle p) { return p->name; }
const char *param_type(OfxParamHandle p) { return p->type; }
OfxPropertySetHandle param_props(OfxParamHandle p) { return p->props; }

OfxParamHandle paramset_find(OfxParamSetHandle s, const char *name) {
  OfxParamHandle found = NULL;
  pthread_mutex_lock(&s->lock);
  for (int i = 0; i < s->count && !found; i++)
    if (!strcmp(s->params[i]->name, name)) found = s->params[i];
  pthread_mutex_unlock(&s->lock);
  return found;
}

static bool set_ok(OfxParamSetHandle s) { return s && s->magic == PARAMSET_MAGIC; }
static bool param_ok(OfxParamHandle p) { return p && p->magic == PARAM_MAGIC; }

/* ---- the suite */

bool th_refuse_layout_params;

static OfxStatus param_define(OfxParamSetHandle s, const char *type, const char *name,
                              OfxPropertySetHandle *props) {
  if (!set_ok(s)) return kOfxStatErrBadHandle;
  if (!type || !name) return kOfxStatErrValue;
  if (!type_known(type)) return kOfxStatErrUnknown;
  if (th_refuse_layout_params && (!strcmp(type, kOfxParamTypeGroup) || !strcmp(type, kOfxParamTypePage) ||
                                  !strcmp(type, kOfxParamTypePushButton)))
    return kOfxStatErrUnsupported;
  pthread_mutex_lock(&s->lock);
  OfxStatus st = kOfxStatOK;
  for (int i = 0; i < s->count; i++)
    if (!strcmp(s->params[i]->name, name)) st = kOfxStatErrExists;
  if (st == kOfxStatOK) {
    OfxParamHandle p = param_alloc(name, type);
    define_defaults(p->props, name, type);
    paramset_add(s, p);
    if (props) *props = p->props;
  }
  pthread_mutex_unlock(&s->lock);
  return st;
}

static OfxStatus param_get_handle(OfxParamSetHandle s, const char *name, OfxParamHandle *param,
                                  OfxPropertySetHandle *props) {
  if (!set_ok(s)) return kOfxStatErrBadHandle;
  if (!name || !param) return kOfxStatErrValue;
  OfxParamHandle p = paramset_find(s, name);
  if (!p) return kOfxStatErrUnknown;
  *param = p;
  if (props) *props = p->props;
  return kOfxStatOK;
}

static OfxStatus paramset_get_props(OfxParamSetHandle s, OfxPropertySetHandle *props) {
  if (!set_ok(s)) return kOfxStatErrBadHandle;
  if (!props) return kOfxStatErrValue;
  *props = s->props;
  return kOfxStatOK;
}

static OfxStatus param_get_props(OfxParamHandle p, OfxPropertySetHandle *props) {
  if (!param_ok(p)) return kOfxStatErrBadHandle;
  if (!props) return kOfxStatErrValue;
  *props = p->props;
  return kOfxStatOK;
}

/* Reads the value into the variadic out pointers the spec gives per type. A descriptor
 * param has no value of its own: it answers its current default. */
static OfxStatus get_value_v(OfxParamHandle p, va_list ap) {
  if (!param_ok(p)) return kOfxStatErrBadHandle;
  if (p->kind == VAL_NONE) return kOfxStatErrUnsupported;
  pthread_mutex_lock(&p->lock);
  if (!p->is_instance) value_from_default(p);
  OfxStatus st = kOfxStatOK;
  switch (p->kind) {
  case VAL_INT: {
    int *v = va_arg(ap, int *);
    if (v) *v = p->ival; else st = kOfxStatErrValue;
    break;
  }
  case VAL_DOUBLE: {
    double *v = va_arg(ap, double *);
    if (v) *v = p->dval[0]; else st = kOfxStatErrValue;
    break;
  }
  case VAL_RGBA:
    for (int i = 0; i < 4; i++) {
      double *v = va_arg(ap, double *);
      if (v) *v = p->dval[i]; else st = kOfxStatErrValue;
    }
    break;
  case VAL_STRING: {
    /* Points into the param; valid until the value changes, as in real hosts. */
    char **v = va_arg(ap, char **);
    if (v) *v = p->sval; else st = kOfxStatErrValue;
    break;
  }
  case VAL_NONE: break;
  }
  pthread_mutex_unlock(&p->lock);
  return st;
}

static OfxStatus param_get_value(OfxParamHandle p, ...) {
  va_list ap;
  va_start(ap, p);
  OfxStatus st = get_value_v(p, ap);
  va_end(ap);
  return st;
}

static OfxStatus param_get_value_at_time(OfxParamHandle p, OfxTime t, ...) {
  va_list ap;
  va_start(ap, t);
  OfxStatus st = get_value_v(p, ap);
  va_end(ap);
  return st;
}

atomic_int th_renders_in_flight;
__thread bool th_host_writing;
static atomic_int plugin_sets, plugin_sets_in_render;

int param_plugin_sets(void) { return atomic_load(&plugin_sets); }
int param_plugin_sets_in_render(void) { return atomic_load(&plugin_sets_in_render); }

static OfxStatus set_value_v(OfxParamHandle p, va_list ap) {
  if (!param_ok(p)) return kOfxStatErrBadHandle;
  if (!th_host_writing) {
    atomic_fetch_add(&plugin_sets, 1);
    if (atomic_load(&th_renders_in_flight) > 0) atomic_fetch_add(&plugin_sets_in_render, 1);
  }
  if (p->kind == VAL_NONE) return kOfxStatErrUnsupported;
  pthread_mutex_lock(&p->lock);
  switch (p->kind) {
  case VAL_INT: p->ival = va_arg(ap, int); break;
  case VAL_DOUBLE: p->dval[0] = va_arg(ap, double); break;
  case VAL_RGBA:
    for (int i = 0; i < 4; i++) p->dval[i] = va_arg(ap, double);
    break;
  case VAL_STRING: {
    const char *v = va_arg(ap, const char *);
    free(p->sval);
    p->sval = strdup(v ? v : "");
    break;
  }
  case VAL_NONE: break;
  }
  pthread_mutex_unlock(&p->lock);
  return kOfxStatOK;
}

static OfxStatus param_set_value(OfxParamHandle p, ...) {
  va_list ap;
  va_start(ap, p);
  OfxStatus st = set_value_v(p, ap);
  va_end(ap);
  return st;
}

/* Without animation a value at a time is the value. */
static OfxStatus param_set_value_at_time(OfxParamHandle p, OfxTime t, ...) {
  va_list ap;
  va_start(ap, t);
  OfxStatus st = set_value_v(p, ap);
  va_end(ap);
  return st;
}

static OfxStatus param_get_derivative(OfxParamHandle p, OfxTime t, ...) {
  return param_ok(p) ? kOfxStatErrUnsupported : kOfxStatErrBadHandle;
}

static OfxStatus param_get_integral(OfxParamHandle p, OfxTime t1, OfxTime t2, ...) {
  return param_ok(p) ? kOfxStatErrUnsupported : kOfxStatErrBadHandle;
}

static OfxStatus param_get_num_keys(OfxParamHandle p, unsigned int *n) {
  if (!param_ok(p)) return kOfxStatErrBadHandle;
  if (!n) return kOfxStatErrValue;
  *n = 0;
  return kOfxStatOK;
}

static OfxStatus param_get_key_time(OfxParamHandle p, unsigned int nth, OfxTime *t) {
  return param_ok(p) ? kOfxStatErrBadIndex : kOfxStatErrBadHandle;
}

static OfxStatus param_get_key_index(OfxParamHandle p, OfxTime t, int dir, int *index) {
  return param_ok(p) ? kOfxStatFailed : kOfxStatErrBadHandle;
}

static OfxStatus param_delete_key(OfxParamHandle p, OfxTime t) {
  return param_ok(p) ? kOfxStatErrBadIndex : kOfxStatErrBadHandle;
}

static OfxStatus param_delete_all_keys(OfxParamHandle p) {
  return param_ok(p) ? kOfxStatOK : kOfxStatErrBadHandle;
}

static OfxStatus param_copy(OfxParamHandle to, OfxParamHandle from, OfxTime offset, const OfxRangeD *range) {
  return param_ok(to) && param_ok(from) ? kOfxStatErrUnsupported : kOfxStatErrBadHandle;
}

static OfxStatus param_edit_begin(OfxParamSetHandle s, const char *name) {
  return set_ok(s) ? kOfxStatOK : kOfxStatErrBadHandle;
}

static OfxStatus param_edit_end(OfxParamSetHandle s) {
  return set_ok(s) ? kOfxStatOK : kOfxStatErrBadHandle;
}

const OfxParameterSuiteV1 th_param_suite = {
  param_define, param_get_handle, paramset_get_props, param_get_props,
  param_get_value, param_get_value_at_time, param_get_derivative, param_get_integral,
  param_set_value, param_set_value_at_time, param_get_num_keys, param_get_key_time,
  param_get_key_index, param_delete_key, param_delete_all_keys, param_copy,
  param_edit_begin, param_edit_end,
};
