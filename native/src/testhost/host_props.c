/*
 * The property store and Property suite V1: typed, dimensioned, string-keyed values,
 * one mutex per set because plugins read and write them from several threads.
 *
 * Strictness is the point of a CI host: getting an unset property is kOfxStatErrUnknown,
 * a wrong type kOfxStatErrValue, an index past the dimension kOfxStatErrBadIndex, a NULL
 * handle kOfxStatErrBadHandle. A plugin may create properties by setting them (hosts
 * differ there; the checks read them back by name and type).
 */
#include "testhost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROPS_MAGIC 0x50524f50u /* "PROP" */

typedef struct Prop {
  char *name;
  PropType type;
  int dim;
  bool fixed_dim;
  union {
    int *i;
    double *d;
    char **s;
    void **p;
  } v;
} Prop;

struct OfxPropertySetStruct {
  uint32_t magic;
  PropSetKind kind;
  void *owner;
  pthread_mutex_t lock;
  Prop *props;
  int count, cap;
};

static void prop_clear_values(Prop *p) {
  if (p->type == PROP_STRING)
    for (int i = 0; i < p->dim; i++) free(p->v.s[i]);
  free(p->v.i); /* any member: same pointer */
  p->v.i = NULL;
  p->dim = 0;
}

static size_t type_size(PropType t) {
  switch (t) {
  case PROP_INT: return sizeof(int);
  case PROP_DOUBLE: return sizeof(double);
  case PROP_STRING: return sizeof(char *);
  default: return sizeof(void *);
  }
}

/* Grows (zero-filled, strings "") or shrinks the value array to dim. */
static void prop_resize(Prop *p, int dim) {
  if (dim == p->dim) return;
  if (p->type == PROP_STRING)
    for (int i = dim; i < p->dim; i++) free(p->v.s[i]);
  size_t sz = type_size(p->type);
  void *nv = realloc(p->v.i, (size_t)(dim > 0 ? dim : 1) * sz);
  if (!nv) abort();
  p->v.i = nv;
  if (dim > p->dim) {
    memset((char *)nv + (size_t)p->dim * sz, 0, (size_t)(dim - p->dim) * sz);
    if (p->type == PROP_STRING)
      for (int i = p->dim; i < dim; i++) p->v.s[i] = strdup("");
  }
  p->dim = dim;
}

static Prop *find(OfxPropertySetHandle set, const char *name) {
  for (int i = 0; i < set->count; i++)
    if (strcmp(set->props[i].name, name) == 0) return &set->props[i];
  return NULL;
}

static Prop *add(OfxPropertySetHandle set, const char *name, PropType type) {
  if (set->count == set->cap) {
    set->cap = set->cap ? set->cap * 2 : 16;
    set->props = realloc(set->props, (size_t)set->cap * sizeof(Prop));
    if (!set->props) abort();
  }
  Prop *p = &set->props[set->count++];
  memset(p, 0, sizeof *p);
  p->name = strdup(name);
  p->type = type;
  return p;
}

/* The property to write, created (variable dimension) or retyped by host definitions. */
static Prop *find_or_add(OfxPropertySetHandle set, const char *name, PropType type) {
  Prop *p = find(set, name);
  if (!p) return add(set, name, type);
  if (p->type != type) {
    prop_clear_values(p);
    p->type = type;
  }
  return p;
}

OfxPropertySetHandle props_new(PropSetKind kind, void *owner) {
  OfxPropertySetHandle s = calloc(1, sizeof *s);
  if (!s) abort();
  s->magic = PROPS_MAGIC;
  s->kind = kind;
  s->owner = owner;
  pthread_mutex_init(&s->lock, NULL);
  return s;
}

void props_free(OfxPropertySetHandle s) {
  if (!s) return;
  for (int i = 0; i < s->count; i++) {
    prop_clear_values(&s->props[i]);
    free(s->props[i].name);
  }
  free(s->props);
  pthread_mutex_destroy(&s->lock);
  s->magic = 0; /* a later use by the plugin then reads as a bad handle, not as data */
  free(s);
}

bool props_valid(OfxPropertySetHandle s, PropSetKind kind) {
  return s && s->magic == PROPS_MAGIC && s->kind == kind;
}

void *props_owner(OfxPropertySetHandle s) { return s ? s->owner : NULL; }

static void copy_values(Prop *dst, const Prop *src) {
  prop_resize(dst, src->dim);
  for (int i = 0; i < src->dim; i++) {
    switch (src->type) {
    case PROP_INT: dst->v.i[i] = src->v.i[i]; break;
    case PROP_DOUBLE: dst->v.d[i] = src->v.d[i]; break;
    case PROP_POINTER: dst->v.p[i] = src->v.p[i]; break;
    case PROP_STRING:
      free(dst->v.s[i]);
      dst->v.s[i] = strdup(src->v.s[i]);
      break;
    }
  }
}

