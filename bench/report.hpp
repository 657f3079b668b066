// Printing results: a human table, CSV and JSON.
#pragma once

#include "bench/runner.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace cuact::bench {

/// The GPU and software the numbers were measured with.
struct Environment {
  std::string gpu;
  int sms = 0;
  double l2_mib = 0;
  double memory_gib = 0;
  int driver = 0;   // cudaDriverGetVersion
  int runtime = 0;  // cudaRuntimeGetVersion
  std::string commit;
};

Environment describe_environment();

void print_environment(std::ostream& out, const Environment& env);
void print_table_header(std::ostream& out);
void print_table_row(std::ostream& out, const Row& row);
/// The CSV's header line (without the newline): one name per field of every row.
extern const char* const kCsvHeader;
void write_csv(std::ostream& out, const std::vector<Row>& rows);
void write_json(std::ostream& out, const Environment& env, const std::vector<Row>& rows);

}  // namespace cuact::bench
