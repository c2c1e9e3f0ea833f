/*
 * Render checks: every plugin/context at 8-bit, 16-bit and float against the contract's
 * formulas; negative rowBytes, offset bounds and padded rows; render windows; several
 * threads at once; abort. Each render uses a fresh instance (a fixture), as MLT does
 * per frame, so one broken render cannot leak state into the next check.
 */
#include "testhost.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const Depth render_depths[] = {DEPTH_BYTE, DEPTH_SHORT, DEPTH_FLOAT};
#define NDEPTHS 3

RenderSpec render_spec_default(PluginKind plugin, ContextKind ctx, Depth d) {
  RenderSpec s;
  memset(&s, 0, sizeof s);
  s.plugin = plugin;
  s.context = ctx;
  s.depth = d;
  /* Odd sizes so no row or image length is a multiple of a vector width. */
  s.out_bounds = s.src_bounds = s.mask_bounds = s.window = rect(0, 0, 37, 23);
  s.src_ncomp = 4;
  s.time = 4;
  s.nframes = 10;
  s.matte_source = -1;
  s.mask_ncomp = plugin == PLUGIN_INPAINT && ctx == CTX_GENERAL ? 1 : 0;
  s.variation = -1;
  s.frames_to_add = -1;
  s.pattern = 1000u + (uint32_t)plugin * 100u + (uint32_t)ctx * 10u + (uint32_t)d;
  return s;
}

static bool has_source(const RenderSpec *s) { return !(s->plugin == PLUGIN_GENERATE && s->context == CTX_GENERATOR); }

/* The contract's default where the spec leaves a param alone. */
static int matte_source_of(const RenderSpec *s) {
  if (s->matte_source >= 0) return s->matte_source;
  return s->context == CTX_GENERAL ? MATTE_MASK_CLIP : MATTE_SOURCE_ALPHA;
}

void append_plugin_message(OfxImageEffectHandle inst, char *why, size_t n) {
  MessageRecord r;
  size_t len = strlen(why);
  if (!messages_for(inst, &r) || len + 1 >= n) return;
  if (r.persistent)
    snprintf(why + len, n - len, " [persistent message: %s]", r.persistent_text);
  else if (r.posted)
    snprintf(why + len, n - len, " [message: %s]", r.last_text);
}

static bool set_params(const RenderSpec *s, OfxImageEffectHandle inst, char *why, size_t n) {
  typedef struct { const char *name; OfxStatus st; } ParamWrite;
  ParamWrite r[4];
  int k = 0;
  if (s->plugin == PLUGIN_INPAINT && s->matte_source >= 0)
    r[k++] = (ParamWrite){"matteSource", instance_set_int(inst, "matteSource", s->matte_source)};
  r[k++] = (ParamWrite){"seed", instance_set_int(inst, "seed", s->seed)};
  if (s->plugin == PLUGIN_GENERATE && s->variation >= 0)
    r[k++] = (ParamWrite){"variation", instance_set_double(inst, "variation", s->variation)};
  if (s->plugin == PLUGIN_EXTEND) {
    r[k++] = (ParamWrite){"direction", instance_set_int(inst, "direction", s->direction)};
    if (s->frames_to_add >= 0)
      r[k++] = (ParamWrite){"framesToAdd", instance_set_int(inst, "framesToAdd", s->frames_to_add)};
  }
  for (int i = 0; i < k; i++)
    if (r[i].st != kOfxStatOK) {
      snprintf(why, n, "setting param %s: %s (not defined?)", r[i].name, status_name(r[i].st));
      return false;
    }
  return true;
}

