// The gated kernels' element map (cuda/gated_map.hpp), replayed exhaustively for small
// shapes: every input element belongs to exactly one output in every layout, the row cursor
// advances as division would, and the kernel's walk visits every vector once at its row and
// column.
#include "cuda/gated_map.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cuact {
namespace {

TEST(GatedMap, EveryInputElementBelongsToExactlyOneOutputInEveryLayout) {
  for (std::int64_t rows : {1, 2, 5}) {
    for (std::int64_t hidden : {1, 3, 8, 13}) {
      for (int layout = 0; layout < 4; ++layout) {
        const bool packed = layout != 3;
        const std::int64_t row = packed ? 2 * hidden : hidden;
        const detail::GatedMap map{rows, hidden, row, row, layout == 2};
        // The pointers of host/gated.cpp's packed_launch: gate_first puts up at +hidden,
        // gate_second gate at +hidden; separate tensors are told apart by a large offset.
        const std::int64_t gate_base = layout == 1 ? hidden : 0;
        const std::int64_t up_base = layout == 0 ? hidden : (layout == 3 ? 1 << 20 : 0);
        std::vector<int> seen(packed ? 2 * rows * hidden : 2 * rows * hidden, 0);
        for (std::int64_t r = 0; r < rows; ++r) {
          for (std::int64_t c = 0; c < hidden; ++c) {
            const std::int64_t g = gate_base + map.gate_offset(r, c);
            const std::int64_t u = up_base + map.up_offset(r, c);
            const std::int64_t ui = layout == 3 ? rows * hidden + (u - (1 << 20)) : u;
            ASSERT_LT(g, static_cast<std::int64_t>(seen.size()));
            ASSERT_LT(ui, static_cast<std::int64_t>(seen.size()));
            ++seen[g];
            ++seen[ui];
            if (layout == 2) {
              EXPECT_EQ(u, g + 1);  // pairs
            }
          }
        }
        for (int s : seen) {
          ASSERT_EQ(s, 1) << "layout " << layout << ", rows " << rows << ", hidden " << hidden;
        }
      }
    }
  }
}

TEST(GatedMap, TheRowCursorAdvancesAsDivisionWould) {
  for (std::int64_t hidden : {1, 2, 7, 64, 1000, 4096}) {
    for (std::int64_t step : {1, 8, 255, 4096, 33792, 1 << 20}) {
      for (std::int64_t start : {0, 3, 511}) {
        detail::RowCursor at = detail::RowCursor::at(start, hidden);
        std::int64_t e = start;
        for (int i = 0; i < 200; ++i) {
          ASSERT_EQ(at.row, e / hidden);
          ASSERT_EQ(at.column, e % hidden);
          at.advance(step / hidden, step % hidden, hidden);
          e += step;
        }
      }
    }
  }
  // Past 2^31 elements.
  detail::RowCursor at = detail::RowCursor::at(0, 14336);
  const std::int64_t step = 132LL * 4 * 256 * 8;
  std::int64_t e = 0;
  for (int i = 0; i < 4000; ++i) {
    at.advance(step / 14336, step % 14336, 14336);
    e += step;
  }
  EXPECT_GT(e, std::int64_t{1} << 31);
  EXPECT_EQ(at.row, e / 14336);
  EXPECT_EQ(at.column, e % 14336);
}

/// The kernel's walk, replayed for every thread of small grids: every vector exactly once,
/// each cursor at its vector's first output, the unrolled groups strided by the grid.
TEST(GatedMap, TheKernelsWalkVisitsEveryVectorOnceAtItsRowAndColumn) {
  for (const int vec : {1, 2, 4, 8}) {
    for (const std::int64_t hidden : {8, 24, 4096}) {
      if (hidden % vec != 0) {
        continue;
      }
      for (const std::int64_t rows : {1, 3, 50}) {
        const std::int64_t vectors = rows * hidden / vec;
        for (const std::int64_t stride : {256, 512, 768}) {  // 1 to 3 blocks of 256 threads
          std::vector<int> seen(static_cast<std::size_t>(vectors), 0);
          const auto visit = [&](const detail::RowCursor& at) {
            const std::int64_t e = at.row * hidden + at.column;
            ASSERT_EQ(e % vec, 0);
            ASSERT_LT(at.column, hidden);
            ASSERT_LT(e / vec, vectors);
            ++seen[static_cast<std::size_t>(e / vec)];
          };
          for (std::int64_t t = 0; t < stride; ++t) {
            std::int64_t expected = t;  // the vectors thread t must see, in order
            detail::walk_gated_vectors<4>(
                t, stride, vectors, vec, hidden,
                [&](const detail::RowCursor(&cursors)[4]) {
                  for (const auto& at : cursors) {
                    ASSERT_EQ(at.row * hidden + at.column, expected * vec);
                    visit(at);
                    expected += stride;
                  }
                },
                [&](const detail::RowCursor& at) {
                  ASSERT_EQ(at.row * hidden + at.column, expected * vec);
                  visit(at);
                  expected += stride;
                });
          }
          for (int count : seen) {
            ASSERT_EQ(count, 1) << "vec " << vec << ", hidden " << hidden << ", rows " << rows
                                << ", stride " << stride;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace cuact
