// Trains a small MLP on synthetic data with cuact's layers: the code to copy from.
//
//   x [N, D] -> Linear(D, H) -> PReLU(H channels, learned) -> Linear(H, H2) -> ELU
//            -> Linear(H2, 1) -> MSE against y = tanh(x . w_true)
//
// Matrix products are cuBLAS; activations and their gradients are cuact layers; SGD updates
// the three weight matrices and PReLU's alpha. Everything runs on one non-blocking stream;
// the host synchronizes only to print the loss. Without a GPU it says so and exits with 2.
#include <cuact/device_buffer.hpp>
#include <cuact/layers.hpp>

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
  }
}
void check(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS) {
    throw std::runtime_error(std::string(what) + ": cuBLAS status " + std::to_string(s));
  }
}

/// Row-major C[m, n] = op(A) op(B) + beta*C, where op(A) is [m, k] (A stored [k, m] when
/// ta) and op(B) is [k, n] (B stored [n, k] when tb). cuBLAS is column-major, so compute
/// C^T = op(B)^T op(A)^T.
void gemm(cublasHandle_t h, bool ta, bool tb, int m, int n, int k, const float* a, const float* b,
          float* c, float beta = 0.0f) {
  const float one = 1.0f;
  check(cublasSgemm(h, tb ? CUBLAS_OP_T : CUBLAS_OP_N, ta ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k,
                    &one, b, tb ? k : n, a, ta ? m : k, &beta, c, n),
        "cublasSgemm");
}

/// w -= lr * g
void sgd(cublasHandle_t h, float lr, float* w, const float* g, int count) {
  const float step = -lr;
  check(cublasSaxpy(h, count, &step, g, 1, w, 1), "cublasSaxpy");
}

std::vector<float> uniform(std::size_t count, float bound, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-bound, bound);
  std::vector<float> v(count);
  for (auto& e : v) e = dist(rng);
  return v;
}

}  // namespace