bool fixture_setup(Bundle *b, const RenderSpec *s, Fixture *f, char *why, size_t n) {
  memset(f, 0, sizeof *f);
  f->spec = *s;
  f->plugin = bundle_plugin(b, s->plugin);
  if (!f->plugin) {
    snprintf(why, n, "plugin %s not in the bundle", plugin_ids[s->plugin]);
    return false;
  }
  if (!f->plugin->ctx_desc[s->context]) {
    snprintf(why, n, "no %s descriptor (DescribeInContext returned %s)", context_short[s->context],
             status_name(f->plugin->ctx_status[s->context]));
    return false;
  }
  OfxStatus st = instance_create(f->plugin, s->context, &f->inst);
  if (st != kOfxStatOK) {
    snprintf(why, n, "CreateInstance returned %s", status_name(st));
    return false;
  }
  if (!set_params(s, f->inst, why, n)) return false;

  int nframes = s->nframes < 1 ? 1 : s->nframes > MAX_FRAMES ? MAX_FRAMES : s->nframes;
  int first = s->first_frame;
  instance_set_frame_range(f->inst, first, first + nframes - 1);
  OfxImageClipHandle src = effect_clip(f->inst, kOfxImageEffectSimpleSourceClipName);
  if (has_source(s)) {
    if (!src) {
      snprintf(why, n, "the instance has no Source clip");
      return false;
    }
    f->nframes = nframes;
    for (int i = 0; i < nframes; i++) {
      f->frames[i] = image_new(s->depth, s->src_ncomp, s->src_bounds, s->src_bottom_up, s->src_pad);
      /* Each frame differs, so a plugin fetching the wrong time is caught. */
      image_fill_pattern(f->frames[i], PATTERN_COLOUR, s->pattern + 7919u * (uint32_t)i);
    }
    clip_set_frames(src, f->frames, nframes, first);
  } else if (src) {
    clip_disconnect(src);
  }
  OfxImageClipHandle mask = effect_clip(f->inst, "Mask");
  if (mask) {
    if (s->mask_ncomp) {
      f->mask = image_new(s->depth, s->mask_ncomp, s->mask_bounds, s->mask_bottom_up, 0);
      image_fill_pattern(f->mask, PATTERN_MATTE, s->pattern ^ 0x5a5a5a5au);
      clip_set_any_time(mask, f->mask);
    } else {
      clip_disconnect(mask);
    }
  }
  OfxImageClipHandle out = effect_clip(f->inst, kOfxImageEffectOutputClipName);
  if (!out) {
    snprintf(why, n, "the instance has no Output clip");
    return false;
  }
  clip_set_format(out, s->depth, 4);
  double range[2] = {first, first + nframes - 1};
  props_def_doubles(out->props, kOfxImageEffectPropFrameRange, true, 2, range);
  return instance_prepare_render(f->inst, s->time, s->window, why, n);
}

Image *fixture_output(const Fixture *f, Depth d, int ncomp) {
  Image *out = image_new(d, ncomp, f->spec.out_bounds, f->spec.out_bottom_up, f->spec.out_pad);
  image_fill_sentinel(out);
  return out;
}

/* The source frame a render at t must show: ExtendShot the one at clamp(t, s0, s1) (outside the range the
 * nearest, whose alpha its prediction keeps); the others
 * use the frame at t. */
static const Image *frame_for(const Fixture *f, double t) {
  if (f->nframes == 0) return NULL;
  int i = (int)floor(t) - f->spec.first_frame;
  if (i < 0) i = 0;
  if (i >= f->nframes) i = f->nframes - 1;
  return f->frames[i];
}

bool fixture_check_output(const Fixture *f, const Image *out, double t, OfxRectI window, char *why, size_t n) {
  const RenderSpec *s = &f->spec;
  Expectation e = {
    .plugin = s->plugin,
    .context = s->context,
    .source = frame_for(f, t),
    .mask = f->mask,
    .matte_source = matte_source_of(s),
    .seed = (uint32_t)s->seed,
    .variation = (float)(s->variation >= 0 ? s->variation : 0.25),
    .time = t,
    .predicted = s->plugin == PLUGIN_EXTEND && f->nframes > 0
        && (floor(t) < s->first_frame || floor(t) > s->first_frame + f->nframes - 1),
  };
  if (image_matches_contract(out, window, &e, why, n)) return true;
  OfxImageClipHandle src = effect_clip(f->inst, kOfxImageEffectSimpleSourceClipName);
  if (src && src->bad_fetches) {
    size_t len = strlen(why);
    snprintf(why + len, n - len, " (the plugin asked for Source at t=%g, which has no frame)", src->last_bad_time);
  }
  return false;
}

void fixture_teardown(Fixture *f) {
  if (f->inst) instance_destroy(f->inst);
  for (int i = 0; i < f->nframes; i++) image_free(f->frames[i]);
  image_free(f->mask);
  memset(f, 0, sizeof *f);
}

/* Every image the plugin fetched must have been released by the end of the render. */
static bool images_released(const Fixture *f, char *why, size_t n) {
  for (int i = 0; i < f->inst->nclips; i++) {
    int k = clip_outstanding(f->inst->clips[i]);
    if (k) {
      snprintf(why, n, "%d image(s) of clip %s fetched and never released", k, f->inst->clips[i]->name);
      return false;
    }
  }
  return true;
}

/* One Begin/Render/End at t over the spec's window into a fresh output, checked: status
 * OK, every fetched image released, pixels per the contract. keep: hand the output back. */
