// Just enough of CUDA's device-side vocabulary for a host C++ compiler to parse kernels.cu (-fsyntax-only): catches
// syntax and type errors in the NVRTC source on machines without NVRTC. Not used to run anything.
#include <cmath>
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
struct wfx_dim3 { unsigned x, y, z; };
extern wfx_dim3 blockIdx, blockDim, threadIdx, gridDim;
inline float __int_as_float(int i) { float f; __builtin_memcpy(&f, &i, 4); return f; }
inline int __float_as_int(float f) { int i; __builtin_memcpy(&i, &f, 4); return i; }
inline void __syncthreads() {}
