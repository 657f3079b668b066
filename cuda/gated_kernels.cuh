// The fused gated kernel: out = act(gate) * up, and its backward into dgate and dup in one
// pass. Launched by gated_dispatch.hpp (on the device through gated_device.cuh, on the CPU by the
// emulation tests).
#pragma once

#include "cuda/gated_map.hpp"
#include "cuda/launch.hpp"
#include "cuda/vector_io.cuh"

#include <cuact/gated_ops.hpp>
#include <cuact/op_traits.hpp>
#include <cuact/types.hpp>

#include <cstdint>
#include <type_traits>

namespace cuact::detail {

/// Whether G is Gated<Op> of an Op whose parameters select its formula (visit).
template <class G, class = void>
struct gated_act_has_visit : std::false_type {};
template <class G>
struct gated_act_has_visit<G, std::void_t<typename G::Act>> : has_visit<typename G::Act> {};

inline constexpr int kGatedThreads = 256;
// Vectors in flight per thread and input, as for the elementwise kernel.
inline constexpr int kGatedUnroll = 4;

/// Thread-to-element mapping (GatedMap, RowCursor in gated_map.hpp): the rows * hidden
/// output elements are split into vectors of kVec (whole vectors lie inside one row: the
/// vector path needs hidden to be a multiple of kVec and every pointer and row 16-byte
/// aligned). Threads walk the vectors grid-stride, kUnroll at a time with each access
/// strided by the whole grid (coalesced), tracking their row with a RowCursor instead of a
/// division per vector. Interleaved inputs are read as two vectors of pairs per output
/// vector and split into gate and up in registers. kVec == 1 is the path for everything
/// else. All loads of an element come before its stores, so the input gradients may be
/// written over the inputs (exactly in place). Loads are coherent (ld.global.ca): in place
/// the inputs are written during the kernel.
template <class G, class T, bool kBackward, bool kInterleaved, int kVec>
__global__ void __launch_bounds__(kGatedThreads) gated_kernel(G op, GatedLaunch<T> p) {
  using V = Packed<T, kVec>;
  constexpr int kUnroll = kGatedUnroll;
  const GatedMap map{p.rows, p.hidden, p.gate_row, p.up_row, kInterleaved};
  const std::int64_t vectors = map.count() / kVec;
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * kGatedThreads;
  const std::int64_t thread = static_cast<std::int64_t>(blockIdx.x) * kGatedThreads + threadIdx.x;

  struct Inputs {
    V g, u, dy;
  };
  const auto load = [&](const RowCursor& at) {
    Inputs in;
    if constexpr (kInterleaved) {
      // kVec pairs g0 u0 g1 u1 ... as two vectors a, b, split in registers: pair j is
      // elements 2j and 2j + 1 of a then b.
      const T* pairs = p.gate + map.gate_offset(at.row, at.column);
      const V a = load_packed<T, kVec, false>(pairs);
      const V b = load_packed<T, kVec, false>(pairs + kVec);
      if constexpr (kVec == 1) {
        in.g = a;
        in.u = b;
      } else {
#pragma unroll
        for (int j = 0; j < kVec; ++j) {
          const T* from = j < kVec / 2 ? a.v : b.v;
          in.g.v[j] = from[2 * (j % (kVec / 2))];
          in.u.v[j] = from[2 * (j % (kVec / 2)) + 1];
        }
      }
    } else {
      in.g = load_packed<T, kVec, false>(p.gate + map.gate_offset(at.row, at.column));
      in.u = load_packed<T, kVec, false>(p.up + map.up_offset(at.row, at.column));
    }
    if constexpr (kBackward) {
      in.dy = load_packed<T, kVec, false>(p.dy + at.row * p.hidden + at.column);
    }
    return in;
  };
  const auto compute_and_store = [&](const RowCursor& at, const Inputs& in) {
    if constexpr (!kBackward) {
      V out;
#pragma unroll
      for (int j = 0; j < kVec; ++j) {
        out.v[j] =
            from_compute<T>(gated_forward_for<T>(op, to_compute(in.g.v[j]), to_compute(in.u.v[j])));
      }
      store_packed<T, kVec>(p.out + at.row * p.hidden + at.column, out);
    } else {
      V dg, du;
#pragma unroll
      for (int j = 0; j < kVec; ++j) {
        const auto d = gated_backward_for<T>(op, to_compute(in.g.v[j]), to_compute(in.u.v[j]),
                                             to_compute(in.dy.v[j]));
        dg.v[j] = from_compute<T>(d.gate);
        du.v[j] = from_compute<T>(d.up);
      }
      if constexpr (kInterleaved) {
        T* pairs = p.out + map.gate_offset(at.row, at.column);
        if constexpr (kVec == 1) {
          store_packed<T, 1>(pairs, dg);
          store_packed<T, 1>(pairs + 1, du);
        } else {
          V a, b;
#pragma unroll
          for (int j = 0; j < kVec; ++j) {
            T* to = j < kVec / 2 ? a.v : b.v;
            to[2 * (j % (kVec / 2))] = dg.v[j];
            to[2 * (j % (kVec / 2)) + 1] = du.v[j];
          }
          store_packed<T, kVec>(pairs, a);
          store_packed<T, kVec>(pairs + kVec, b);
        }
      } else {
        store_packed<T, kVec>(p.out + map.gate_offset(at.row, at.column), dg);
        store_packed<T, kVec>(p.out2 + map.up_offset(at.row, at.column), du);
      }
    }
  };

  walk_gated_vectors<kUnroll>(
      thread, stride, vectors, kVec, p.hidden,
      [&](const RowCursor(&cursors)[kUnroll]) {
        Inputs in[kUnroll];
#pragma unroll
        for (int u = 0; u < kUnroll; ++u) {
          in[u] = load(cursors[u]);
        }
#pragma unroll
        for (int u = 0; u < kUnroll; ++u) {
          compute_and_store(cursors[u], in[u]);
        }
      },
      [&](const RowCursor& at) { compute_and_store(at, load(at)); });
}

}  // namespace cuact::detail
