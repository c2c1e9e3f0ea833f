/*
 * --render JOB BUNDLE_DIR: renders one node of the bundle over a frame range as a host
 * would, from frames on disk, and writes the output frames. The CLI-vs-OFX parity test
 * (installers/src/test/parity) drives it; nothing is checked here, only reported.
 *
 * JOB is a text file of key=value lines ('#' starts a comment):
 *   plugin=dev.worldfx.Inpaint      the plugin id
 *   context=General                 Filter, General or Generator (any case)
 *   first=1001                      the frame range rendered, also the clips' range
 *   last=1008
 *   clip.Source=/dir/src.####.raw   a clip's frames; #### is the frame number, zero-padded
 *   output=/dir/out.####.raw        where the Output frames go (written whole: temp + rename)
 *   param.dilate=3                  a parameter by name, as its text: integers, doubles,
 *                                   booleans (true/false), choices by option label, strings
 * The host sets every param (then sends InstanceChanged, as after a user edit), connects
 * the clips with all their frames (temporal access), sends BeginSequenceRender, the
 * pre-render actions and Render for each frame, then EndSequenceRender. The Output is
 * RGBA at the depth of the first clip's frames (Float when there is no clip).
 *
 * Frame files ("raw"): the line "WFXRAW <width> <height> <components> <8bit|16bit|float>\n",
 * then the samples, rows from y = 0 (the bottom row, as in OFX) up, channels interleaved,
 * little-endian. Exit 0 when every frame rendered and was written, 1 when a render failed,
 * 2 for a bad job or frame file.
 */
#include "testhost.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_ENTRIES 64
#define MAX_JOB_FRAMES 256

typedef struct { char key[128]; char value[1024]; } Entry;

typedef struct {
  Entry e[MAX_ENTRIES];
  int n;
} Job;

static bool job_read(const char *file, Job *job, char *why, size_t n) {
  FILE *f = fopen(file, "r");
  if (!f) {
    snprintf(why, n, "cannot read %.1200s", file);
    return false;
  }
  char line[1200];
  int lineno = 0;
  job->n = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    line[strcspn(line, "\r\n")] = 0;
    char *s = line;
    while (isspace((unsigned char)*s)) s++;
    if (!*s || *s == '#') continue;
    char *eq = strchr(s, '=');
    if (!eq || eq == s || (size_t)(eq - s) >= sizeof job->e[0].key || strlen(eq + 1) >= sizeof job->e[0].value
        || job->n == MAX_ENTRIES) {
      snprintf(why, n, "%s:%d: expected key=value (at most %d lines)", file, lineno, MAX_ENTRIES);
      fclose(f);
      return false;
    }
    Entry *e = &job->e[job->n++];
    snprintf(e->key, sizeof e->key, "%.*s", (int)(eq - s), s);
    snprintf(e->value, sizeof e->value, "%s", eq + 1);
  }
  fclose(f);
  return true;
}

static const char *job_get(const Job *job, const char *key) {
  for (int i = 0; i < job->n; i++)
    if (!strcmp(job->e[i].key, key)) return job->e[i].value;
  return NULL;
}

/* The pattern with its first run of '#' replaced by t, zero-padded to the run's length. */
static bool frame_path(const char *pattern, int t, char *out, size_t n) {
  const char *h = strchr(pattern, '#');
  if (!h) return false;
  int len = (int)strspn(h, "#");
  int k = snprintf(out, n, "%.*s%0*d%s", (int)(h - pattern), pattern, len, t, h + len);
  return k > 0 && (size_t)k < n;
}

static bool depth_parse(const char *s, Depth *d) {
  for (int i = DEPTH_BYTE; i <= DEPTH_FLOAT; i++)
    if (!strcmp(s, depth_label((Depth)i))) {
      *d = (Depth)i;
      return true;
    }
  return false;
}

/* Reads a raw frame into a fresh top-down image with bounds (0,0,w,h). */
static Image *raw_read(const char *file, char *why, size_t n) {
  FILE *f = fopen(file, "rb");
  if (!f) {
    snprintf(why, n, "cannot read %.1200s", file);
    return NULL;
  }
  int w, h, ncomp;
  char depth[16];
  Depth d;
  Image *img = NULL;
  if (fscanf(f, "WFXRAW %d %d %d %15s", &w, &h, &ncomp, depth) != 4 || fgetc(f) != '\n' || w < 1 || h < 1
      || w > 16384 || h > 16384 || (ncomp != 1 && ncomp != 3 && ncomp != 4) || !depth_parse(depth, &d)) {
    snprintf(why, n, "%.1200s: not a WFXRAW frame (bad header)", file);
  } else {
    img = image_new(d, ncomp, rect(0, 0, w, h), false, 0);
    size_t row = (size_t)w * (size_t)ncomp * depth_bytes(d);
    for (int y = 0; y < h && img; y++)
      if (fread(image_pixel(img, 0, y), 1, row, f) != row) {
        snprintf(why, n, "%.1200s: truncated at row %d", file, y);
        image_free(img);
        img = NULL;
      }
  }
  fclose(f);
  return img;
}

