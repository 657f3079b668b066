// A first cuact call: y = GELU(x) on the GPU and its gradient, then one value checked on
// the host. Build: link cuact::cuact (examples/CMakeLists.txt), C++17.
#include <cuact/activations.hpp>
#include <cuact/device_buffer.hpp>
#include <cuact/error.hpp>

#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
  try {
    const std::int64_t n = 1 << 20;
    cudaStream_t stream = nullptr;  // any stream; cuact never synchronizes it
    cuact::DeviceBuffer<float> x(n, stream), y(n, stream), dy(n, stream), dx(n, stream);
    x.copy_from_host(std::vector<float>(n, 1.0f));
    dy.copy_from_host(std::vector<float>(n, 1.0f));

    // Arguments: inputs, outputs, count, the activation's parameters, stream.
    cuact::gelu_forward(x.data(), y.data(), n, cuact::GeluApproximate::tanh, stream);
    cuact::gelu_backward(x.data(), dy.data(), dx.data(), n, cuact::GeluApproximate::tanh,
                         cuact::Saved::input, stream);

    std::vector<float> host;
    y.copy_to_host(host);
    cudaStreamSynchronize(stream);
    std::printf("gelu(1) = %.6f\n", host[0]);  // 0.841192
    return 0;
  } catch (const cuact::error& e) {  // invalid_argument, or cuda_error (no GPU, ...)
    std::fprintf(stderr, "cuact: %s\n", e.what());
    return 1;
  }
}