void props_copy(OfxPropertySetHandle dst, OfxPropertySetHandle src) {
  pthread_mutex_lock(&src->lock);
  pthread_mutex_lock(&dst->lock);
  for (int i = 0; i < src->count; i++) {
    const Prop *sp = &src->props[i];
    Prop *dp = find_or_add(dst, sp->name, sp->type);
    dp->fixed_dim = sp->fixed_dim;
    copy_values(dp, sp);
  }
  pthread_mutex_unlock(&dst->lock);
  pthread_mutex_unlock(&src->lock);
}

/* ---- host-side definitions */

static Prop *def_begin(OfxPropertySetHandle s, const char *name, PropType t, bool fixed, int n) {
  pthread_mutex_lock(&s->lock);
  Prop *p = find_or_add(s, name, t);
  p->fixed_dim = fixed;
  prop_resize(p, n);
  return p;
}

void props_def_ints(OfxPropertySetHandle s, const char *name, bool fixed, int n, const int *v) {
  Prop *p = def_begin(s, name, PROP_INT, fixed, n);
  memcpy(p->v.i, v, (size_t)n * sizeof(int));
  pthread_mutex_unlock(&s->lock);
}

void props_def_doubles(OfxPropertySetHandle s, const char *name, bool fixed, int n, const double *v) {
  Prop *p = def_begin(s, name, PROP_DOUBLE, fixed, n);
  memcpy(p->v.d, v, (size_t)n * sizeof(double));
  pthread_mutex_unlock(&s->lock);
}

void props_def_strings(OfxPropertySetHandle s, const char *name, bool fixed, int n, const char *const *v) {
  Prop *p = def_begin(s, name, PROP_STRING, fixed, n);
  for (int i = 0; i < n; i++) {
    free(p->v.s[i]);
    p->v.s[i] = strdup(v[i]);
  }
  pthread_mutex_unlock(&s->lock);
}

void props_def_int(OfxPropertySetHandle s, const char *name, int v) { props_def_ints(s, name, true, 1, &v); }
void props_def_double(OfxPropertySetHandle s, const char *name, double v) { props_def_doubles(s, name, true, 1, &v); }
void props_def_string(OfxPropertySetHandle s, const char *name, const char *v) { props_def_strings(s, name, true, 1, &v); }

void props_def_pointer(OfxPropertySetHandle s, const char *name, void *v) {
  Prop *p = def_begin(s, name, PROP_POINTER, true, 1);
  p->v.p[0] = v;
  pthread_mutex_unlock(&s->lock);
}

void props_def_string_list(OfxPropertySetHandle s, const char *name, const char *const *list) {
  int n = 0;
  while (list[n]) n++;
  props_def_strings(s, name, false, n, list);
}

/* ---- the suite */

#define CHECK_SET(h)                                              \
  do {                                                            \
    if (!(h) || (h)->magic != PROPS_MAGIC) return kOfxStatErrBadHandle; \
    if (!name) return kOfxStatErrUnknown;                         \
  } while (0)

/* Finds the property for a single-value write at index; creates it when the plugin
 * sets a property the host did not define. Called with the lock held. */
static OfxStatus writable(OfxPropertySetHandle h, const char *name, PropType t, int index, int count,
                          Prop **out) {
  if (index < 0 || count < 0) return kOfxStatErrBadIndex;
  Prop *p = find(h, name);
  if (!p) p = add(h, name, t);
  if (p->type != t) return kOfxStatErrValue;
  int need = index + count;
  if (need > p->dim) {
    if (p->fixed_dim) return kOfxStatErrBadIndex;
    prop_resize(p, need);
  }
  *out = p;
  return kOfxStatOK;
}

#define DEFINE_SET(fn, T, CT, member, assign)                                  \
  static OfxStatus fn(OfxPropertySetHandle h, const char *name, int index, CT value) { \
    CHECK_SET(h);                                                            \
    pthread_mutex_lock(&h->lock);                                            \
    Prop *p;                                                                 \
    OfxStatus st = writable(h, name, T, index, 1, &p);                       \
    if (st == kOfxStatOK) { assign(p->v.member[index], value); }             \
    pthread_mutex_unlock(&h->lock);                                          \
    return st;                                                               \
  }

#define ASSIGN_PLAIN(dst, src) ((dst) = (src))
#define ASSIGN_STRING(dst, src) (free(dst), (dst) = strdup((src) ? (src) : ""))

