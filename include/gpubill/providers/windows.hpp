#pragma once
// Query windows for APIs that answer a limited span at a time (Novita: 31 days; Gcore: 31
// days) and fetching them with bounded concurrency.

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "gpubill/model/period.hpp"

namespace gpubill::providers {

/// `period` cut at UTC calendar-month boundaries, in time order. Every window lies inside one
/// calendar month, so none is longer than 31 days; together they cover the period exactly,
/// with no gap and no overlap. An empty period gives no window.
std::vector<model::Period> month_windows(const model::Period& period);

/// Calls fn(0) .. fn(count-1) with at most `max_in_flight` calls running at once and returns
/// the results in index order, whatever order they finished in. If any call throws, the
/// remaining unstarted calls are skipped and the exception of the lowest failing index is
/// rethrown once every running call has returned.
template <typename T>
std::vector<T> parallel_map(std::size_t count, std::size_t max_in_flight,
                            const std::function<T(std::size_t)>& fn) {
  std::vector<std::optional<T>> results(count);
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    for (std::size_t i = next++; i < count && !failed; i = next++) {
      try {
        results[i] = fn(i);
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
    }
  };
  std::size_t threads = std::min(count, std::max<std::size_t>(1, max_in_flight));
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    try {
      for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    } catch (const std::system_error&) {
      // No more threads to be had: the ones started and this one share the work.
    }
    worker();
    for (std::thread& t : pool) t.join();
  }
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  std::vector<T> out;
  out.reserve(count);
  for (std::optional<T>& r : results) out.push_back(std::move(*r));
  return out;
}

}  // namespace gpubill::providers
