/*
 * The pixel formulas of docs/ofx-contract.md, written out in float32 arithmetic in the
 * order the contract gives (the Makefile builds with -ffp-contract=off, and x86-64
 * evaluates float in float, so these are the bits the plugin must produce).
 */
#include "testhost.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const plugin_ids[PLUGIN_KINDS] = {"dev.worldfx.Inpaint", "dev.worldfx.ExtendShot", "dev.worldfx.Generate"};
const char *const plugin_short[PLUGIN_KINDS] = {"Inpaint", "ExtendShot", "Generate"};
const char *const context_ofx[CTX_KINDS] = {kOfxImageEffectContextFilter, kOfxImageEffectContextGeneral,
                                            kOfxImageEffectContextGenerator};
const char *const context_short[CTX_KINDS] = {"Filter", "General", "Generator"};

static float clamp01(float v) { return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v; }

/* Channel c of a pixel as the contract's float: 8-bit b/255f, 16-bit s/65535f, float as is. */
float channel_value(Depth d, const unsigned char *px, int c) {
  switch (d) {
  case DEPTH_BYTE: return (float)px[c] / 255.0f;
  case DEPTH_SHORT: {
    uint16_t s;
    memcpy(&s, px + 2 * c, 2);
    return (float)s / 65535.0f;
  }
  case DEPTH_FLOAT: {
    float f;
    memcpy(&f, px + 4 * c, 4);
    return f;
  }
  default: return 0.0f; /* half: never rendered */
  }
}

/* The contract's conversion back: floor(clamp01(v)*max + 0.5f), float stored as is. */
void channel_store(Depth d, unsigned char *px, int c, float v) {
  switch (d) {
  case DEPTH_BYTE: px[c] = (unsigned char)(int)floorf(clamp01(v) * 255.0f + 0.5f); break;
  case DEPTH_SHORT: {
    uint16_t s = (uint16_t)(int)floorf(clamp01(v) * 65535.0f + 0.5f);
    memcpy(px + 2 * c, &s, 2);
    break;
  }
  case DEPTH_FLOAT: memcpy(px + 4 * c, &v, 4); break;
  default: break;
  }
}

/* A source pixel, RGBA, as raw bytes of depth d; outside the image's bounds (or with no
 * image) every channel is 0. */
static void source_pixel(const Image *img, Depth d, int x, int y, unsigned char *raw) {
  size_t cb = depth_bytes(d);
  memset(raw, 0, 4 * cb);
  if (!img) return;
  const unsigned char *px = image_pixel(img, x, y);
  if (px) memcpy(raw, px, (size_t)img->ncomp * cb);
}

/* The matte at (x,y) before clamping. */
static float matte_value(const Expectation *e, Depth d, int x, int y, const unsigned char *src) {
  if (e->matte_source == MATTE_MASK_CLIP) {
    if (!e->mask) return 0.0f;
    const unsigned char *px = image_pixel(e->mask, x, y);
    if (!px) return 0.0f;
    return channel_value(e->mask->depth, px, e->mask->ncomp == 1 ? 0 : 3);
  }
  if (e->matte_source == MATTE_SOURCE_ALPHA) return channel_value(d, src, 3);
  float r = channel_value(d, src, 0), g = channel_value(d, src, 1), b = channel_value(d, src, 2);
  return 0.2126f * r + 0.7152f * g + 0.0722f * b;
}

/* The contract shifts the SIGNED coordinates (floor division by 8), then works unsigned. */
float contract_noise(uint32_t seed, int x, int y, int c, double t) {
  uint32_t xs = (uint32_t)(x >> 3);
  uint32_t ys = (uint32_t)(y >> 3);
  uint32_t ft = (uint32_t)(int)floor(t);
  uint32_t h = seed * 0x9E3779B1u ^ xs * 0x85EBCA77u ^ ys * 0xC2B2AE3Du ^ (uint32_t)c * 0x27D4EB2Fu ^
               ft * 0x165667B1u;
  h ^= h >> 15;
  h *= 0x2C1B3C6Du;
  h ^= h >> 12;
  h *= 0x297A2D39u;
  h ^= h >> 15;
  return (float)(h >> 8) * (1.0f / 16777216.0f);
}

/* Inpaint's clamped matte at (x,y): 0 = the pixel must be a byte-exact copy of the source. */
static float inpaint_matte(const Expectation *e, Depth d, int x, int y) {
  unsigned char src[16];
  source_pixel(e->source, d, x, y, src);
  return clamp01(matte_value(e, d, x, y, src));
}

void expected_pixel(const Expectation *e, Depth d, int x, int y, unsigned char *out) {
  size_t cb = depth_bytes(d);
  unsigned char src[16];
  source_pixel(e->source, d, x, y, src);
  switch (e->plugin) {
  case PLUGIN_INPAINT:
    /* Where the matte is 0: a byte-exact copy, alpha, HDR and -0 included. Where it is not, the
     * fill comes from the shot solve and only its alpha (the source's) is predictable here:
     * image_matches_contract takes the RGB as rendered and checks it in other ways. */
    memcpy(out, src, 4 * cb);
    return;
  case PLUGIN_EXTEND:
    /* Inside the range: the frame itself, byte-exact. Outside (e->predicted): the nearest
     * frame's alpha; the RGB comes from the shot model and is checked by the counts. */
    memcpy(out, src, 4 * cb);
    return;
  case PLUGIN_GENERATE: {
    if (e->context != CTX_GENERATOR) {
      /* Filter: the source's alpha byte-exact; the RGB is a VGPNN sample of the whole shot, checked by the
       * counts in image_matches_contract (and against the sampler in the Java tests). */
      memcpy(out, src, 4 * cb);
      return;
    }
    /* Generator without a shot model file: the seeded-noise test pattern, alpha 1. */
    for (int c = 0; c < 3; c++) channel_store(d, out, c, contract_noise(e->seed, x, y, c, e->time));
    channel_store(d, out, 3, 1.0f);
    return;
  }
  default: return;
  }
}