static bool render_checked(Fixture *f, double t, char *why, size_t n, Image **keep) {
  Image *out = fixture_output(f, f->spec.depth, 4);
  OfxStatus st = instance_render_sequence(f->inst, t, f->spec.window, out);
  bool ok = st == kOfxStatOK;
  if (!ok) {
    snprintf(why, n, "Render returned %s", status_name(st));
    append_plugin_message(f->inst, why, n);
  }
  ok = ok && images_released(f, why, n) && fixture_check_output(f, out, t, f->spec.window, why, n);
  if (keep && ok) *keep = out;
  else image_free(out);
  return ok;
}

bool render_spec_run(Bundle *b, const RenderSpec *s, char *why, size_t n, Image **keep) {
  Fixture f;
  bool ok = fixture_setup(b, s, &f, why, n) && render_checked(&f, s->time, why, n, keep);
  fixture_teardown(&f);
  return ok;
}

static void run_spec_check(Bundle *b, const char *name, const RenderSpec *s) {
  if (!check_wanted(name)) return;
  char why[1024] = "";
  check_report(name, render_spec_run(b, s, why, sizeof why, NULL), why);
}

/* ------------------------------------------------------------ 4. render */

/* One row per render configuration of check 4. matte -1 and variation -1 leave the
 * param at its default; first is the first source frame (range first..first+9). */
typedef struct RenderVariant {
  PluginKind p;
  ContextKind c;
  const char *label;
  int matte, mask;
  int seed;
  double variation;
  double t;
  int direction;
  int first;
} RenderVariant;

static const RenderVariant render_variants[] = {
  /* Inpaint: every matte source; the Mask clip as Alpha and as RGBA. */
  {PLUGIN_INPAINT, CTX_FILTER, "default-matte", -1, 0, 0, -1, 4, 0, 0},
  {PLUGIN_INPAINT, CTX_FILTER, "source-alpha", MATTE_SOURCE_ALPHA, 0, 0, -1, 4, 0, 0},
  {PLUGIN_INPAINT, CTX_FILTER, "source-luminance", MATTE_LUMINANCE, 0, 0, -1, 4, 0, 0},
  {PLUGIN_INPAINT, CTX_GENERAL, "mask-clip-alpha", MATTE_MASK_CLIP, 1, 0, -1, 4, 0, 0},
  {PLUGIN_INPAINT, CTX_GENERAL, "mask-clip-rgba", MATTE_MASK_CLIP, 4, 0, -1, 4, 0, 0},
  {PLUGIN_INPAINT, CTX_GENERAL, "source-alpha", MATTE_SOURCE_ALPHA, 0, 0, -1, 4, 0, 0},
  {PLUGIN_INPAINT, CTX_GENERAL, "source-luminance", MATTE_LUMINANCE, 0, 0, -1, 4, 0, 0},
  {PLUGIN_INPAINT, CTX_FILTER, "range100-109-t104", -1, 0, 0, -1, 104, 0, 100},
  {PLUGIN_INPAINT, CTX_GENERAL, "range100-109-t107", -1, 1, 0, -1, 107, 0, 100},
  /* ExtendShot: inside the range the frame itself, outside it the held end frame. */
  {PLUGIN_EXTEND, CTX_FILTER, "t4-in-range", -1, 0, 0, -1, 4, 0, 0},
  {PLUGIN_EXTEND, CTX_FILTER, "t0-first", -1, 0, 0, -1, 0, 1, 0},
  {PLUGIN_EXTEND, CTX_FILTER, "t9-last", -1, 0, 0, -1, 9, 2, 0},
  {PLUGIN_EXTEND, CTX_FILTER, "t-3-backward-predicted", -1, 0, 0, -1, -3, 1, 0},
  {PLUGIN_EXTEND, CTX_FILTER, "t12-forward-predicted", -1, 0, 0, -1, 12, 0, 0},
  {PLUGIN_EXTEND, CTX_GENERAL, "t4-in-range", -1, 0, 0, -1, 4, 0, 0},
  {PLUGIN_EXTEND, CTX_GENERAL, "t0-first", -1, 0, 0, -1, 0, 1, 0},
  {PLUGIN_EXTEND, CTX_GENERAL, "t9-last", -1, 0, 0, -1, 9, 2, 0},
  {PLUGIN_EXTEND, CTX_GENERAL, "t-3-backward-predicted", -1, 0, 0, -1, -3, 1, 0},
  {PLUGIN_EXTEND, CTX_GENERAL, "t12-forward-predicted", -1, 0, 0, -1, 12, 0, 0},
  {PLUGIN_EXTEND, CTX_FILTER, "range100-109-t104", -1, 0, 0, -1, 104, 0, 100},
  {PLUGIN_EXTEND, CTX_FILTER, "range100-109-t95-backward-predicted", -1, 0, 0, -1, 95, 1, 100},
  {PLUGIN_EXTEND, CTX_GENERAL, "range100-109-t115-forward-predicted", -1, 0, 0, -1, 115, 0, 100},
  /* Generate: the no-model noise pattern (floor of a fractional time too) and the Filter's VGPNN sample. */
  {PLUGIN_GENERATE, CTX_GENERATOR, "seed0-t4", -1, 0, 0, -1, 4, 0, 0},
  {PLUGIN_GENERATE, CTX_GENERATOR, "seed12345-t3.7", -1, 0, 12345, -1, 3.7, 0, 0},
  {PLUGIN_GENERATE, CTX_GENERATOR, "seed2147483647-t0", -1, 0, 2147483647, -1, 0, 0, 0},
  {PLUGIN_GENERATE, CTX_FILTER, "default-variation", -1, 0, 0, -1, 4, 0, 0},
  {PLUGIN_GENERATE, CTX_FILTER, "seed7-variation0.3", -1, 0, 7, 0.3, 2, 0, 0},
  {PLUGIN_GENERATE, CTX_FILTER, "variation1", -1, 0, 3, 1.0, 5, 0, 0},
  {PLUGIN_GENERATE, CTX_FILTER, "range100-109-t101", -1, 0, 0, -1, 101, 0, 100},
};

