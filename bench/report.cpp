#include "bench/report.hpp"

#include <cuda_runtime.h>

#include <cstdio>
#include <iomanip>
#include <sstream>

#ifndef CUACT_GIT_COMMIT
#define CUACT_GIT_COMMIT "unknown"
#endif

namespace cuact::bench {

namespace {

std::string version_text(int v) {
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

std::string fixed(double v, int digits) {
  if (v < 0) {
    return "-";
  }
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

/// A CSV field: quoted, with quotes doubled (RFC 4180), so that commas in messages stay
/// inside their field.
std::string csv_string(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    out += ch;
    if (ch == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
    }
    out += ch;
  }
  return out + "\"";
}

}  // namespace

Environment describe_environment() {
  Environment env;
  int device = 0;
  cudaGetDevice(&device);
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, device);
  env.gpu = prop.name;
  env.sms = prop.multiProcessorCount;
  env.l2_mib = prop.l2CacheSize / 1048576.0;
  env.memory_gib = prop.totalGlobalMem / 1073741824.0;
  cudaDriverGetVersion(&env.driver);
  cudaRuntimeGetVersion(&env.runtime);
  env.commit = CUACT_GIT_COMMIT;
  return env;
}

void print_environment(std::ostream& out, const Environment& env) {
  out << "GPU: " << env.gpu << " (" << env.sms << " SMs, " << fixed(env.l2_mib, 0) << " MiB L2, "
      << fixed(env.memory_gib, 0) << " GiB), driver " << version_text(env.driver) << ", runtime "
      << version_text(env.runtime) << ", cuact " << env.commit << "\n";
  out << "cudnn_x: cuDNN's time / cuact's (above 1: cuact is faster); '-' where cuDNN has "
         "no such operation.\n";
  out << "Times are medians of CUDA-event timings per call; GB/s counts the spec's floor bytes "
         "(2 tensors forward, 3 backward); %copy compares with a same-run device-to-device "
         "cudaMemcpyAsync moving the same bytes.\n\n";
}

void print_table_header(std::ostream& out) {
  out << std::left << std::setw(15) << "op" << std::setw(16) << "direction" << std::setw(5)
      << "type" << std::right << std::setw(11) << "n" << std::setw(11) << "us" << std::setw(7)
      << "+-%" << std::setw(9) << "GB/s" << std::setw(9) << "copy" << std::setw(7) << "%copy"
      << std::setw(9) << "graph_us" << std::setw(8) << "host_us" << std::setw(8) << "cudnn_x"
      << "  check\n";
}

void print_table_row(std::ostream& out, const Row& r) {
  out << std::left << std::setw(15) << r.c.op << std::setw(16) << direction_name(r.c.direction)
      << std::setw(5) << dtype_name(r.c.dtype) << std::right << std::setw(11) << r.n;
  if (!r.skipped.empty()) {
    out << "  skipped: " << r.skipped << "\n";
    return;
  }
  if (!r.ok) {
    out << "  " << r.check << "\n";
    return;
  }
  out << std::setw(11) << fixed(r.median_us, 2) << std::setw(7) << fixed(r.spread_pct, 1)
      << std::setw(9) << fixed(r.gbps, 0) << std::setw(9) << fixed(r.copy_gbps, 0) << std::setw(7)
      << fixed(r.pct_copy, 1) << std::setw(9) << fixed(r.graph_us, 2) << std::setw(8)
      << fixed(r.host_us, 2) << std::setw(8)
      << (r.cudnn_us > 0 && r.median_us > 0 ? fixed(r.cudnn_us / r.median_us, 2) : "-") << "  "
      << r.check << (r.shape.empty() ? "" : " " + r.shape) << "\n";
}

const char* const kCsvHeader =
    "op,direction,dtype,n,shape,median_us,spread_pct,gbps,copy_gbps,pct_copy,graph_us,host_us,"
    "cudnn_us,ok,check,skipped";

void write_csv(std::ostream& out, const std::vector<Row>& rows) {
  out << kCsvHeader << "\n";
  for (const Row& r : rows) {
    out << r.c.op << ',' << direction_name(r.c.direction) << ',' << dtype_name(r.c.dtype) << ','
        << r.n << ',' << csv_string(r.shape) << ',' << r.median_us << ',' << r.spread_pct << ','
        << r.gbps << ',' << r.copy_gbps << ',' << r.pct_copy << ',' << r.graph_us << ','
        << r.host_us << ',' << r.cudnn_us << ',' << (r.ok ? 1 : 0) << ',' << csv_string(r.check)
        << ',' << csv_string(r.skipped) << "\n";
  }
}

void write_json(std::ostream& out, const Environment& env, const std::vector<Row>& rows) {
  out << "{\n  \"gpu\": " << json_string(env.gpu) << ", \"sms\": " << env.sms
      << ", \"driver\": " << json_string(version_text(env.driver))
      << ", \"runtime\": " << json_string(version_text(env.runtime))
      << ", \"commit\": " << json_string(env.commit) << ",\n  \"results\": [\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    out << "    {\"op\": " << json_string(r.c.op)
        << ", \"direction\": " << json_string(direction_name(r.c.direction))
        << ", \"dtype\": " << json_string(dtype_name(r.c.dtype)) << ", \"n\": " << r.n
        << ", \"shape\": " << json_string(r.shape) << ", \"median_us\": " << r.median_us
        << ", \"spread_pct\": " << r.spread_pct << ", \"gbps\": " << r.gbps
        << ", \"copy_gbps\": " << r.copy_gbps << ", \"pct_copy\": " << r.pct_copy
        << ", \"graph_us\": " << r.graph_us << ", \"host_us\": " << r.host_us
        << ", \"cudnn_us\": " << r.cudnn_us << ", \"ok\": " << (r.ok ? "true" : "false")
        << ", \"check\": " << json_string(r.check) << ", \"skipped\": " << json_string(r.skipped)
        << "}" << (i + 1 < rows.size() ? "," : "") << "\n";
  }
  out << "  ]\n}\n";
}

}  // namespace cuact::bench
