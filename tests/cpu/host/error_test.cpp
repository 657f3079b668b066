// The exception types and the text of a CUDA error.
#include <cuact/device_buffer.hpp>
#include <cuact/error.hpp>
#include <cuact/layers.hpp>

#include <cuda_runtime_api.h>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace cuact {
namespace {

TEST(CudaError, NamesTheCallTheErrorCodeAndItsText) {
  const cuda_error e(cudaErrorInvalidValue, "relu_forward: kernel launch");
  EXPECT_EQ(e.code(), cudaErrorInvalidValue);
  EXPECT_EQ(std::string(e.what()),
            "relu_forward: kernel launch: cudaErrorInvalidValue (1): invalid argument");
}

TEST(CudaError, SaysPlainlyWhenThereIsNoUsableGpuAndKeepsTheCudaErrorName) {
  const cuda_error e(cudaErrorInsufficientDriver, "ActivationLayer: cudaGetDevice(&device)");
  EXPECT_EQ(std::string(e.what()).rfind(
                "ActivationLayer: cudaGetDevice(&device): no usable CUDA GPU or driver was found "
                "(cudaErrorInsufficientDriver (35): ",
                0),
            0u)
      << e.what();
  EXPECT_NE(std::string(cuda_error(cudaErrorNoDevice, "f").what())
                .find("no usable CUDA GPU or driver was found (cudaErrorNoDevice"),
            std::string::npos);
}

TEST(CudaError, OnAMachineWithoutAGpuLayersAndBuffersSayThereIsNone) {
  int count = 0;
  const cudaError_t probe = cudaGetDeviceCount(&count);
  if (probe == cudaSuccess && count > 0) {
    GTEST_SKIP() << "this machine has a GPU";
  }
  try {
    ActivationLayer<float> layer(Activation::relu());
    FAIL() << "a layer was made without a GPU";
  } catch (const cuda_error& e) {
    EXPECT_NE(std::string(e.what()).find("ActivationLayer: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no usable CUDA GPU or driver was found"),
              std::string::npos)
        << e.what();
  }
  try {
    DeviceBuffer<float> buffer(16, nullptr);
    FAIL() << "a buffer was allocated without a GPU";
  } catch (const cuda_error& e) {
    EXPECT_NE(std::string(e.what()).find("no usable CUDA GPU or driver was found"),
              std::string::npos)
        << e.what();
  }
}

TEST(Errors, AllDeriveFromCuactErrorAndStdRuntimeError) {
  EXPECT_THROW(throw invalid_argument("x"), error);
  EXPECT_THROW(throw cuda_error(cudaErrorMemoryAllocation, "y"), error);
  EXPECT_THROW(throw invalid_argument("x"), std::runtime_error);
  EXPECT_THROW(throw cuda_error(cudaErrorMemoryAllocation, "y"), std::runtime_error);
}

}  // namespace
}  // namespace cuact
