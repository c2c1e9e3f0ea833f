// WorldFX CUDA kernels, compiled at run time by NVRTC (CudaKernels) once per device architecture.
// Every kernel mirrors an op of the scalar reference (dev.worldfx.inference.ref); the comment above each names it.
// Plain CUDA C: no headers (NVRTC has none of the host toolkit's), 64-bit element counts, grid-stride loops.

#define WFX_NAN __int_as_float(0x7fc00000)
#define WFX_NEG_INF __int_as_float(0xff800000)
#define WFX_POS_INF __int_as_float(0x7f800000)

// Java's Math.max/min: NaN if either is NaN, and -0 < +0 (fmaxf/fminf return the other operand for NaN).
__device__ __forceinline__ float java_max(float a, float b) {
  if (a != a || b != b) return WFX_NAN;
  if (a == 0.0f && b == 0.0f) return __float_as_int(a) == 0 ? a : b;
  return a > b ? a : b;
}

__device__ __forceinline__ float java_min(float a, float b) {
  if (a != a || b != b) return WFX_NAN;
  if (a == 0.0f && b == 0.0f) return __float_as_int(a) != 0 ? a : b;
  return a < b ? a : b;
}

__device__ __forceinline__ double java_maxd(double a, double b) {
  if (a != a || b != b) return a + b;
  return a > b ? a : b;
}

__device__ __forceinline__ double java_mind(double a, double b) {
  if (a != a || b != b) return a + b;
  return a < b ? a : b;
}

// RefPointwise.unary; op is Ops.Unary's ordinal:
// RELU, LEAKY_RELU, GELU, GELU_TANH, SILU, SIGMOID, TANH, EXP, LOG, SQRT, NEG, ABS, IDENTITY
extern "C" __global__ void wfx_unary(const float* x, float* y, long long n, int op, float alpha) {
  for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
    float v = x[i];
    double d = (double) v;
    float r;
    switch (op) {
      case 0: r = java_max(v, 0.0f); break;
      case 1: r = v < 0 ? alpha * v : v; break;
      case 2: r = v == WFX_NEG_INF ? -0.0f : (float) (d * 0.5 * erfc(-d / 1.4142135623730951)); break;
      case 3: r = v == WFX_NEG_INF ? -0.0f
          : (float) (d / (1.0 + exp(-2.0 * 0.7978845608028654 * (d + 0.044715 * d * d * d)))); break;
      case 4: r = v == WFX_NEG_INF ? -0.0f : (float) (d / (1.0 + exp(-d))); break;
      case 5: r = (float) (1.0 / (1.0 + exp(-d))); break;
      case 6: r = (float) tanh(d); break;
      case 7: r = (float) exp(d); break;
      case 8: r = (float) log(d); break;
      case 9: r = (float) sqrt(d); break;
      case 10: r = -v; break;
      case 11: r = fabsf(v); break;
      default: r = v; break;
    }
    y[i] = r;
  }
}

// RefPointwise.binary with numpy broadcasting. meta holds, per output dim (rank of them): the output size, then a's
// element stride, then b's (0 where that operand broadcasts). op is Ops.Binary's ordinal: ADD, SUB, MUL, DIV, MAX,
// MIN, POW.
extern "C" __global__ void wfx_binary(const float* a, const float* b, float* y, long long n, int op, int rank,
    const long long* meta) {
  for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
    long long rest = i;
    long long ia = 0;
    long long ib = 0;
    for (int d = rank - 1; d >= 0; d--) {
      long long size = meta[d];
      long long idx = rest % size;
      rest /= size;
      ia += idx * meta[rank + d];
      ib += idx * meta[2 * rank + d];
    }
    float u = a[ia];
    float v = b[ib];
    float r;
    switch (op) {
      case 0: r = u + v; break;
      case 1: r = u - v; break;
      case 2: r = u * v; break;
      case 3: r = u / v; break;
      case 4: r = java_max(u, v); break;
      case 5: r = java_min(u, v); break;
      default: r = (float) pow((double) u, (double) v); break;
    }
    y[i] = r;
  }
}

// Block-wide sum of a double (blockDim.x a power of two, at most 256).
__device__ double block_sum(double v, double* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if ((int) threadIdx.x < s) shared[threadIdx.x] += shared[threadIdx.x + s];
    __syncthreads();
  }
  double r = shared[0];
  __syncthreads();
  return r;
}

