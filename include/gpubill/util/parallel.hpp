#pragma once
// The one way gpubill runs work on several threads: parsing a big answer in chunks, formatting
// blocks of rows, fetching windows or report parts, asking providers at once. One default
// (at most 8 threads, the machine's cores), one fallback when no more threads can be had (the
// threads already running, the calling one among them, share the work), one rule for errors.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

namespace gpubill::util {

/// Threads for CPU work: the machine's cores, at least 1, at most 8.
inline unsigned default_threads() {
  return std::min(8u, std::max(1u, std::thread::hardware_concurrency()));
}

/// Runs work() on `threads` threads at once, the calling one included, and returns when every
/// one has returned; the number that ran (fewer when the system gives no more threads). work()
/// must not throw.
inline unsigned run_on_threads(unsigned threads, const std::function<void()>& work) {
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running share the work
    }
  }
  work();
  for (std::thread& t : pool) t.join();
  return static_cast<unsigned>(pool.size()) + 1;
}

/// Calls fn(0) .. fn(count-1) with at most `max_in_flight` calls running at once. If any call
/// throws, the calls not yet started are skipped and the exception of the lowest failing index
/// is rethrown once every running call has returned.
inline void parallel_for(std::size_t count, std::size_t max_in_flight,
                         const std::function<void(std::size_t)>& fn) {
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    for (std::size_t i = next++; i < count && !failed; i = next++) {
      try {
        fn(i);
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
    }
  };
  std::size_t threads = std::min(count, std::max<std::size_t>(1, max_in_flight));
  run_on_threads(static_cast<unsigned>(std::max<std::size_t>(threads, 1)), worker);
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

/// parallel_for that keeps each call's result: in index order, whatever order they finished in.
template <typename T>
std::vector<T> parallel_map(std::size_t count, std::size_t max_in_flight,
                            const std::function<T(std::size_t)>& fn) {
  std::vector<std::optional<T>> results(count);
  parallel_for(count, max_in_flight, [&](std::size_t i) { results[i] = fn(i); });
  std::vector<T> out;
  out.reserve(count);
  for (std::optional<T>& r : results) out.push_back(std::move(*r));
  return out;
}

}  // namespace gpubill::util