static void variant_renders(Bundle *b, Depth d) {
  for (size_t i = 0; i < sizeof render_variants / sizeof *render_variants; i++) {
    const RenderVariant *v = &render_variants[i];
    char name[200];
    snprintf(name, sizeof name, "render/%s/%s/%s/%s", plugin_short[v->p], context_short[v->c], depth_label(d),
             v->label);
    RenderSpec s = render_spec_default(v->p, v->c, d);
    s.matte_source = v->matte;
    s.mask_ncomp = v->mask;
    s.seed = v->seed;
    s.variation = v->variation;
    s.time = v->t;
    s.direction = v->direction;
    s.first_frame = v->first;
    run_spec_check(b, name, &s);
  }
}

/* Same seed twice renders identical pixels; another seed renders different ones. */
static void generate_determinism(Bundle *b, ContextKind ctx) {
  char name[160];
  snprintf(name, sizeof name, "render/Generate/%s/seed-determinism", context_short[ctx]);
  if (!check_wanted(name)) return;
  char why[1024] = "";
  Image *a = NULL, *a2 = NULL, *c = NULL;
  RenderSpec s = render_spec_default(PLUGIN_GENERATE, ctx, DEPTH_FLOAT);
  s.seed = 5;
  /* The Filter's source frames are white noise: no patch repeats, so at the default variation VGPNN gives
   * the source back whatever the seed (documented); variation 1 is noise strong enough to rearrange it. */
  if (ctx == CTX_FILTER) s.variation = 1.0;
  bool ok = render_spec_run(b, &s, why, sizeof why, &a) && render_spec_run(b, &s, why, sizeof why, &a2);
  s.seed = 6;
  ok = ok && render_spec_run(b, &s, why, sizeof why, &c);
  if (ok && memcmp(a->alloc, a2->alloc, a->alloc_size) != 0) {
    ok = false;
    snprintf(why, sizeof why, "seed 5 rendered twice differs");
  }
  if (ok && memcmp(a->alloc, c->alloc, a->alloc_size) == 0) {
    ok = false;
    snprintf(why, sizeof why, "seeds 5 and 6 render identical images");
  }
  check_report(name, ok, why);
  image_free(a);
  image_free(a2);
  image_free(c);
}

/* ExtendShot's time domain: [s0 - before, s1 + after] over the source range 0..9. */
static void extend_time_domain(Bundle *b, ContextKind ctx) {
  static const struct { int direction; int frames; int first; double lo, hi; } v[] = {
    {0, -1, 0, 0, 33}, {1, -1, 0, -24, 9}, {2, -1, 0, -24, 33}, {0, 5, 0, 0, 14}, {1, 5, 0, -5, 9}, {2, 0, 0, 0, 9},
    {2, 5, 100, 95, 114},
  };
  static const char *const dir_names[] = {"Forward", "Backward", "Both"};
  for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
    char name[160];
    snprintf(name, sizeof name, "timedomain/ExtendShot/%s/range%d-%d/%s-%s", context_short[ctx], v[i].first,
             v[i].first + 9, dir_names[v[i].direction], v[i].frames < 0 ? "default24" : v[i].frames == 5 ? "5" : "0");
    if (!check_wanted(name)) continue;
    char why[1024] = "";
    Fixture f;
    RenderSpec s = render_spec_default(PLUGIN_EXTEND, ctx, DEPTH_FLOAT);
    s.direction = v[i].direction;
    s.frames_to_add = v[i].frames;
    s.first_frame = v[i].first;
    s.time = v[i].first;
    bool ok = fixture_setup(b, &s, &f, why, sizeof why);
    if (ok) {
      double range[2] = {NAN, NAN};
      OfxStatus st = instance_time_domain(f.inst, range);
      if (st != kOfxStatOK) {
        ok = false;
        snprintf(why, sizeof why, "GetTimeDomain returned %s (must answer OK with a range)", status_name(st));
      } else if (range[0] != v[i].lo || range[1] != v[i].hi) {
        ok = false;
        snprintf(why, sizeof why, "time domain [%g,%g], expected [%g,%g]", range[0], range[1], v[i].lo, v[i].hi);
      }
    }
    fixture_teardown(&f);
    check_report(name, ok, why);
  }
}

