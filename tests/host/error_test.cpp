// The exception types and the text of a CUDA error.
#include <cuact/error.hpp>

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

TEST(Errors, AllDeriveFromCuactErrorAndStdRuntimeError) {
  EXPECT_THROW(throw invalid_argument("x"), error);
  EXPECT_THROW(throw cuda_error(cudaErrorMemoryAllocation, "y"), error);
  EXPECT_THROW(throw invalid_argument("x"), std::runtime_error);
  EXPECT_THROW(throw cuda_error(cudaErrorMemoryAllocation, "y"), std::runtime_error);
}

}  // namespace
}  // namespace cuact
