#pragma once
// The fake cloud: an in-process HTTP server on an ephemeral 127.0.0.1 port that behaves as
// the provider docs say (auth, filters, grouping, bucketing), plus fault routes. Used by the
// end-to-end tests and, through tools/fakecloud_main.cpp, by `make demo`. Never linked into
// gpubill.
//
// URL layout (docs/testing.md):
//   http://127.0.0.1:PORT/runpod/v1/billing/{pods,endpoints,networkvolumes}
//   http://127.0.0.1:PORT/runpod/fault/<fault>/v1/billing/...     one route per fault
//   http://127.0.0.1:PORT/novita[/fault/<fault>]/openapi/v1/billing/bill/{monthly/list,list}
//   http://127.0.0.1:PORT/gcore[/fault/<fault>]/cloud/v1/cost_report/{totals,resources} (POST)
//   http://127.0.0.1:PORT/hyperstack[/fault/<fault>]/v1/billing/billing/history[/<kind>]
//   http://127.0.0.1:PORT/gfault/<generic fault>/<any of the above>   generic_faults()
// Later providers add /<provider>/... routes in routes_<provider>.cpp, registering their key
// and roots there, and url_for() and key_for() serve them with no other change.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace gpubill::test {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> params;  ///< decoded query parameters
  std::map<std::string, std::string> headers;      ///< names lower-cased
};

/// What the server last answered on a billing route: for exact end-to-end checks.
/// One request's artificial latency (Options::latency_ms): which provider, when it began and
/// ended. Overlapping intervals of different providers prove they were asked concurrently.
struct LatencyInterval {
  std::string provider;  ///< first path segment: runpod, novita, gcore, hyperstack
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point end;
};

struct LastAnswer {
  std::size_t rows = 0;
  std::string total;  ///< exact decimal sum of the amounts sent
};

/// Every distinct fixed-term bill of `category` starting in [start, end_exclusive) (unix
/// seconds) in the fake dataset, and the exact sum of their payAmounts in USD: what a correct
/// client must report for that period, however it splits it into windows. (The fake's server
/// returns every bill that overlaps a query, so bills spanning windows come back twice.)
LastAnswer novita_fixed_term_truth(const std::string& category, long long start,
                                   long long end_exclusive);

/// Options::runpod_bulk_records's answer: `count` Runpod v1 pod rows, one year of hours from
/// 2025-11-01 per pod (pod i/8760, hour i%8760), ~155 bytes each; `total` gets the exact sum.
/// Also what bench/ parses.
std::string runpod_bulk_body(std::size_t count, std::string* total = nullptr);

/// Hourly GPU usage in [start, end_exclusive): rows = GPU-hours, total = their exact cost.
LastAnswer novita_usage_truth(long long start, long long end_exclusive);

/// Exact Gcore totals per currency for the whole UTC days in [start, end_exclusive) (unix
/// seconds), leaving out rows with no price (cost null) and counting a row with `err` set by
/// its cost: what gpubill must print, whatever its windows.
std::map<std::string, std::string> gcore_totals_truth(long long start, long long end_exclusive);

/// The same for the per-resource report (three resources per line).
std::map<std::string, std::string> gcore_resources_truth(long long start, long long end_exclusive);

/// A Hyperstack list kind (its path, e.g. "virtual-machine") over `days` days: how many
/// resources and their exact total in USD.
LastAnswer hyperstack_list_truth(const std::string& path, long long days);

/// The faults every provider's routes sit behind (generic_faults.cpp): html, empty, truncated,
/// wrong-types, deep-nesting, huge-number, 401, 403, 429 (Retry-After: 1), 429-bare, 500, slow
/// (4 s late).
const std::vector<std::string>& generic_faults();

/// Vast.ai charges in [start, end_exclusive) (unix seconds): contracts (rows) and their exact
/// total in USD, each item rounded to 3 decimals as the fake sends it (routes_vast.cpp).
LastAnswer vast_charges_truth(long long start, long long end_exclusive);