/* A shot where the right answer is known: a smooth background panning 2 px per frame and an
 * opaque red disc moving 4 px per frame whose alpha (the default Filter matte) is 1. Rendered
 * at t = 4, the disc must be gone: inside it the output is close to the background the other
 * frames show (the fill's error must be a small part of the disc's own), and outside it the
 * contract check holds (byte-exact copy, alpha untouched). */
static float scene_background(int x, int y, int t, int c) {
  return 0.5f + 0.3f * sinf((float)(x + 2 * t) / 6.0f + (float)c) * cosf((float)y / 9.0f);
}

static bool scene_in_disc(int x, int y, int t) {
  int dx = x - (14 + 4 * t), dy = y - 24;
  return dx * dx + dy * dy <= 36;
}

static void inpaint_removes_object(Bundle *b, Depth d) {
  char name[96];
  snprintf(name, sizeof name, "render/Inpaint/Filter/object-removed/%s", depth_label(d));
  if (!check_wanted(name)) return;
  char why[1024] = "";
  RenderSpec s = render_spec_default(PLUGIN_INPAINT, CTX_FILTER, d);
  s.out_bounds = s.src_bounds = s.mask_bounds = s.window = rect(0, 0, 64, 48);
  s.matte_source = MATTE_SOURCE_ALPHA;
  s.nframes = 10;
  s.time = 4;
  Fixture f;
  bool ok = fixture_setup(b, &s, &f, why, sizeof why);
  if (ok) {
    for (int t = 0; t < f.nframes; t++) {
      Image *img = f.frames[t];
      for (int y = 0; y < 48; y++)
        for (int x = 0; x < 64; x++) {
          unsigned char *px = image_pixel(img, x, y);
          bool disc = scene_in_disc(x, y, t);
          for (int c = 0; c < 3; c++) channel_store(d, px, c, disc ? (c == 0 ? 1.0f : 0.0f) : scene_background(x, y, t, c));
          channel_store(d, px, 3, disc ? 1.0f : 0.0f);
        }
      memcpy(img->snapshot, img->alloc, img->alloc_size);
    }
    Image *out = NULL;
    ok = render_checked(&f, s.time, why, sizeof why, &out);
    if (ok) {
      double fill_err = 0, object_err = 0;
      int n = 0;
      for (int y = 0; y < 48; y++)
        for (int x = 0; x < 64; x++) {
          if (!scene_in_disc(x, y, 4)) continue;
          const unsigned char *px = image_pixel(out, x, y);
          for (int c = 0; c < 3; c++) {
            float truth = scene_background(x, y, 4, c);
            fill_err += fabs(channel_value(d, px, c) - truth);
            object_err += fabs((c == 0 ? 1.0 : 0.0) - truth);
          }
          n += 3;
        }
      fill_err /= n;
      object_err /= n;
      if (!(fill_err < 0.1 * object_err)) {
        ok = false;
        snprintf(why, sizeof why, "inside the disc the mean error to the background is %.4f, the disc's own %.4f: "
                 "the object was not removed", fill_err, object_err);
      }
      image_free(out);
    }
  }
  fixture_teardown(&f);
  check_report(name, ok, why);
}

void run_render_checks(Bundle *b) {
  for (int i = 0; i < NDEPTHS; i++) inpaint_removes_object(b, render_depths[i]);
  for (int i = 0; i < NDEPTHS; i++) variant_renders(b, render_depths[i]);
  generate_determinism(b, CTX_GENERATOR);
  generate_determinism(b, CTX_FILTER);
  extend_time_domain(b, CTX_FILTER);
  extend_time_domain(b, CTX_GENERAL);
}

/* ------------------------------------------------------------ params per instance */