DEFINE_SET(set_pointer, PROP_POINTER, void *, p, ASSIGN_PLAIN)
DEFINE_SET(set_string, PROP_STRING, const char *, s, ASSIGN_STRING)
DEFINE_SET(set_double, PROP_DOUBLE, double, d, ASSIGN_PLAIN)
DEFINE_SET(set_int, PROP_INT, int, i, ASSIGN_PLAIN)

/* setN writes the first count values; a variable-dimension property then has exactly
 * count values (a list such as SupportedContexts is replaced, not merged). */
#define DEFINE_SETN(fn, T, CT, member, assign)                                         \
  static OfxStatus fn(OfxPropertySetHandle h, const char *name, int count, CT values) { \
    CHECK_SET(h);                                                                    \
    if (count > 0 && !values) return kOfxStatErrValue;                              \
    pthread_mutex_lock(&h->lock);                                                    \
    Prop *p;                                                                         \
    OfxStatus st = writable(h, name, T, 0, count, &p);                               \
    if (st == kOfxStatOK) {                                                          \
      if (!p->fixed_dim) prop_resize(p, count);                                      \
      for (int i = 0; i < count; i++) assign(p->v.member[i], values[i]);             \
    }                                                                                \
    pthread_mutex_unlock(&h->lock);                                                  \
    return st;                                                                       \
  }

DEFINE_SETN(set_pointer_n, PROP_POINTER, void *const *, p, ASSIGN_PLAIN)
DEFINE_SETN(set_string_n, PROP_STRING, const char *const *, s, ASSIGN_STRING)
DEFINE_SETN(set_double_n, PROP_DOUBLE, const double *, d, ASSIGN_PLAIN)
DEFINE_SETN(set_int_n, PROP_INT, const int *, i, ASSIGN_PLAIN)

static OfxStatus readable(OfxPropertySetHandle h, const char *name, PropType t, int first, int count,
                          Prop **out) {
  Prop *p = find(h, name);
  if (!p) return kOfxStatErrUnknown;
  if (p->type != t) return kOfxStatErrValue;
  if (first < 0 || count < 0 || first + count > p->dim) return kOfxStatErrBadIndex;
  *out = p;
  return kOfxStatOK;
}

#define DEFINE_GET(fn, T, CT, member)                                         \
  static OfxStatus fn(OfxPropertySetHandle h, const char *name, int index, CT *value) { \
    CHECK_SET(h);                                                           \
    if (!value) return kOfxStatErrValue;                                    \
    pthread_mutex_lock(&h->lock);                                           \
    Prop *p;                                                                \
    OfxStatus st = readable(h, name, T, index, 1, &p);                      \
    if (st == kOfxStatOK) *value = p->v.member[index];                      \
    pthread_mutex_unlock(&h->lock);                                         \
    return st;                                                              \
  }

DEFINE_GET(get_pointer, PROP_POINTER, void *, p)
DEFINE_GET(get_string, PROP_STRING, char *, s)
DEFINE_GET(get_double, PROP_DOUBLE, double, d)
DEFINE_GET(get_int, PROP_INT, int, i)

#define DEFINE_GETN(fn, T, CT, member)                                          \
  static OfxStatus fn(OfxPropertySetHandle h, const char *name, int count, CT *values) { \
    CHECK_SET(h);                                                             \
    if (count > 0 && !values) return kOfxStatErrValue;                        \
    pthread_mutex_lock(&h->lock);                                             \
    Prop *p;                                                                  \
    OfxStatus st = readable(h, name, T, 0, count, &p);                        \
    if (st == kOfxStatOK)                                                     \
      for (int i = 0; i < count; i++) values[i] = p->v.member[i];             \
    pthread_mutex_unlock(&h->lock);                                           \
    return st;                                                                \
  }

DEFINE_GETN(get_pointer_n, PROP_POINTER, void *, p)
DEFINE_GETN(get_string_n, PROP_STRING, char *, s)
DEFINE_GETN(get_double_n, PROP_DOUBLE, double, d)
DEFINE_GETN(get_int_n, PROP_INT, int, i)

/* Reset: back to zero values (the host's defaults are not kept per property). */
static OfxStatus reset(OfxPropertySetHandle h, const char *name) {
  CHECK_SET(h);
  pthread_mutex_lock(&h->lock);
  Prop *p = find(h, name);
  OfxStatus st = kOfxStatErrUnknown;
  if (p) {
    int dim = p->dim;
    prop_resize(p, 0);
    prop_resize(p, dim);
    st = kOfxStatOK;
  }
  pthread_mutex_unlock(&h->lock);
  return st;
}

static OfxStatus get_dimension(OfxPropertySetHandle h, const char *name, int *count) {
  CHECK_SET(h);
  if (!count) return kOfxStatErrValue;
  pthread_mutex_lock(&h->lock);
  Prop *p = find(h, name);
  OfxStatus st = p ? kOfxStatOK : kOfxStatErrUnknown;
  if (p) *count = p->dim;
  pthread_mutex_unlock(&h->lock);
  return st;
}

