#pragma once
// Shared state of the fake cloud, visible to the route files only.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <httplib.h>

#include "gpubill/model/period.hpp"
#include "support/fake_cloud/fake_cloud.hpp"

namespace gpubill::test {

struct FakeCloud::State {
  Options options;
  int port = 0;  ///< where the server listens (the generic faults ask their own routes)
  /// Each provider's routes, as their add_*_routes registers them: provider name -> its key.
  std::map<std::string, std::string> keys;
  /// gpubill's base-URL variable -> the root it must name here: prefix + [/fault/<f>] + suffix.
  std::map<std::string, std::pair<std::string, std::string>> roots;
  mutable std::mutex mutex;
  std::vector<RecordedRequest> requests;
  LastAnswer last;
  std::map<std::string, int> fault_hits;  ///< per fault name, for "-once" faults
  std::vector<LatencyInterval> latency;   ///< Options::latency_ms waits
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::atomic<int> peak_in_flight{0};  ///< most requests handled at once (Novita routes)
  std::shared_ptr<const std::string> runpod_bulk;  ///< Options::runpod_bulk_records's body
  std::string runpod_bulk_total;                    ///< its exact sum of amounts

  void record(const httplib::Request& req);
  int hit(const std::string& fault);  ///< returns the hit count including this one
  /// Sleeps up to `ms`, returning early when the server stops.
  void sleep_ms(int ms) const;
};

/// Sends {"message": text} with `status`.
void send_message(httplib::Response& res, int status, const std::string& text);

// Helpers the route files share.
__extension__ typedef __int128 Units;  ///< fixed-point integers (1e-12 USD, 1e-4 USD, ...)
/// splitmix64: a stable hash, so generated data is the same on every run.
std::uint64_t mix(std::uint64_t x);
/// Decimal text of `units` / 10^scale, no trailing zeros. Independent of gpubill's Decimal, so
/// end-to-end sums check gpubill against something it did not compute.
std::string units_text(Units units, int scale);
/// Start of the hour/day/week (Monday)/month/year bucket holding t; `bucket` lower-case.
model::Timestamp bucket_start(model::Timestamp t, const std::string& bucket);
/// The end of that bucket.
model::Timestamp bucket_end(model::Timestamp start, const std::string& bucket);

/// /gfault/<fault>/...: generic_faults(), in front of every provider's routes.
void add_generic_fault_routes(httplib::Server& server, FakeCloud::State& state);
void add_runpod_routes(httplib::Server& server, FakeCloud::State& state);
void add_novita_routes(httplib::Server& server, FakeCloud::State& state);
void add_gcore_routes(httplib::Server& server, FakeCloud::State& state);
void add_hyperstack_routes(httplib::Server& server, FakeCloud::State& state);
void add_vast_routes(httplib::Server& server, FakeCloud::State& state);

}  // namespace gpubill::test
