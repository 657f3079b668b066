#include "tests/emulation/emulated_cuda.hpp"

#include <ucontext.h>

// Under AddressSanitizer every switch between the scheduler's stack and a fiber's is
// announced, so that ASan tracks which stack is live (without it, a switch looks like a
// wild stack-pointer jump and gives false reports).
#if defined(__SANITIZE_ADDRESS__)
#define CUACT_EMULATION_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CUACT_EMULATION_ASAN 1
#endif
#endif
#ifdef CUACT_EMULATION_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace cuact::emulation {

namespace {

enum class State { ready, at_block_barrier, at_warp_barrier, done };

struct Fiber {
  ucontext_t context{};
  State state = State::ready;
  void* fake_stack = nullptr;  // ASan's, kept while the fiber is switched out
};

/// The block being run: its fibers and the scheduler's context (and stack, for ASan).
struct Block {
  std::vector<Fiber> fibers;
  ucontext_t scheduler{};
  int current = -1;
  const std::function<void()>* kernel = nullptr;
  const void* scheduler_stack = nullptr;
  std::size_t scheduler_stack_bytes = 0;
};

/// A switch to the stack [bottom, bottom + bytes) begins (fake: where ASan keeps the
/// current stack's fake frames; null when the current stack ends with the switch).
void switch_start([[maybe_unused]] void** fake, [[maybe_unused]] const void* bottom,
                  [[maybe_unused]] std::size_t bytes) {
#ifdef CUACT_EMULATION_ASAN
  __sanitizer_start_switch_fiber(fake, bottom, bytes);
#endif
}

/// A switch has ended on this stack: `fake` as saved by its switch_start (null on a new
/// stack); old_bottom, old_bytes (if not null) receive the stack switched from.
void switch_finish([[maybe_unused]] void* fake, [[maybe_unused]] const void** old_bottom,
                   [[maybe_unused]] std::size_t* old_bytes) {
#ifdef CUACT_EMULATION_ASAN
  __sanitizer_finish_switch_fiber(fake, old_bottom, old_bytes);
#else
  if (old_bottom != nullptr) {
    *old_bottom = nullptr;
    *old_bytes = 0;
  }
#endif
}

thread_local Block* running = nullptr;

constexpr std::size_t kStackBytes = 128 * 1024;

/// Fiber stacks, kept from launch to launch (uninitialized: nothing reads them first).
char* stack_of(std::size_t t) {
  thread_local std::vector<std::unique_ptr<char[]>> stacks;
  while (stacks.size() <= t) {
    stacks.emplace_back(new char[kStackBytes]);
  }
  return stacks[t].get();
}

void fiber_main() {
  Block& b = *running;
  switch_finish(nullptr, &b.scheduler_stack, &b.scheduler_stack_bytes);
  (*b.kernel)();
  b.fibers[static_cast<std::size_t>(b.current)].state = State::done;
  // Returning ends the fiber (and its stack): uc_link resumes the scheduler.
  switch_start(nullptr, b.scheduler_stack, b.scheduler_stack_bytes);
}

void wait(State state) {
  Block& b = *running;
  Fiber& f = b.fibers[static_cast<std::size_t>(b.current)];
  f.state = state;
  switch_start(&f.fake_stack, b.scheduler_stack, b.scheduler_stack_bytes);
  swapcontext(&f.context, &b.scheduler);
  switch_finish(f.fake_stack, nullptr, nullptr);
}

std::string describe(const Block& b) {
  std::string s;
  for (std::size_t t = 0; t < b.fibers.size(); ++t) {
    const State st = b.fibers[t].state;
    s += st == State::done               ? 'D'
         : st == State::at_block_barrier ? 'B'
         : st == State::at_warp_barrier  ? 'W'
                                         : 'R';
  }
  return s;
}

/// Releases what can go on: a warp whose unfinished lanes all wait at a warp barrier, or
/// the block when every thread waits at a block barrier. False when nothing can.
bool release(Block& b) {
  bool released = false;
  const std::size_t n = b.fibers.size();
  for (std::size_t w = 0; w < n; w += 32) {
    const std::size_t end = std::min(n, w + 32);
    bool all = true;
    bool any = false;
    for (std::size_t t = w; t < end; ++t) {
      all = all && b.fibers[t].state == State::at_warp_barrier;
      any = any || b.fibers[t].state == State::at_warp_barrier;
    }
    if (any && all) {
      for (std::size_t t = w; t < end; ++t) {
        b.fibers[t].state = State::ready;
      }
      released = true;
    }
  }
  if (released) {
    return true;
  }
  bool all_at_block = true;
  for (const Fiber& f : b.fibers) {
    all_at_block = all_at_block && f.state == State::at_block_barrier;
  }
  if (all_at_block) {
    for (Fiber& f : b.fibers) {
      f.state = State::ready;
    }
    return true;
  }
  return false;
}

/// Readies `f` to run fiber_main on `stack`, returning to `scheduler` when it ends. Its own
/// function, so that no caller's variable lives across getcontext (which returns twice).
[[gnu::noinline]] void start_fiber(Fiber& f, char* stack, ucontext_t* scheduler) {
  getcontext(&f.context);
  f.context.uc_stack.ss_sp = stack;
  f.context.uc_stack.ss_size = kStackBytes;
  f.context.uc_link = scheduler;
  makecontext(&f.context, fiber_main, 0);
}

void run_block(Block& b, std::uint64_t seed) {
  // Between barriers the threads run one after another in an order shuffled afresh each
  // round, so that a thread that reads what another writes without a barrier between them
  // sees the wrong phase's value in some order (on a GPU: a race).
  std::mt19937_64 random(seed);
  std::vector<std::size_t> order(b.fibers.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (;;) {
    bool ran = false;
    std::shuffle(order.begin(), order.end(), random);
    for (const std::size_t t : order) {
      if (b.fibers[t].state != State::ready) {
        continue;
      }
      b.current = static_cast<int>(t);
      thread_index = uint3{static_cast<unsigned>(t), 0, 0};
      void* fake = nullptr;
      switch_start(&fake, stack_of(t), kStackBytes);
      swapcontext(&b.scheduler, &b.fibers[t].context);
      switch_finish(fake, nullptr, nullptr);
      ran = true;
    }
    if (ran) {
      continue;
    }
    bool all_done = true;
    for (const Fiber& f : b.fibers) {
      all_done = all_done && f.state == State::done;
    }
    if (all_done) {
      return;
    }
    if (!release(b)) {
      throw std::logic_error(
          "emulated kernel: a barrier not every thread reaches (per thread: R ready, B at "
          "__syncthreads, W at a warp barrier, D done): " +
          describe(b));
    }
  }
}

}  // namespace

namespace {
/// One value per thread of the block, for the warp exchanges.
thread_local std::vector<std::uint32_t> exchange;
}  // namespace

void block_barrier() { wait(State::at_block_barrier); }

void warp_barrier() { wait(State::at_warp_barrier); }

std::uint32_t warp_exchange_xor(std::uint32_t value, int lane_mask) {
  const unsigned t = thread_index.x;
  exchange[t] = value;
  warp_barrier();
  const std::uint32_t got = exchange[(t & ~31u) | ((t % 32) ^ static_cast<unsigned>(lane_mask))];
  warp_barrier();  // every lane has read before any writes again
  return got;
}

std::uint32_t warp_ballot(bool predicate) {
  const unsigned t = thread_index.x;
  exchange[t] = predicate ? 1u : 0u;
  warp_barrier();
  std::uint32_t bits = 0;
  for (unsigned l = 0; l < 32; ++l) {
    bits |= exchange[(t & ~31u) + l] << l;
  }
  warp_barrier();
  return bits;
}

void launch(unsigned grid, unsigned threads, const std::function<void()>& kernel) {
  grid_size = dim3(grid, 1, 1);
  block_size = dim3(threads, 1, 1);
  exchange.assign(threads, 0);
  for (unsigned block = grid; block-- > 0;) {
    Block b;
    b.kernel = &kernel;
    b.fibers.resize(threads);
    for (std::size_t t = 0; t < b.fibers.size(); ++t) {
      start_fiber(b.fibers[t], stack_of(t), &b.scheduler);
    }
    block_index = uint3{block, 0, 0};
    running = &b;
    try {
      run_block(b, 0x9E3779B97F4A7C15ull * (block + 1) + threads);
    } catch (...) {
      running = nullptr;
      throw;
    }
    running = nullptr;
  }
}

}  // namespace cuact::emulation