__device__ double block_extreme(double v, double* shared, int isMax) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if ((int) threadIdx.x < s) {
      double o = shared[threadIdx.x + s];
      shared[threadIdx.x] = isMax ? java_maxd(shared[threadIdx.x], o) : java_mind(shared[threadIdx.x], o);
    }
    __syncthreads();
  }
  double r = shared[0];
  __syncthreads();
  return r;
}

// RefPointwise.reduce: one block per output element. meta: keptRank sizes, keptRank input strides, then redRank
// sizes, redRank input strides (the kept dims in output order). op is Ops.Reduce's ordinal: SUM, MEAN, MAX, MIN.
extern "C" __global__ void wfx_reduce(const float* x, float* y, long long outN, long long count, int op, int keptRank,
    int redRank, const long long* meta) {
  __shared__ double shared[256];
  const long long* keptSize = meta;
  const long long* keptStride = meta + keptRank;
  const long long* redSize = meta + 2 * keptRank;
  const long long* redStride = meta + 2 * keptRank + redRank;
  for (long long o = blockIdx.x; o < outN; o += gridDim.x) {
    long long rest = o;
    long long base = 0;
    for (int d = keptRank - 1; d >= 0; d--) {
      base += (rest % keptSize[d]) * keptStride[d];
      rest /= keptSize[d];
    }
    double acc = op <= 1 ? 0.0 : (op == 2 ? (double) WFX_NEG_INF : (double) WFX_POS_INF);
    for (long long j = threadIdx.x; j < count; j += blockDim.x) {
      long long r = j;
      long long off = base;
      for (int d = redRank - 1; d >= 0; d--) {
        off += (r % redSize[d]) * redStride[d];
        r /= redSize[d];
      }
      double e = (double) x[off];
      acc = op <= 1 ? acc + e : (op == 2 ? java_maxd(acc, e) : java_mind(acc, e));
    }
    acc = op <= 1 ? block_sum(acc, shared) : block_extreme(acc, shared, op == 2);
    if (threadIdx.x == 0) y[o] = (float) (op == 1 ? acc / count : acc);
  }
}

// RefPointwise.softmax over the middle axis of [outer, n, inner]: one block per (outer, inner) row.
extern "C" __global__ void wfx_softmax(const float* x, float* y, long long rows, int n, long long inner) {
  __shared__ double shared[256];
  for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
    long long base = (r / inner) * n * inner + r % inner;
    double m = (double) WFX_NEG_INF;
    for (int j = threadIdx.x; j < n; j += blockDim.x) m = java_maxd(m, (double) x[base + j * inner]);
    float max = (float) block_extreme(m, shared, 1);
    double s = 0;
    for (int j = threadIdx.x; j < n; j += blockDim.x) s += exp((double) x[base + j * inner] - max);
    double sum = block_sum(s, shared);
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
      long long i = base + j * inner;
      y[i] = (float) (exp((double) x[i] - max) / sum);
    }
  }
}

// RefNorm.batchNorm: channel of element i is (i / inner) % c.
extern "C" __global__ void wfx_batch_norm(const float* x, float* y, long long n, int c, long long inner,
    const float* scale, const float* bias, const float* mean, const float* var, float eps) {
  for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
    int ch = (int) ((i / inner) % c);
    y[i] = (float) (((double) x[i] - mean[ch]) / sqrt((double) var[ch] + eps) * scale[ch] + bias[ch]);
  }
}

// RefNorm.groupNorm and layerNorm: each row of rowLen consecutive values is normalised with its own mean and two-pass
// variance (in double), then scaled. Parameter index of element j of row r: layer norm (channelOf == 0) uses j;
// group norm uses the channel ((r % groups) * rowLen + j) / spatial. scale or bias may be null.
extern "C" __global__ void wfx_norm_rows(const float* x, float* y, long long rows, long long rowLen, float eps,
    const float* scale, const float* bias, int channelOf, int groups, long long spatial) {
  __shared__ double shared[256];
  for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* in = x + r * rowLen;
    float* out = y + r * rowLen;
    double s = 0;
    for (long long j = threadIdx.x; j < rowLen; j += blockDim.x) s += in[j];
    double mean = block_sum(s, shared) / rowLen;
    double q = 0;
    for (long long j = threadIdx.x; j < rowLen; j += blockDim.x) {
      double d = in[j] - mean;
      q += d * d;
    }
    double inv = 1.0 / sqrt(block_sum(q, shared) / rowLen + eps);
    for (long long j = threadIdx.x; j < rowLen; j += blockDim.x) {
      long long p = channelOf ? ((r % groups) * rowLen + j) / spatial : j;
      float v = (float) ((in[j] - mean) * inv);  // rounded, then scaled in float, as the reference
      out[j] = v * (scale ? scale[p] : 1.0f) + (bias ? bias[p] : 0.0f);
    }
  }
}