static void format_channel(Depth d, const unsigned char *p, char *out, size_t n) {
  switch (d) {
  case DEPTH_BYTE: snprintf(out, n, "%u", p[0]); break;
  case DEPTH_SHORT: {
    uint16_t s;
    memcpy(&s, p, 2);
    snprintf(out, n, "%u", s);
    break;
  }
  case DEPTH_FLOAT: {
    float f;
    uint32_t bits;
    memcpy(&f, p, 4);
    memcpy(&bits, p, 4);
    snprintf(out, n, "%.9g (0x%08x)", f, bits);
    break;
  }
  default: snprintf(out, n, "?"); break;
  }
}

bool image_matches_contract(const Image *out, OfxRectI w, const Expectation *e, char *why, size_t n) {
  OfxRectI r = {
    w.x1 > out->bounds.x1 ? w.x1 : out->bounds.x1, w.y1 > out->bounds.y1 ? w.y1 : out->bounds.y1,
    w.x2 < out->bounds.x2 ? w.x2 : out->bounds.x2, w.y2 < out->bounds.y2 ? w.y2 : out->bounds.y2,
  };
  /* What the whole allocation must hold: the sentinel everywhere, the contract's pixels
   * in window∩bounds. Comparing all of it also catches writes into padding, guards and
   * outside the window. */
  unsigned char *want = malloc(out->alloc_size);
  if (!want) return false;
  memcpy(want, out->snapshot, out->alloc_size);
  size_t cb = depth_bytes(out->depth), pxb = 4 * cb;
  long bad_pixels = 0, removed = 0, changed = 0, not_finite = 0, predicted = 0, moved = 0;
  for (int y = r.y1; y < r.y2; y++)
    for (int x = r.x1; x < r.x2; x++) {
      unsigned char px[16];
      expected_pixel(e, out->depth, x, y, px);
      const unsigned char *got = image_pixel(out, x, y);
      if ((e->plugin == PLUGIN_EXTEND && e->predicted) || (e->plugin == PLUGIN_GENERATE && e->context != CTX_GENERATOR)) {
        predicted++;
        if (memcmp(got, px, 3 * cb) != 0) moved++;
        for (int c = 0; c < 3 && out->depth == DEPTH_FLOAT; c++)
          if (!isfinite(channel_value(out->depth, got, c))) not_finite++;
        memcpy(px, got, 3 * cb); /* the prediction's RGB: checked by the counts */
      }
      if (e->plugin == PLUGIN_INPAINT) {
        float m = inpaint_matte(e, out->depth, x, y);
        if (m > 0.0f) {
          if (m == 1.0f) {
            removed++;
            if (memcmp(got, px, 3 * cb) != 0) changed++;
          }
          for (int c = 0; c < 3 && out->depth == DEPTH_FLOAT; c++)
            if (!isfinite(channel_value(out->depth, got, c))) not_finite++;
          memcpy(px, got, 3 * cb); /* the fill's RGB: checked by the counts */
        }
      }
      memcpy(want + (got - out->alloc), px, pxb);
      if (memcmp(got, px, pxb) == 0) continue;
      if (bad_pixels++ == 0) {
        int c = 0;
        while (c < 3 && memcmp(got + c * cb, px + c * cb, cb) == 0) c++;
        char g[48], x_[48];
        format_channel(out->depth, got + c * cb, g, sizeof g);
        format_channel(out->depth, px + c * cb, x_, sizeof x_);
        snprintf(why, n, "pixel (%d,%d) channel %d: expected %s, got %s", x, y, c, x_, g);
      }
    }
  if (bad_pixels > 1) {
    char first[400];
    snprintf(first, sizeof first, "%s", why);
    snprintf(why, n, "%ld of %ld pixels wrong; first %s", bad_pixels,
             (long)(r.x2 - r.x1) * (long)(r.y2 - r.y1), first);
  }
  if (bad_pixels == 0 && not_finite > 0) {
    snprintf(why, n, "%ld filled channels are NaN or infinite", not_finite);
    bad_pixels = not_finite;
  } else if (bad_pixels == 0 && predicted > 0 && moved == 0 && e->plugin == PLUGIN_GENERATE) {
    /* The source frames are white noise, which repeats no patch: below variation 1 VGPNN may give
     * them back unchanged (documented), so only variation 1 must rearrange them. */
    if (e->variation >= 1.0f) {
      snprintf(why, n, "the generated frame at t=%g is the source frame unchanged at variation %g", e->time,
               (double)e->variation);
      bad_pixels = predicted;
    }
  } else if (bad_pixels == 0 && predicted > 0 && moved == 0) {
    snprintf(why, n, "the added frame at t=%g is the held nearest frame, not a prediction", e->time);
    bad_pixels = predicted;
  } else if (bad_pixels == 0 && removed > 0 && changed * 2 < removed) {
    snprintf(why, n, "only %ld of %ld pixels under a full matte were filled (differ from the source)", changed,
             removed);
    bad_pixels = removed - changed;
  }
  bool outside_ok = true;
  if (bad_pixels == 0)
    for (size_t i = 0; i < out->alloc_size; i++)
      if (out->alloc[i] != want[i]) {
        char where[128];
        image_describe_offset(out, i, where, sizeof where);
        snprintf(why, n, "wrote outside the render window: %s", where);
        outside_ok = false;
        break;
      }
  free(want);
  return bad_pixels == 0 && outside_ok;
}
