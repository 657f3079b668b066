// The same program as one_op.cpp without cuact: the CUDA runtime alone.
#include <cuda_runtime_api.h>

int main() {
  int devices = 0;
  (void)cudaGetDeviceCount(&devices);
  return devices < 0;
}