void run_param_checks(Bundle *b) {
  /* Two live instances with different seeds: each renders its own, in any order. */
  const char *name = "instances/params-per-instance";
  if (check_wanted(name)) {
    char why[1024] = "";
    Fixture a, c;
    RenderSpec s = render_spec_default(PLUGIN_GENERATE, CTX_GENERATOR, DEPTH_FLOAT);
    s.seed = 1;
    bool ok = fixture_setup(b, &s, &a, why, sizeof why);
    s.seed = 2;
    ok = ok && fixture_setup(b, &s, &c, why, sizeof why);
    ok = ok && render_checked(&a, 4, why, sizeof why, NULL) && render_checked(&c, 4, why, sizeof why, NULL) &&
         render_checked(&a, 5, why, sizeof why, NULL);
    fixture_teardown(&a);
    fixture_teardown(&c);
    check_report(name, ok, why);
  }
  /* A user edit between two renders of one instance takes effect. */
  name = "instances/param-change-between-renders";
  if (check_wanted(name)) {
    char why[1024] = "";
    Fixture f;
    RenderSpec s = render_spec_default(PLUGIN_GENERATE, CTX_FILTER, DEPTH_BYTE);
    s.seed = 1;
    bool ok = fixture_setup(b, &s, &f, why, sizeof why) && render_checked(&f, 4, why, sizeof why, NULL);
    if (ok) {
      OfxStatus st = instance_set_int(f.inst, "seed", 3);
      if (st == kOfxStatOK) st = instance_set_double(f.inst, "variation", 0.75);
      if (st == kOfxStatOK) st = instance_param_changed(f.inst, "variation", 4);
      if (!status_ok_or_default(st)) {
        snprintf(why, sizeof why, "changing seed/variation: %s", status_name(st));
        ok = false;
      }
      f.spec.seed = 3;
      f.spec.variation = 0.75;
      ok = ok && render_checked(&f, 4, why, sizeof why, NULL);
    }
    fixture_teardown(&f);
    check_report(name, ok, why);
  }
}

/* ------------------------------------------------------------ 5. rowBytes and bounds */

/* One configuration per plugin/context that reads every input the plugin has. */
static RenderSpec layout_spec(PluginKind p, ContextKind c, Depth d) {
  RenderSpec s = render_spec_default(p, c, d);
  if (p == PLUGIN_INPAINT) s.matte_source = c == CTX_GENERAL ? MATTE_MASK_CLIP : MATTE_LUMINANCE;
  if (p == PLUGIN_GENERATE) s.seed = 99;
  return s;
}

static const struct { PluginKind p; ContextKind c; } layout_configs[] = {
  {PLUGIN_INPAINT, CTX_FILTER}, {PLUGIN_INPAINT, CTX_GENERAL}, {PLUGIN_EXTEND, CTX_FILTER},
  {PLUGIN_GENERATE, CTX_FILTER}, {PLUGIN_GENERATE, CTX_GENERATOR},
};
#define NLAYOUT (sizeof layout_configs / sizeof *layout_configs)

void run_rowbytes_checks(Bundle *b) {
  for (size_t k = 0; k < NLAYOUT; k++)
    for (int i = 0; i < NDEPTHS; i++) {
      PluginKind p = layout_configs[k].p;
      ContextKind c = layout_configs[k].c;
      Depth d = render_depths[i];
      char base[128], name[200];
      snprintf(base, sizeof base, "%s/%s/%s", plugin_short[p], context_short[c], depth_label(d));
      RenderSpec s;

      /* Negative rowBytes for output and inputs independently. */
      static const struct { const char *label; bool out, src; } combos[] = {
        {"output-negative", true, false}, {"source-negative", false, true}, {"both-negative", true, true},
      };
      for (size_t j = 0; j < 3; j++) {
        if (!combos[j].out && (p == PLUGIN_GENERATE && c == CTX_GENERATOR)) continue;
        s = layout_spec(p, c, d);
        s.out_bottom_up = combos[j].out;
        s.src_bottom_up = s.mask_bottom_up = combos[j].src;
        snprintf(name, sizeof name, "rowbytes/%s/%s", base, combos[j].label);
        run_spec_check(b, name, &s);
      }

      /* Bounds not at the origin and padded rows, top-down and bottom-up. */
      for (int neg = 0; neg < 2; neg++) {
        s = layout_spec(p, c, d);
        s.out_bounds = s.src_bounds = s.mask_bounds = s.window = rect(-5, 7, 32, 30);
        s.out_pad = 12;
        s.src_pad = 20;
        s.out_bottom_up = s.src_bottom_up = s.mask_bottom_up = neg;
        snprintf(name, sizeof name, "bounds/%s/offset-padded%s", base, neg ? "-negative" : "");
        run_spec_check(b, name, &s);
      }

      /* Inputs smaller than the output: outside their bounds they read as 0. */
      if (!(p == PLUGIN_GENERATE && c == CTX_GENERATOR)) {
        s = layout_spec(p, c, d);
        s.out_bounds = s.window = rect(-5, 7, 32, 30);
        s.src_bounds = rect(-2, 10, 20, 25);
        s.mask_bounds = rect(0, 12, 30, 29);
        snprintf(name, sizeof name, "bounds/%s/inputs-smaller-than-output", base);
        run_spec_check(b, name, &s);
      }
    }
}

