/*
 * Image buffers as hosts hand them out: any bounds (negative origins too), rows stored
 * top-down or bottom-up (negative rowBytes: data points at row y1, the LAST row in
 * memory, as MLT does), optional padding after each row, and guard bytes on both sides
 * so a write outside the image is caught as surely as a wrong pixel.
 */
#include "testhost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUARD_BYTES 256

size_t depth_bytes(Depth d) {
  switch (d) {
  case DEPTH_BYTE: return 1;
  case DEPTH_SHORT: return 2;
  case DEPTH_HALF: return 2;
  default: return 4;
  }
}

const char *depth_ofx(Depth d) {
  static const char *const names[] = {kOfxBitDepthByte, kOfxBitDepthShort, kOfxBitDepthHalf, kOfxBitDepthFloat};
  return names[d];
}

const char *depth_label(Depth d) {
  static const char *const names[] = {"8bit", "16bit", "half", "float"};
  return names[d];
}

const char *comps_ofx(int ncomp) {
  return ncomp == 1 ? kOfxImageComponentAlpha : ncomp == 3 ? kOfxImageComponentRGB : kOfxImageComponentRGBA;
}

int image_width(const Image *img) { return img->bounds.x2 - img->bounds.x1; }
int image_height(const Image *img) { return img->bounds.y2 - img->bounds.y1; }

Image *image_new(Depth depth, int ncomp, OfxRectI bounds, bool bottom_up, int pad) {
  static uint64_t next_uid = 1;
  Image *img = calloc(1, sizeof *img);
  if (!img) abort();
  img->depth = depth;
  img->ncomp = ncomp;
  img->bounds = bounds;
  img->uid = __atomic_fetch_add(&next_uid, 1, __ATOMIC_RELAXED);
  int w = bounds.x2 > bounds.x1 ? bounds.x2 - bounds.x1 : 0;
  int h = bounds.y2 > bounds.y1 ? bounds.y2 - bounds.y1 : 0;
  size_t stride = (size_t)w * (size_t)ncomp * depth_bytes(depth) + (size_t)pad;
  img->alloc_size = GUARD_BYTES * 2 + stride * (size_t)h;
  img->alloc = calloc(1, img->alloc_size);
  img->snapshot = calloc(1, img->alloc_size);
  if (!img->alloc || !img->snapshot) abort();
  unsigned char *rows = img->alloc + GUARD_BYTES;
  if (bottom_up && h > 0) {
    img->rowBytes = -(int)stride;
    img->data = rows + stride * (size_t)(h - 1);
  } else {
    img->rowBytes = (int)stride;
    img->data = rows;
  }
  return img;
}

void image_free(Image *img) {
  if (!img) return;
  free(img->alloc);
  free(img->snapshot);
  free(img);
}

unsigned char *image_pixel(const Image *img, int x, int y) {
  const OfxRectI *b = &img->bounds;
  if (x < b->x1 || x >= b->x2 || y < b->y1 || y >= b->y2) return NULL;
  ptrdiff_t off = (ptrdiff_t)(y - b->y1) * img->rowBytes +
                  (ptrdiff_t)(x - b->x1) * img->ncomp * (ptrdiff_t)depth_bytes(img->depth);
  return img->data + off;
}

/* splitmix32-style hash: deterministic content without a global RNG state. */
static uint32_t hash4(uint32_t seed, uint32_t x, uint32_t y, uint32_t c) {
  uint32_t h = seed * 0x9E3779B9u ^ x * 0x85EBCA6Bu ^ y * 0xC2B2AE35u ^ c * 0x27D4EB2Fu;
  h ^= h >> 16;
  h *= 0x7FEB352Du;
  h ^= h >> 15;
  h *= 0x846CA68Bu;
  h ^= h >> 16;
  return h;
}

static float unit(uint32_t h) { return (float)(h >> 8) * (1.0f / 16777216.0f); }

/* The value of one channel as a float in the image's nominal [0,1] scale. `alpha_like`
 * picks from the matte distribution: 0, 1 and partial, with out-of-range in float. */
static float pattern_value(uint32_t h, bool alpha_like, bool is_float) {
  uint32_t pick = h % 8;
  float u = unit(hash4(h, 1, 2, 3));
  if (alpha_like) {
    switch (pick) {
    case 0: case 1: return 0.0f;
    case 2: case 3: return 1.0f;
    case 4: return is_float ? 1.5f : u;
    case 5: return is_float ? -0.25f : u;
    case 6: return is_float ? -0.0f : 0.0f;
    default: return u;
    }
  }
  switch (pick) {
  case 0: return is_float ? 1.0f + 3.0f * u : u; /* HDR */
  case 1: return is_float ? -u : u;             /* negative */
  case 2: return 0.0f;
  case 3: return 1.0f;
  case 4: return is_float ? -0.0f : u;
  default: return u;
  }
}

