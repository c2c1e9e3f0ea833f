// The launch side of cuda_host_emulation.h: grid and block sizes, each host thread's block and thread index.
thread_local wfx_dim3 threadIdx;
thread_local wfx_dim3 blockIdx;
wfx_dim3 blockDim;
wfx_dim3 gridDim;
pthread_barrier_t wfx_block_barrier;
static int barrier_ready = 0;

extern "C" void wfx_emu_grid(int grid, int block) {
  if (barrier_ready) pthread_barrier_destroy(&wfx_block_barrier);
  pthread_barrier_init(&wfx_block_barrier, 0, (unsigned) block);
  barrier_ready = 1;
  gridDim.x = (unsigned) grid; gridDim.y = 1; gridDim.z = 1;
  blockDim.x = (unsigned) block; blockDim.y = 1; blockDim.z = 1;
}

extern "C" void wfx_emu_thread(int block, int thread) {
  blockIdx.x = (unsigned) block; blockIdx.y = 0; blockIdx.z = 0;
  threadIdx.x = (unsigned) thread; threadIdx.y = 0; threadIdx.z = 0;
}