/* ------------------------------------------------------------ 6. render windows */

void run_window_checks(Bundle *b) {
  static const struct { const char *label; OfxRectI w; } windows[] = {
    {"1x1", {5, 5, 6, 6}},     {"one-row", {0, 11, 37, 12}}, {"one-column", {17, 0, 18, 23}},
    {"inner", {3, 4, 30, 19}}, {"corner", {36, 22, 37, 23}}, {"band-of-rows", {0, 3, 37, 9}},
  };
  static const Depth depths[] = {DEPTH_BYTE, DEPTH_FLOAT};
  for (size_t k = 0; k < NLAYOUT; k++)
    for (int i = 0; i < 2; i++)
      for (size_t j = 0; j < sizeof windows / sizeof *windows; j++) {
        PluginKind p = layout_configs[k].p;
        ContextKind c = layout_configs[k].c;
        char name[200];
        snprintf(name, sizeof name, "window/%s/%s/%s/%s", plugin_short[p], context_short[c], depth_label(depths[i]),
                 windows[j].label);
        RenderSpec s = layout_spec(p, c, depths[i]);
        s.window = windows[j].w;
        s.out_bottom_up = j % 2; /* half the windows on bottom-up output too */
        run_spec_check(b, name, &s);
      }
}

/* ------------------------------------------------------------ 7. threads */

#define NTHREADS 8
#define NTFRAMES 20

typedef struct ThreadJob {
  Fixture *fixture;
  int index;
  bool own_sequence;  /* a separate instance: this thread sends Begin/End itself */
  Image *outs[NTFRAMES];
  OfxStatus status[NTFRAMES];
} ThreadJob;

static void *thread_main(void *arg) {
  ThreadJob *j = arg;
  const RenderSpec *s = &j->fixture->spec;
  if (j->own_sequence) instance_begin_sequence(j->fixture->inst, 0, NTFRAMES - 1);
  /* Each thread starts at another frame so the same frame is never rendered in lockstep. */
  for (int i = 0; i < NTFRAMES; i++) {
    int t = (j->index * 3 + i) % NTFRAMES;
    j->status[t] = instance_render(j->fixture->inst, t, s->window, j->outs[t]);
  }
  if (j->own_sequence) instance_end_sequence(j->fixture->inst, 0, NTFRAMES - 1);
  return NULL;
}