/* The suite the plugin gets: the same functions, with every error it is answered noted
 * so --verbose can show which properties a plugin asked for and did not get. */
typedef struct PropError {
  char name[96];
  char call[24];
  OfxStatus status;
  int count;
} PropError;

static pthread_mutex_t errors_lock = PTHREAD_MUTEX_INITIALIZER;
static PropError errors[64];
static int nerrors;

static OfxStatus noted(const char *call, const char *name, OfxStatus st) {
  if (st == kOfxStatOK) return st;
  pthread_mutex_lock(&errors_lock);
  int i = 0;
  while (i < nerrors && !(errors[i].status == st && !strcmp(errors[i].call, call) &&
                          !strncmp(errors[i].name, name ? name : "(null)", sizeof errors[i].name - 1)))
    i++;
  if (i == nerrors && nerrors < (int)(sizeof errors / sizeof *errors)) {
    snprintf(errors[i].name, sizeof errors[i].name, "%s", name ? name : "(null)");
    snprintf(errors[i].call, sizeof errors[i].call, "%s", call);
    errors[i].status = st;
    nerrors++;
  }
  if (i < nerrors) errors[i].count++;
  pthread_mutex_unlock(&errors_lock);
  return st;
}

void props_print_plugin_errors(FILE *f) {
  pthread_mutex_lock(&errors_lock);
  for (int i = 0; i < nerrors; i++)
    fprintf(f, "[property] plugin %s(\"%s\") -> %s, %d time(s)\n", errors[i].call, errors[i].name,
            status_name(errors[i].status), errors[i].count);
  pthread_mutex_unlock(&errors_lock);
}

#define PLUGIN_FACING(fn, CT)                                                        \
  static OfxStatus plugin_##fn(OfxPropertySetHandle h, const char *name, int i, CT v) { \
    return noted(#fn, name, fn(h, name, i, v));                                      \
  }

PLUGIN_FACING(set_pointer, void *)
PLUGIN_FACING(set_string, const char *)
PLUGIN_FACING(set_double, double)
PLUGIN_FACING(set_int, int)
PLUGIN_FACING(set_pointer_n, void *const *)
PLUGIN_FACING(set_string_n, const char *const *)
PLUGIN_FACING(set_double_n, const double *)
PLUGIN_FACING(set_int_n, const int *)
PLUGIN_FACING(get_pointer, void **)
PLUGIN_FACING(get_string, char **)
PLUGIN_FACING(get_double, double *)
PLUGIN_FACING(get_int, int *)
PLUGIN_FACING(get_pointer_n, void **)
PLUGIN_FACING(get_string_n, char **)
PLUGIN_FACING(get_double_n, double *)
PLUGIN_FACING(get_int_n, int *)

static OfxStatus plugin_reset(OfxPropertySetHandle h, const char *name) { return noted("reset", name, reset(h, name)); }

static OfxStatus plugin_get_dimension(OfxPropertySetHandle h, const char *name, int *count) {
  return noted("get_dimension", name, get_dimension(h, name, count));
}

const OfxPropertySuiteV1 th_prop_suite = {
  plugin_set_pointer, plugin_set_string, plugin_set_double, plugin_set_int,
  plugin_set_pointer_n, plugin_set_string_n, plugin_set_double_n, plugin_set_int_n,
  plugin_get_pointer, plugin_get_string, plugin_get_double, plugin_get_int,
  plugin_get_pointer_n, plugin_get_string_n, plugin_get_double_n, plugin_get_int_n,
  plugin_reset, plugin_get_dimension,
};

/* ---- host-side reads */

OfxStatus props_int(OfxPropertySetHandle s, const char *name, int index, int *v) {
  return get_int(s, name, index, v);
}

OfxStatus props_double(OfxPropertySetHandle s, const char *name, int index, double *v) {
  return get_double(s, name, index, v);
}

OfxStatus props_string(OfxPropertySetHandle s, const char *name, int index, const char **v) {
  char *tmp = NULL;
  OfxStatus st = get_string(s, name, index, &tmp);
  *v = tmp;
  return st;
}

int props_dim(OfxPropertySetHandle s, const char *name) {
  int d = -1;
  return get_dimension(s, name, &d) == kOfxStatOK ? d : -1;
}

bool props_has_string(OfxPropertySetHandle s, const char *name, const char *value) {
  int n = props_dim(s, name);
  for (int i = 0; i < n; i++) {
    const char *v;
    if (props_string(s, name, i, &v) == kOfxStatOK && strcmp(v, value) == 0) return true;
  }
  return false;
}
