// gelu has no mask (its gradient depends on more than a branch): no gelu_forward_mask.
// expect: gelu_forward_mask
#include <cuact/mask.hpp>
void call(const float* x, float* y, std::uint32_t* mask, std::int64_t n, cudaStream_t stream) {
  cuact::gelu_forward_mask(x, y, mask, n, cuact::GeluApproximate::none, stream);
}
