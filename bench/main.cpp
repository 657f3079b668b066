// cuact_bench: checks every operation against the CPU reference, then times it against the
// same-run device-to-device copy bandwidth. See --help.
#include "bench/options.hpp"
#include "bench/report.hpp"
#include "bench/runner.hpp"
#include "bench/runtime_costs.hpp"
#include "bench/timing.hpp"

#include <cuda_runtime.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <nvtx3/nvtx3.hpp>
#include <string>
#include <vector>

namespace {

/// Empty when a CUDA device is usable, otherwise why not.
std::string gpu_unavailable_reason() {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
  }
  if (count == 0) {
    return "no CUDA devices found";
  }
  const cudaError_t init = cudaFree(nullptr);
  if (init != cudaSuccess) {
    return std::string("creating a context failed: ") + cudaGetErrorString(init);
  }
  return {};
}

template <class Write>
void write_file(const std::string& path, Write&& write) {
  if (path.empty()) {
    return;
  }
  if (path == "-") {
    write(std::cout);
    return;
  }
  std::ofstream out(path);
  write(out);
  if (!out) {
    throw std::runtime_error("cannot write " + path);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cuact::bench;
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cuact_bench: %s\n", e.what());
    return 2;
  }
  const std::string why = gpu_unavailable_reason();
  if (!why.empty()) {
    std::fprintf(stderr,
                 "cuact_bench: no usable CUDA GPU (%s).\n"
                 "cuact_bench measures kernels on a GPU; there is nothing to run on this "
                 "machine.\n",
                 why.c_str());
    return 2;
  }

  try {
    cudaStream_t stream = nullptr;
    if (cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking) != cudaSuccess) {
      throw std::runtime_error("cudaStreamCreateWithFlags failed");
    }
    const std::vector<BenchCase> cases = select_cases(options);
    if (cases.empty()) {
      std::fprintf(stderr, "cuact_bench: the filters select no operation (see --help)\n");
      return 2;
    }
    Runner runner(options, stream);

    if (options.profile) {
      for (const BenchCase& c : cases) {
        for (const std::int64_t n : options.sizes) {
          const std::string name = c.op + "/" + direction_name(c.direction) + "/" +
                                   dtype_name(c.dtype) + "/n" + std::to_string(n);
          const nvtx3::scoped_range range{name};
          runner.profile(c, n);
        }
      }
      std::printf("cuact_bench: profiled %zu cases x %zu sizes\n", cases.size(),
                  options.sizes.size());
      return 0;
    }

    const Environment env = describe_environment();
    print_environment(std::cout, env);
    {
      void* scratch = nullptr;
      if (cudaMalloc(&scratch, 256) != cudaSuccess) {
        throw std::runtime_error("cudaMalloc of 256 bytes failed");
      }
      print_runtime_costs(std::cout, measure_runtime_costs(scratch, stream));
      cuda_ok(cudaFree(scratch), "cudaFree");
    }
    print_table_header(std::cout);
    std::vector<Row> rows;
    bool all_ok = true;
    for (const BenchCase& c : cases) {
      for (const std::int64_t n : options.sizes) {
        rows.push_back(runner.measure(c, n));
        print_table_row(std::cout, rows.back());
        std::cout.flush();
        all_ok = all_ok && rows.back().ok;
      }
    }
    write_file(options.csv_path, [&](std::ostream& out) { write_csv(out, rows); });
    write_file(options.json_path, [&](std::ostream& out) { write_json(out, env, rows); });
    cudaStreamDestroy(stream);
    if (!all_ok) {
      std::fprintf(stderr, "cuact_bench: some results did not match the CPU reference\n");
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cuact_bench: %s\n", e.what());
    return 1;
  }
}