// GridCoordinates.unnormalize / padded, in float and in the same order as the Java.
__device__ float grid_unnormalize(float coord, int size, int alignCorners) {
  return alignCorners ? ((coord + 1) / 2) * (size - 1) : ((coord + 1) * size - 1) / 2;
}

__device__ float grid_clip(float p, int size) {
  if (p <= 0) return 0;
  float max = (float) (size - 1);
  return p >= max ? max : p;
}

__device__ float grid_reflect(float p, int twiceLow, int twiceHigh) {
  if (twiceLow == twiceHigh) return 0;
  float min = twiceLow / 2.0f;
  float span = (twiceHigh - twiceLow) / 2.0f;
  float d = fabsf(p - min);
  float extra = fmodf(d, span);
  int flips = (int) floorf(d / span);
  return flips % 2 == 0 ? extra + min : span - extra + min;
}

// padding: Ops.GridPadding's ordinal: ZEROS, BORDER, REFLECTION
__device__ float grid_padded(float p, int size, int padding, int alignCorners) {
  if (padding == 0) return p;
  if (padding == 1) return grid_clip(p, size);
  return grid_clip(alignCorners ? grid_reflect(p, 0, 2 * (size - 1)) : grid_reflect(p, -1, 2 * size - 1), size);
}

__device__ __forceinline__ int grid_inside(double i, int size) {
  return i >= 0 && i < size;  // false for NaN
}

__device__ double grid_pixel(const float* plane, int h, int w, double ix, double iy) {
  if (!grid_inside(ix, w) || !grid_inside(iy, h)) return 0;
  return plane[(long long) (int) iy * w + (int) ix];
}

__device__ double grid_bilinear(const float* plane, int h, int w, float ix, float iy) {
  double x0 = floor((double) ix);
  double y0 = floor((double) iy);
  double tx = ix - x0;
  double ty = iy - y0;
  double acc = 0;
  for (int dy = 0; dy < 2; dy++) {
    for (int dx = 0; dx < 2; dx++) {
      double wgt = (dx == 0 ? 1 - tx : tx) * (dy == 0 ? 1 - ty : ty);
      if (grid_inside(x0 + dx, w) && grid_inside(y0 + dy, h)) {
        acc += wgt * plane[(long long) (int) (y0 + dy) * w + (int) (x0 + dx)];
      }
    }
  }
  return acc;
}