static bool raw_write(const char *file, const Image *img, char *why, size_t n) {
  char tmp[4400];
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", file, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    snprintf(why, n, "cannot write %.1200s", tmp);
    return false;
  }
  int w = image_width(img), h = image_height(img);
  bool ok = fprintf(f, "WFXRAW %d %d %d %s\n", w, h, img->ncomp, depth_label(img->depth)) > 0;
  size_t row = (size_t)w * (size_t)img->ncomp * depth_bytes(img->depth);
  for (int y = img->bounds.y1; y < img->bounds.y2 && ok; y++)
    ok = fwrite(image_pixel(img, img->bounds.x1, y), 1, row, f) == row;
  ok = (fclose(f) == 0) && ok && rename(tmp, file) == 0;
  if (!ok) {
    remove(tmp);
    snprintf(why, n, "cannot write %.1200s", file);
  }
  return ok;
}

/* Sets one param from its text by the param's type, as a user typing it into the host's UI. */
static bool set_param_text(OfxImageEffectHandle inst, const char *name, const char *text, char *why, size_t n) {
  OfxParamHandle p = paramset_find(inst->params, name);
  if (!p) {
    snprintf(why, n, "the plugin has no parameter '%s'", name);
    return false;
  }
  const char *type = param_type(p);
  char *end = NULL;
  OfxStatus st;
  if (!strcmp(type, kOfxParamTypeInteger)) {
    long v = strtol(text, &end, 10);
    if (end == text || *end) goto bad;
    st = instance_set_int(inst, name, (int)v);
  } else if (!strcmp(type, kOfxParamTypeBoolean)) {
    if (strcasecmp(text, "true") && strcasecmp(text, "false")) goto bad;
    st = instance_set_int(inst, name, !strcasecmp(text, "true"));
  } else if (!strcmp(type, kOfxParamTypeDouble)) {
    double v = strtod(text, &end);
    if (end == text || *end) goto bad;
    st = instance_set_double(inst, name, v);
  } else if (!strcmp(type, kOfxParamTypeString)) {
    st = instance_set_string(inst, name, text);
  } else if (!strcmp(type, kOfxParamTypeChoice)) {
    int dim = props_dim(param_props(p), kOfxParamPropChoiceOption), index = -1;
    for (int i = 0; i < dim && index < 0; i++) {
      const char *opt = NULL;
      if (props_string(param_props(p), kOfxParamPropChoiceOption, i, &opt) == kOfxStatOK && opt && !strcmp(opt, text))
        index = i;
    }
    if (index < 0) goto bad;
    st = instance_set_int(inst, name, index);
  } else {
    snprintf(why, n, "parameter '%s' is of type %s, which jobs do not set", name, type);
    return false;
  }
  if (st != kOfxStatOK) {
    snprintf(why, n, "setting %s: %s", name, status_name(st));
    return false;
  }
  st = instance_param_changed(inst, name, 0);
  if (!status_ok_or_default(st)) {
    snprintf(why, n, "InstanceChanged for %s returned %s", name, status_name(st));
    return false;
  }
  return true;
bad:
  snprintf(why, n, "'%s' is not a value of parameter '%s' (%s)", text, name, type);
  return false;
}

static int fail_job(const char *why) {
  fprintf(stderr, "ofx-test-host --render: %s\n", why);
  return 2;
}