static void store(Depth d, unsigned char *p, float v, uint32_t h) {
  switch (d) {
  case DEPTH_BYTE: {
    /* Spread over all codes, keeping the exact 0 and max the distribution asked for. */
    unsigned b = v <= 0.0f ? 0u : v >= 1.0f ? 255u : 1u + h % 254u;
    *p = (unsigned char)b;
    break;
  }
  case DEPTH_SHORT: {
    unsigned s = v <= 0.0f ? 0u : v >= 1.0f ? 65535u : 1u + h % 65534u;
    uint16_t s16 = (uint16_t)s;
    memcpy(p, &s16, 2);
    break;
  }
  case DEPTH_HALF: {
    uint16_t bits = (uint16_t)(h & 0x3bff); /* finite halves in [0, 1) */
    memcpy(p, &bits, 2);
    break;
  }
  case DEPTH_FLOAT: memcpy(p, &v, 4); break;
  }
}

void image_fill_pattern(Image *img, PatternKind kind, uint32_t seed) {
  bool is_float = img->depth == DEPTH_FLOAT;
  size_t cb = depth_bytes(img->depth);
  for (int y = img->bounds.y1; y < img->bounds.y2; y++)
    for (int x = img->bounds.x1; x < img->bounds.x2; x++) {
      unsigned char *px = image_pixel(img, x, y);
      /* Every fifth colour pixel is black, so a luminance matte is exactly 0 there. */
      bool black = kind == PATTERN_COLOUR && hash4(seed, (uint32_t)x, (uint32_t)y, 99) % 5 == 0;
      for (int c = 0; c < img->ncomp; c++) {
        uint32_t h = hash4(seed, (uint32_t)x, (uint32_t)y, (uint32_t)c);
        bool alpha = kind == PATTERN_MATTE || c == 3 || img->ncomp == 1;
        float v = black && !alpha ? 0.0f : pattern_value(h, alpha, is_float);
        store(img->depth, px + (size_t)c * cb, v, hash4(h, 7, 7, 7));
      }
    }
  memcpy(img->snapshot, img->alloc, img->alloc_size);
}

void image_fill_sentinel(Image *img) {
  for (size_t i = 0; i < img->alloc_size; i++) img->alloc[i] = (unsigned char)(0xA5u ^ (i * 37u) ^ (i >> 8));
  memcpy(img->snapshot, img->alloc, img->alloc_size);
}

void image_describe_offset(const Image *img, size_t off, char *out, size_t n) {
  size_t rows_start = GUARD_BYTES;
  size_t stride = (size_t)(img->rowBytes < 0 ? -img->rowBytes : img->rowBytes);
  int h = image_height(img);
  size_t rows_end = rows_start + stride * (size_t)(h > 0 ? h : 0);
  if (off < rows_start || off >= rows_end || stride == 0) {
    snprintf(out, n, "guard byte %s the image memory", off < rows_start ? "before" : "after");
    return;
  }
  size_t rel = off - rows_start;
  int mem_row = (int)(rel / stride);
  size_t col = rel % stride;
  int y = img->rowBytes < 0 ? img->bounds.y1 + (h - 1 - mem_row) : img->bounds.y1 + mem_row;
  size_t pxb = (size_t)img->ncomp * depth_bytes(img->depth);
  size_t used = (size_t)image_width(img) * pxb;
  if (col >= used) {
    snprintf(out, n, "row padding after row y=%d", y);
    return;
  }
  int x = img->bounds.x1 + (int)(col / pxb);
  int c = (int)((col % pxb) / depth_bytes(img->depth));
  snprintf(out, n, "pixel (%d,%d) channel %d", x, y, c);
}

bool image_untouched(const Image *img, char *why, size_t n) {
  for (size_t i = 0; i < img->alloc_size; i++)
    if (img->alloc[i] != img->snapshot[i]) {
      char where[128];
      image_describe_offset(img, i, where, sizeof where);
      snprintf(why, n, "output written at %s", where);
      return false;
    }
  return true;
}

bool image_row_untouched(const Image *img, int y) {
  unsigned char *row = image_pixel(img, img->bounds.x1, y);
  if (!row) return true;
  size_t len = (size_t)image_width(img) * (size_t)img->ncomp * depth_bytes(img->depth);
  size_t off = (size_t)(row - img->alloc);
  return memcmp(img->alloc + off, img->snapshot + off, len) == 0;
}

bool image_same_pixels(const Image *a, const Image *b, OfxRectI w, char *why, size_t n) {
  size_t pxb = (size_t)a->ncomp * depth_bytes(a->depth);
  for (int y = w.y1; y < w.y2; y++)
    for (int x = w.x1; x < w.x2; x++) {
      const unsigned char *pa = image_pixel(a, x, y), *pb = image_pixel(b, x, y);
      if (!pa || !pb) continue;
      if (memcmp(pa, pb, pxb) != 0) {
        snprintf(why, n, "pixel (%d,%d) differs from the reference", x, y);
        return false;
      }
    }
  return true;
}