__device__ void grid_cubic_coefficients(double t, double* c) {
  double a = -0.75;
  double u = 1 - t;
  c[0] = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
  c[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
  c[2] = ((a + 2) * u - (a + 3)) * u * u + 1;
  c[3] = ((a * (u + 1) - 5 * a) * (u + 1) + 8 * a) * (u + 1) - 4 * a;
}

__device__ double grid_bicubic(const float* plane, int h, int w, float ux, float uy, int padding, int alignCorners) {
  float x0 = floorf(ux);
  float y0 = floorf(uy);
  double cx[4];
  double cy[4];
  grid_cubic_coefficients(ux - x0, cx);
  grid_cubic_coefficients(uy - y0, cy);
  double acc = 0;
  for (int i = 0; i < 4; i++) {
    float ty = grid_padded(y0 - 1 + i, h, padding, alignCorners);
    double row = 0;
    for (int j = 0; j < 4; j++) {
      float tx = grid_padded(x0 - 1 + j, w, padding, alignCorners);
      row += cx[j] * grid_pixel(plane, h, w, tx, ty);
    }
    acc += cy[i] * row;
  }
  return acc;
}

// RefSpatial.gridSample: x [N,C,H,W], grid [N,Ho,Wo,2] -> [N,C,Ho,Wo]; one thread per output pixel, all channels.
// mode: Ops.GridMode's ordinal: BILINEAR, NEAREST, BICUBIC.
extern "C" __global__ void wfx_grid_sample(const float* x, const float* grid, float* y, int n, int c, int h, int w,
    int ho, int wo, int mode, int padding, int alignCorners) {
  long long pixels = (long long) n * ho * wo;
  for (long long p = blockIdx.x * (long long) blockDim.x + threadIdx.x; p < pixels;
       p += (long long) gridDim.x * blockDim.x) {
    int b = (int) (p / ((long long) ho * wo));
    long long o = p % ((long long) ho * wo);
    float ux = grid_unnormalize(grid[p * 2], w, alignCorners);
    float uy = grid_unnormalize(grid[p * 2 + 1], h, alignCorners);
    float ix = grid_padded(ux, w, padding, alignCorners);
    float iy = grid_padded(uy, h, padding, alignCorners);
    for (int ch = 0; ch < c; ch++) {
      const float* plane = x + ((long long) b * c + ch) * h * w;
      double v;
      if (mode == 0) v = grid_bilinear(plane, h, w, ix, iy);
      else if (mode == 1) v = grid_pixel(plane, h, w, rint((double) ix), rint((double) iy));  // half to even
      else v = grid_bicubic(plane, h, w, ux, uy, padding, alignCorners);
      y[((long long) b * c + ch) * ho * wo + o] = (float) v;
    }
  }
}

// RefSpatial.warp: x [N,C,H,W], flow [N,2,H,W] in pixels -> [N,C,H,W], bilinear, align-corners coordinates.
extern "C" __global__ void wfx_warp(const float* x, const float* flow, float* y, int n, int c, int h, int w,
    int padding) {
  long long pixels = (long long) n * h * w;
  long long hw = (long long) h * w;
  for (long long p = blockIdx.x * (long long) blockDim.x + threadIdx.x; p < pixels;
       p += (long long) gridDim.x * blockDim.x) {
    int b = (int) (p / hw);
    long long o = p % hw;
    int yy = (int) (o / w);
    int xx = (int) (o % w);
    float ix = grid_padded(xx + flow[(long long) b * 2 * hw + o], w, padding, 1);
    float iy = grid_padded(yy + flow[((long long) b * 2 + 1) * hw + o], h, padding, 1);
    for (int ch = 0; ch < c; ch++) {
      long long plane = ((long long) b * c + ch) * hw;
      y[plane + o] = (float) grid_bilinear(x + plane, h, w, ix, iy);
    }
  }
}

// RefSpatial.resize from precomputed ResizeTaps (k taps per output row / column, edge-clamped indices, weights in
// double as ONNX): x [P,H,W] -> [P,outH,outW]. Nearest (k == 1, pick) copies; the others sum along W, then H.
extern "C" __global__ void wfx_resize(const float* x, float* y, long long planes, int h, int w, int outH, int outW,
    int k, const int* rowIndex, const double* rowWeight, const int* colIndex, const double* colWeight, int pick) {
  long long n = planes * outH * outW;
  for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
    int ox = (int) (i % outW);
    int oy = (int) ((i / outW) % outH);
    long long p = i / ((long long) outW * outH);
    const float* plane = x + p * h * w;
    if (pick) {
      y[i] = plane[(long long) rowIndex[oy] * w + colIndex[ox]];
      continue;
    }
    double acc = 0;
    for (int a = oy * k; a < (oy + 1) * k; a++) {
      double row = 0;
      for (int b = ox * k; b < (ox + 1) * k; b++) {
        row += colWeight[b] * plane[(long long) rowIndex[a] * w + colIndex[b]];
      }
      acc += rowWeight[a] * row;
    }
    y[i] = (float) acc;
  }
}

// Attention's mask and scale: s[b, i, j] = s[b, i, j] + mask at its broadcast offset (meta as in wfx_binary, rank 3:
// [batches, Lq, Lk] sizes then the mask's strides; the scores' own strides are contiguous).
extern "C" __global__ void wfx_add_broadcast(float* s, const float* mask, long long n, int rank, const long long* meta) {
  for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
    long long rest = i;
    long long im = 0;
    for (int d = rank - 1; d >= 0; d--) {
      long long size = meta[d];
      im += (rest % size) * meta[rank + d];
      rest /= size;
    }
    s[i] = s[i] + mask[im];
  }
}

// C broadcast into the gemm output before beta is applied: y[i, j] = c[i * rowStride + j * colStride].
extern "C" __global__ void wfx_broadcast2d(const float* c, float* y, int m, int n, long long rowStride,
    long long colStride) {
  long long total = (long long) m * n;
  for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < total;
       i += (long long) gridDim.x * blockDim.x) {
    y[i] = c[(i / n) * rowStride + (i % n) * colStride];
  }
}