int run_render_job(const char *job_file, const char *bundle_dir) {
  static Job job;
  static Bundle bundle;
  char why[2048] = "", path[4200];
  if (!job_read(job_file, &job, why, sizeof why)) return fail_job(why);
  const char *plugin_id = job_get(&job, "plugin"), *context = job_get(&job, "context");
  const char *first_s = job_get(&job, "first"), *last_s = job_get(&job, "last"), *output = job_get(&job, "output");
  if (!plugin_id || !context || !first_s || !last_s || !output)
    return fail_job("the job needs plugin, context, first, last and output");
  int first = atoi(first_s), last = atoi(last_s), nframes = last - first + 1;
  if (nframes < 1 || nframes > MAX_JOB_FRAMES) return fail_job("first..last must hold 1 to 256 frames");
  PluginKind kind = PLUGIN_KINDS;
  for (int k = 0; k < PLUGIN_KINDS; k++)
    if (!strcmp(plugin_id, plugin_ids[k])) kind = (PluginKind)k;
  ContextKind ctx = CTX_KINDS;
  for (int c = 0; c < CTX_KINDS; c++)
    if (!strcasecmp(context, context_short[c])) ctx = (ContextKind)c;
  if (kind == PLUGIN_KINDS || ctx == CTX_KINDS) return fail_job("unknown plugin or context");

  if (!bundle_open(&bundle, bundle_dir, why, sizeof why)) return fail_job(why);
  HostPlugin *hp = bundle_plugin(&bundle, kind);
  if (!hp) return fail_job("the plugin is not in the bundle");
  if (!plugin_prepare(hp, why, sizeof why)) return fail_job(why);
  OfxImageEffectHandle inst;
  OfxStatus st = instance_create(hp, ctx, &inst);
  if (st != kOfxStatOK) {
    snprintf(why, sizeof why, "CreateInstance returned %s", status_name(st));
    return fail_job(why);
  }
  instance_set_frame_range(inst, first, last);

  /* Clips, each with all its frames; every frame is kept until the end (a few MB at most). */
  static Image *frames[MAX_ENTRIES][MAX_JOB_FRAMES];
  int nclips = 0;
  Depth depth = DEPTH_FLOAT;
  OfxRectI bounds = rect(0, 0, 0, 0);
  for (int i = 0; i < job.n; i++) {
    if (strncmp(job.e[i].key, "clip.", 5)) continue;
    OfxImageClipHandle c = effect_clip(inst, job.e[i].key + 5);
    if (!c) {
      snprintf(why, sizeof why, "the instance has no clip '%s'", job.e[i].key + 5);
      return fail_job(why);
    }
    for (int k = 0; k < nframes; k++) {
      if (!frame_path(job.e[i].value, first + k, path, sizeof path)) return fail_job("a clip pattern needs a ####");
      if (!(frames[nclips][k] = raw_read(path, why, sizeof why))) return fail_job(why);
    }
    if (nclips == 0) {
      depth = frames[0][0]->depth;
      bounds = frames[0][0]->bounds;
    }
    clip_set_frames(c, frames[nclips], nframes, first);
    printf("render: clip %s: %d frames %dx%d %s from %s\n", c->name, nframes, image_width(frames[nclips][0]),
           image_height(frames[nclips][0]), depth_label(frames[nclips][0]->depth), job.e[i].value);
    nclips++;
  }
  if (rect_empty(bounds)) {
    const char *w = job_get(&job, "width"), *h = job_get(&job, "height");
    if (!w || !h) return fail_job("without a clip the job needs width and height");
    bounds = rect(0, 0, atoi(w), atoi(h));
  }
  for (int c = 0; c < inst->nclips; c++) {
    OfxImageClipHandle clip = inst->clips[c];
    if (strcmp(clip->name, kOfxImageEffectOutputClipName) && clip->nframes == 0) clip_disconnect(clip);
  }
  OfxImageClipHandle out_clip = effect_clip(inst, kOfxImageEffectOutputClipName);
  clip_set_format(out_clip, depth, 4);
  double range[2] = {first, last};
  props_def_doubles(out_clip->props, kOfxImageEffectPropFrameRange, true, 2, range);

  for (int i = 0; i < job.n; i++)
    if (!strncmp(job.e[i].key, "param.", 6)) {
      if (!set_param_text(inst, job.e[i].key + 6, job.e[i].value, why, sizeof why)) return fail_job(why);
      printf("render: param %s = %s\n", job.e[i].key + 6, job.e[i].value);
    }

  int rc = 0;
  st = instance_begin_sequence(inst, first, last);
  if (!status_ok_or_default(st)) {
    printf("render: BeginSequenceRender returned %s\n", status_name(st));
    rc = 1;
  }
  for (int t = first; t <= last && rc == 0; t++) {
    Image *out = image_new(depth, 4, bounds, false, 0);
    image_fill_sentinel(out);
    double t0 = now_ms();
    if (!instance_prepare_render(inst, t, bounds, why, sizeof why)) {
      rc = 1;
    } else if ((st = instance_render(inst, t, bounds, out)) != kOfxStatOK) {
      snprintf(why, sizeof why, "Render returned %s", status_name(st));
      append_plugin_message(inst, why, sizeof why);
      rc = 1;
    } else if (!frame_path(output, t, path, sizeof path) || !raw_write(path, out, why, sizeof why)) {
      rc = 2;
    } else {
      printf("render: frame %d %.0f ms -> %s\n", t, now_ms() - t0, path);
    }
    if (rc) printf("render: frame %d: %s\n", t, why);
    image_free(out);
  }
  instance_end_sequence(inst, first, last);
  instance_destroy(inst);
  for (int c = 0; c < nclips; c++)
    for (int k = 0; k < nframes; k++) image_free(frames[c][k]);
  fflush(stdout);
  return rc;
}
