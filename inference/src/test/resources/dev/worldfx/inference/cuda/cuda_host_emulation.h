// Runs the NVRTC kernel source on the host, for tests on machines without a GPU: each kernel becomes a plain
// function, a block is 256 host threads meeting at a pthread barrier for __syncthreads(), __shared__ arrays are
// statics (one block runs at a time). The arithmetic is the host's (IEEE float and double, no FMA contraction), so
// results match the device's within the ulps of exp/erfc/tanh. Not used to run anything outside the tests.
#include <math.h>
#include <pthread.h>
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
struct wfx_dim3 { unsigned x, y, z; };
extern thread_local wfx_dim3 threadIdx;
extern thread_local wfx_dim3 blockIdx;
extern wfx_dim3 blockDim;
extern wfx_dim3 gridDim;
extern pthread_barrier_t wfx_block_barrier;
inline void __syncthreads() { pthread_barrier_wait(&wfx_block_barrier); }
inline float __int_as_float(int i) { float f; __builtin_memcpy(&f, &i, 4); return f; }
inline int __float_as_int(float f) { int i; __builtin_memcpy(&i, &f, 4); return i; }