class FakeCloud {
 public:
  struct Options {
    std::string runpod_key = "rpa_FAKE_TEST_KEY_1234567890";
    std::string runpod_readonly_key = "rpa_READONLY_KEY_1234567890";  ///< answered with 403
    std::string novita_key = "nv_FAKE_TEST_KEY_1234567890";
    std::string novita_readonly_key = "nv_READONLY_KEY_1234567890";  ///< answered with 403
    std::string gcore_key = "gc_FAKE$TEST_KEY_1234567890";
    std::string hyperstack_key = "hs_FAKE_TEST_KEY_1234567890";
    /// The keys of providers without a field above, by provider name (gpubill-fakecloud
    /// --key NAME=KEY sets them).
    std::map<std::string, std::string> keys = {{"vast", "vast_FAKE_TEST_KEY_1234567890"}};
    int port = 0;  ///< 0 = any free port
    int latency_ms = 0;  ///< every request waits this long before it is answered
    /// Runpod v2's "minute" quota: the RateLimit remainder counts this server's v2 requests
    /// down from it. 60 is the spec's example (runpod.md, "Rate limits": "it is not stated
    /// that these are the real quotas"); `make demo`, one fake for every command, sets more.
    int runpod_minute_quota = 60;
    /// > 0: /runpod/bulk/v1/billing/pods answers every query with this many generated hourly
    /// pod rows (one year from 2025-11-01, k_bulk_pods_per_year rows per pod), built once at
    /// start: the big answer bench/e2e.sh times gpubill, jq and python3 on.
    std::size_t runpod_bulk_records = 0;
  };

  explicit FakeCloud(Options options);
  FakeCloud() : FakeCloud(Options{}) {}
  ~FakeCloud();
  FakeCloud(const FakeCloud&) = delete;
  FakeCloud& operator=(const FakeCloud&) = delete;

  /// Binds 127.0.0.1 and serves on a background thread. Throws std::runtime_error on failure.
  void start();
  void stop();
  int port() const { return m_port; }
  std::string base_url() const;
  /// The Runpod server root to put in GPUBILL_RUNPOD_URL; `fault` selects a fault route.
  std::string runpod_url(const std::string& fault = "") const;
  /// The bulk answer's root (Options::runpod_bulk_records), its size and exact total.
  std::string runpod_bulk_url() const { return base_url() + "/runpod/bulk/v1"; }
  std::size_t runpod_bulk_bytes() const;
  std::string runpod_bulk_total() const;
  /// The Runpod REST v2 server root to put in GPUBILL_RUNPOD_V2_URL.
  std::string runpod_v2_url(const std::string& fault = "") const;
  /// The Hyperstack server root to put in GPUBILL_HYPERSTACK_URL.
  std::string hyperstack_url(const std::string& fault = "") const;
  /// The Gcore server root to put in GPUBILL_GCORE_URL.
  std::string gcore_url(const std::string& fault = "") const;
  /// The Novita server root to put in GPUBILL_NOVITA_URL.
  std::string novita_url(const std::string& fault = "") const;

  /// The root gpubill's base-URL variable `url_env` (a ProviderInfo::url_env, or an is_url
  /// extra setting's env) must name for this fake: with `fault`, the provider's own fault
  /// route; with `generic`, behind that generic fault. Throws for a variable not served here.
  std::string url_for(const std::string& url_env, const std::string& fault = "",
                      const std::string& generic = "") const;
  /// The key the fake accepts for the provider `name`. Throws for a provider not served.
  std::string key_for(const std::string& name) const;

  std::vector<RecordedRequest> requests() const;
  /// The most Novita bill-list requests that were being handled at the same moment.
  int peak_in_flight() const;
  LastAnswer last_answer() const;
  /// With latency_ms set: every request's wait, in arrival order.
  std::vector<LatencyInterval> latency_intervals() const;

  // Used by the route files.
  struct State;

 private:
  Options m_options;
  std::unique_ptr<httplib::Server> m_server;
  std::unique_ptr<State> m_state;
  std::thread m_thread;
  int m_port = 0;
};

}  // namespace gpubill::test
