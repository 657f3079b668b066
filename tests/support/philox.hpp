// A CPU Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC11),
// written from the paper, independently of cuRAND: the reference the tests hold cuact's
// RReLU stream to (rrelu.hpp: cuRAND's Philox4_32_10, value k of subsequence `offset` with
// key `seed`).
#pragma once

#include <array>
#include <cstdint>

namespace cuact::reference {

using Philox4x32 = std::array<std::uint32_t, 4>;

/// Philox4x32 with 10 rounds of counter `ctr` under key `key`.
inline Philox4x32 philox4x32_10(Philox4x32 ctr, std::array<std::uint32_t, 2> key) {
  constexpr std::uint32_t kM0 = 0xD2511F53u;
  constexpr std::uint32_t kM1 = 0xCD9E8D57u;
  constexpr std::uint32_t kW0 = 0x9E3779B9u;
  constexpr std::uint32_t kW1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = std::uint64_t{kM0} * ctr[0];
    const std::uint64_t p1 = std::uint64_t{kM1} * ctr[2];
    ctr = {static_cast<std::uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0], static_cast<std::uint32_t>(p1),
           static_cast<std::uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1], static_cast<std::uint32_t>(p0)};
    key = {key[0] + kW0, key[1] + kW1};
  }
  return ctr;
}

/// Random value number k of the stream (seed, subsequence): counter (k / 4, subsequence),
/// component k % 4, as curand() after curand_init(seed, subsequence, k, &state).
inline std::uint32_t philox_value(std::uint64_t seed, std::uint64_t subsequence, std::uint64_t k) {
  const std::uint64_t block = k / 4;
  const Philox4x32 r = philox4x32_10(
      {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
       static_cast<std::uint32_t>(subsequence), static_cast<std::uint32_t>(subsequence >> 32)},
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
  return r[k % 4];
}

}  // namespace cuact::reference
