#pragma once
// Shared state of the fake cloud, visible to the route files only.
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <httplib.h>

#include "support/fake_cloud/fake_cloud.hpp"

namespace gpubill::test {

struct FakeCloud::State {
  Options options;
  mutable std::mutex mutex;
  std::vector<RecordedRequest> requests;
  LastAnswer last;
  std::map<std::string, int> fault_hits;  ///< per fault name, for "-once" faults
  std::atomic<bool> stopping{false};

  void record(const httplib::Request& req);
  int hit(const std::string& fault);  ///< returns the hit count including this one
  /// Sleeps up to `ms`, returning early when the server stops.
  void sleep_ms(int ms) const;
};

/// Sends {"message": text} with `status`.
void send_message(httplib::Response& res, int status, const std::string& text);

void add_runpod_routes(httplib::Server& server, FakeCloud::State& state);

}  // namespace gpubill::test