int main() {
  int devices = 0;
  const cudaError_t found = cudaGetDeviceCount(&devices);
  if (found != cudaSuccess || devices == 0) {
    std::fprintf(stderr,
                 "train_mlp: no usable CUDA GPU or driver was found (%s: %s); this example "
                 "trains an MLP on the GPU, so it stops here (exit status 2).\n",
                 found != cudaSuccess ? cudaGetErrorName(found) : "0 devices",
                 found != cudaSuccess ? cudaGetErrorString(found) : "cudaGetDeviceCount found none");
    return 2;
  }
  try {
    constexpr int N = 4096, D = 32, H = 128, H2 = 64, kSteps = 400;
    constexpr float kLearningRate = 0.03f;  // 0.1 diverges (checked with a CPU model)
    cudaStream_t stream = nullptr;
    check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
    cublasHandle_t blas = nullptr;
    check(cublasCreate(&blas), "cublasCreate");
    check(cublasSetStream(blas, stream), "cublasSetStream");

    // Synthetic data: y = tanh(x . w_true).
    std::mt19937 rng(7);
    const auto host_x = uniform(std::size_t(N) * D, 1.7f, rng);
    const auto w_true = uniform(D, 0.5f, rng);
    std::vector<float> host_y(N);
    for (int i = 0; i < N; ++i) {
      float dot = 0;
      for (int j = 0; j < D; ++j) dot += host_x[std::size_t(i) * D + j] * w_true[j];
      host_y[i] = std::tanh(dot);
    }

    using Buffer = cuact::DeviceBuffer<float>;
    Buffer x(std::size_t(N) * D, stream), y(N, stream);
    Buffer w1(D * H, stream), w2(H * H2, stream), w3(H2, stream);
    Buffer h1(std::size_t(N) * H, stream), a1(std::size_t(N) * H, stream);
    Buffer h2(std::size_t(N) * H2, stream), a2(std::size_t(N) * H2, stream), out(N, stream);
    Buffer dout(N, stream), da2(std::size_t(N) * H2, stream), da1(std::size_t(N) * H, stream);
    Buffer dw1(D * H, stream), dw2(H * H2, stream), dw3(H2, stream);
    x.copy_from_host(host_x);
    y.copy_from_host(host_y);
    w1.copy_from_host(uniform(D * H, std::sqrt(6.0f / D), rng));
    w2.copy_from_host(uniform(H * H2, std::sqrt(6.0f / H), rng));
    w3.copy_from_host(uniform(H2, std::sqrt(6.0f / H2), rng));

    cuact::PreluLayer<float> prelu(H, stream);  // alpha = 0.25 per hidden unit
    cuact::ActivationLayer<float> elu(cuact::Activation::elu(1.0));
    const auto hidden = cuact::PreluShape::matrix(N, H);
    prelu.reserve(hidden, stream);

    for (int step = 0; step <= kSteps; ++step) {
      // Forward.
      gemm(blas, false, false, N, H, D, x.data(), w1.data(), h1.data());
      prelu.forward(h1.data(), a1.data(), hidden, stream);
      gemm(blas, false, false, N, H2, H, a1.data(), w2.data(), h2.data());
      elu.forward(h2.data(), a2.data(), std::int64_t(N) * H2, stream);  // keeps a2
      gemm(blas, false, false, N, 1, H2, a2.data(), w3.data(), out.data());

      // Loss = mean((out - y)^2); dout = 2 (out - y) / N.
      const float minus_one = -1.0f, scale = 2.0f / N;
      check(cublasScopy(blas, N, out.data(), 1, dout.data(), 1), "cublasScopy");
      check(cublasSaxpy(blas, N, &minus_one, y.data(), 1, dout.data(), 1), "cublasSaxpy");
      if (step % 50 == 0) {
        float norm = 0;  // host pointer mode: this call waits for the stream
        check(cublasSnrm2(blas, N, dout.data(), 1, &norm), "cublasSnrm2");
        std::printf("step %3d  loss %.5f\n", step, norm * norm / N);
      }
      if (step == kSteps) break;
      check(cublasSscal(blas, N, &scale, dout.data(), 1), "cublasSscal");

      // Backward.
      gemm(blas, true, false, H2, 1, N, a2.data(), dout.data(), dw3.data());
      gemm(blas, false, true, N, H2, 1, dout.data(), w3.data(), da2.data());
      elu.backward(da2.data(), da2.data(), std::int64_t(N) * H2, stream);  // in place
      gemm(blas, true, false, H, H2, N, a1.data(), da2.data(), dw2.data());
      gemm(blas, false, true, N, H, H2, da2.data(), w2.data(), da1.data());
      prelu.zero_grad(stream);
      prelu.backward(da1.data(), da1.data(), stream);  // dh1 in place; alpha grad accumulates
      gemm(blas, true, false, D, H, N, x.data(), da1.data(), dw1.data());

      // SGD, alpha included.
      sgd(blas, kLearningRate, w1.data(), dw1.data(), D * H);
      sgd(blas, kLearningRate, w2.data(), dw2.data(), H * H2);
      sgd(blas, kLearningRate, w3.data(), dw3.data(), H2);
      sgd(blas, kLearningRate, prelu.alpha(), prelu.alpha_grad(), H);
    }
    std::vector<float> alpha(H);
    check(cudaMemcpyAsync(alpha.data(), prelu.alpha(), H * sizeof(float), cudaMemcpyDeviceToHost,
                          stream),
          "cudaMemcpyAsync");
    check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    float mean_alpha = 0;
    for (float a : alpha) mean_alpha += a / H;
    std::printf("PReLU alpha: mean %.4f (started at 0.25)\n", mean_alpha);
    cublasDestroy(blas);
    cudaStreamDestroy(stream);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_mlp: %s\n", e.what());
    return 1;
  }
}