static void thread_check(Bundle *b, PluginKind p, ContextKind c, bool separate) {
  char name[160];
  snprintf(name, sizeof name, "threads/%s/%s/%s", separate ? "8-instances" : "same-instance", plugin_short[p],
           context_short[c]);
  if (!check_wanted(name)) return;
  char why[1024] = "";
  RenderSpec s = layout_spec(p, c, DEPTH_FLOAT);
  s.nframes = NTFRAMES;
  s.out_bounds = s.src_bounds = s.mask_bounds = s.window = rect(0, 0, 61, 45);

  /* Single-threaded reference, itself checked against the contract. */
  Fixture ref;
  Image *refs[NTFRAMES] = {0};
  bool ok = fixture_setup(b, &s, &ref, why, sizeof why);
  for (int t = 0; ok && t < NTFRAMES; t++) {
    refs[t] = fixture_output(&ref, s.depth, 4);
    OfxStatus st = instance_render_sequence(ref.inst, t, s.window, refs[t]);
    if (st != kOfxStatOK) {
      snprintf(why, sizeof why, "single-threaded reference: Render t=%d returned %s", t, status_name(st));
      ok = false;
    } else if (!fixture_check_output(&ref, refs[t], t, s.window, why, sizeof why)) {
      ok = false;
    }
  }

  Fixture fixtures[NTHREADS];
  ThreadJob jobs[NTHREADS];
  pthread_t threads[NTHREADS];
  int nfix = 0;
  memset(jobs, 0, sizeof jobs);
  if (ok) {
    if (separate) {
      for (; nfix < NTHREADS && ok; nfix++) ok = fixture_setup(b, &s, &fixtures[nfix], why, sizeof why);
    } else {
      OfxStatus st = instance_begin_sequence(ref.inst, 0, NTFRAMES - 1);
      ok = status_ok_or_default(st);
      if (!ok) snprintf(why, sizeof why, "BeginSequenceRender returned %s", status_name(st));
    }
  }
  if (ok) {
    for (int i = 0; i < NTHREADS; i++) {
      jobs[i].fixture = separate ? &fixtures[i] : &ref;
      jobs[i].index = i;
      jobs[i].own_sequence = separate;
      for (int t = 0; t < NTFRAMES; t++) jobs[i].outs[t] = fixture_output(&ref, s.depth, 4);
    }
    for (int i = 0; i < NTHREADS; i++) pthread_create(&threads[i], NULL, thread_main, &jobs[i]);
    for (int i = 0; i < NTHREADS; i++) pthread_join(threads[i], NULL);
    if (!separate) instance_end_sequence(ref.inst, 0, NTFRAMES - 1);
    for (int i = 0; i < NTHREADS && ok; i++)
      for (int t = 0; t < NTFRAMES && ok; t++) {
        if (jobs[i].status[t] != kOfxStatOK) {
          snprintf(why, sizeof why, "thread %d frame %d: Render returned %s", i, t, status_name(jobs[i].status[t]));
          ok = false;
        } else if (memcmp(jobs[i].outs[t]->alloc, refs[t]->alloc, refs[t]->alloc_size) != 0) {
          char where[160];
          ok = image_same_pixels(jobs[i].outs[t], refs[t], s.window, where, sizeof where);
          snprintf(why, sizeof why, "thread %d frame %d differs from the single-threaded render: %s", i, t,
                   ok ? "outside the window" : where);
          ok = false;
        }
      }
  }
  for (int i = 0; i < NTHREADS; i++)
    for (int t = 0; t < NTFRAMES; t++) image_free(jobs[i].outs[t]);
  for (int i = 0; i < nfix; i++) fixture_teardown(&fixtures[i]);
  for (int t = 0; t < NTFRAMES; t++) image_free(refs[t]);
  fixture_teardown(&ref);
  check_report(name, ok, why);
}

void run_thread_checks(Bundle *b) {
  for (size_t k = 0; k < NLAYOUT; k++) {
    thread_check(b, layout_configs[k].p, layout_configs[k].c, false);
    thread_check(b, layout_configs[k].p, layout_configs[k].c, true);
  }
}

/* ------------------------------------------------------------ 8. abort */

void run_abort_checks(Bundle *b) {
  for (size_t k = 0; k < NLAYOUT; k++) {
    PluginKind p = layout_configs[k].p;
    ContextKind c = layout_configs[k].c;
    char name[160];
    snprintf(name, sizeof name, "abort/%s/%s", plugin_short[p], context_short[c]);
    if (!check_wanted(name)) continue;
    char why[1024] = "";
    RenderSpec s = layout_spec(p, c, DEPTH_FLOAT);
    s.out_bounds = s.src_bounds = s.mask_bounds = s.window = rect(0, 0, 256, 1024);
    s.nframes = 1;
    s.time = 0;
    Fixture f;
    Image *out = NULL;
    bool ok = fixture_setup(b, &s, &f, why, sizeof why);
    if (ok) {
      out = fixture_output(&f, s.depth, 4);
      f.inst->abort_after = 2; /* two polls answer 0, every later one 1 */
      OfxStatus st = instance_render_sequence(f.inst, 0, s.window, out);
      int written = 0;
      for (int y = 0; y < 1024; y++) written += !image_row_untouched(out, y);
      bool tail_untouched = true;
      for (int y = 1024 - 32; y < 1024; y++) tail_untouched &= image_row_untouched(out, y);
      if (st != kOfxStatFailed) {
        snprintf(why, sizeof why, "Render returned %s after abort (expected kOfxStatFailed); %d polls, %d of 1024 rows written",
                 status_name(st), f.inst->abort_polls, written);
        ok = false;
      } else if (f.inst->abort_polls < 3) {
        snprintf(why, sizeof why, "abort() was polled %d times (a 1024-row render in 32-row bands must poll until it answers 1)",
                 f.inst->abort_polls);
        ok = false;
      } else if (!tail_untouched) {
        snprintf(why, sizeof why, "the last 32 rows were written after abort (%d of 1024 rows written, %d polls)", written,
                 f.inst->abort_polls);
        ok = false;
      } else {
        ok = images_released(&f, why, sizeof why);
      }
    }
    image_free(out);
    fixture_teardown(&f);
    check_report(name, ok, why);
  }
}
