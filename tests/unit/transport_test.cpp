#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "gpubill/transport/limiting_transport.hpp"
#include "gpubill/transport/pacing_transport.hpp"
#include "gpubill/transport/retrying_transport.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "support/fake_transport.hpp"

using namespace gpubill;
using namespace std::chrono_literals;
using transport::TransportFailure;

namespace {
struct Recorder {
  std::vector<std::chrono::milliseconds> waits;
  transport::RetryingTransport::Sleeper sleeper() {
    return [this](std::chrono::milliseconds d) { waits.push_back(d); };
  }
};
}  // namespace

TEST_CASE("transport: urls percent-encode values and repeat keys", "[transport]") {
  CHECK(transport::build_url("https://rest.runpod.io/v1/", "/billing/pods",
                             {{"gpuTypeId", "NVIDIA A40"}, {"startTime", "2026-01-01T00:00:00Z"},
                              {"dataCenterId", "EU-RO-1"}, {"dataCenterId", "US-TX-3"}}) ==
        "https://rest.runpod.io/v1/billing/pods?gpuTypeId=NVIDIA%20A40&startTime=2026-01-01T00%"
        "3A00%3A00Z&dataCenterId=EU-RO-1&dataCenterId=US-TX-3");
  CHECK(transport::build_url("http://h", "x", {}) == "http://h/x");
  CHECK(transport::percent_encode("a&b=c/d é") == "a%26b%3Dc%2Fd%20%C3%A9");
}

TEST_CASE("transport: retryable statuses and failures", "[transport][retry]") {
  for (long s : {429L, 500L, 502L, 503L, 504L}) {
    transport::HttpResponse r;
    r.status = s;
    CHECK(transport::is_retryable(r));
  }
  for (long s : {200L, 400L, 401L, 403L, 404L, 501L}) {
    transport::HttpResponse r;
    r.status = s;
    CHECK_FALSE(transport::is_retryable(r));
  }
  transport::HttpResponse f;
  f.failure = TransportFailure::connect;
  CHECK(transport::is_retryable(f));
  f.failure = TransportFailure::timeout;
  CHECK(transport::is_retryable(f));
  f.failure = TransportFailure::interrupted;
  CHECK(transport::is_retryable(f));
  for (TransportFailure tls : {TransportFailure::tls, TransportFailure::tls_certificate,
                               TransportFailure::not_tls}) {
    f.failure = tls;
    CHECK_FALSE(transport::is_retryable(f));
  }
}

TEST_CASE("transport: Retry-After as seconds or HTTP date", "[transport][retry]") {
  auto now = std::chrono::system_clock::from_time_t(1'700'000'000);  // Tue, 14 Nov 2023 22:13:20
  CHECK(transport::parse_retry_after("3", now) == 3000ms);
  CHECK(transport::parse_retry_after(" 0 ", now) == 0ms);
  CHECK(transport::parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now) == 10000ms);
  // Dates past 2262 (where system_clock's nanoseconds end) wait, capped at a year, rather
  // than wrapping into the past and retrying at once (issue 17).
  CHECK(transport::parse_retry_after("Sat, 01 Jan 2300 00:00:00 GMT", now) == std::chrono::milliseconds{86'400'000LL * 365});
  CHECK(transport::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == std::chrono::milliseconds{86'400'000LL * 365});
  CHECK(transport::parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now) == 0ms);
  CHECK_FALSE(transport::parse_retry_after("soon", now).has_value());
  CHECK_FALSE(transport::parse_retry_after("-5", now).has_value());
  CHECK_FALSE(transport::parse_retry_after("Tue, 14 Nov 2023 22:13:30 PST", now).has_value());
  CHECK_FALSE(transport::parse_retry_after("", now).has_value());
}

TEST_CASE("transport: retries honour Retry-After, capped, then succeed", "[transport][retry]") {
  test::FakeTransport fake;
  fake.push(429, "{}", {{"retry-after", "2"}});
  fake.push(503, "{}", {{"retry-after", "999999"}});
  fake.push(200, "[]");
  Recorder rec;
  transport::RetryPolicy policy;
  policy.max_retry_after = 30s;
  transport::RetryingTransport rt(fake, policy, rec.sleeper(), 1);
  transport::HttpResponse r = rt.send({"GET", "http://x/y", {}, ""});
  CHECK(r.status == 200);
  CHECK(r.attempts == 3);
  REQUIRE(rec.waits.size() == 2);
  CHECK(rec.waits[0] == 2000ms);
  CHECK(rec.waits[1] == 30000ms);
  CHECK(fake.requests().size() == 3);
}

TEST_CASE("transport: exponential backoff with jitter, bounded attempts", "[transport][retry]") {
  test::FakeTransport fake;
  for (int i = 0; i < 10; ++i) fake.push_failure(TransportFailure::connect, "refused");
  Recorder rec;
  transport::RetryPolicy policy;
  policy.max_retries = 4;
  policy.base_delay = 100ms;
  policy.max_backoff = 500ms;
  transport::RetryingTransport rt(fake, policy, rec.sleeper(), 42);
  transport::HttpResponse r = rt.send({"GET", "http://x/y", {}, ""});
  CHECK(r.failure == TransportFailure::connect);
  CHECK(r.attempts == 5);
  CHECK(fake.requests().size() == 5);
  REQUIRE(rec.waits.size() == 4);
  const long long ceilings[] = {100, 200, 400, 500};
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("retry " << i);
    CHECK(rec.waits[i].count() >= ceilings[i] / 2);
    CHECK(rec.waits[i].count() <= ceilings[i]);
  }
}

TEST_CASE("transport: no retry on client errors or with --retries 0", "[transport][retry]") {
  test::FakeTransport fake;
  fake.push(401, "{}");
  Recorder rec;
  transport::RetryingTransport rt(fake, {}, rec.sleeper(), 1);
  CHECK(rt.send({"GET", "http://x", {}, ""}).status == 401);
  CHECK(rec.waits.empty());

  test::FakeTransport fake0;
  fake0.push(500, "{}");
  transport::RetryPolicy none;
  none.max_retries = 0;
  transport::RetryingTransport rt0(fake0, none, rec.sleeper(), 1);
  CHECK(rt0.send({"GET", "http://x", {}, ""}).status == 500);
  CHECK(fake0.requests().size() == 1);
}

TEST_CASE("limiting transport: never more than the limit in flight, all answered",
          "[transport][limit]") {
  test::FakeTransport inner;
  std::atomic<int> in_flight{0};
  std::atomic<int> peak{0};
  inner.set_handler([&](const transport::HttpRequest&) {
    int now = ++in_flight;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    --in_flight;
    transport::HttpResponse r;
    r.status = 200;
    return r;
  });
  transport::LimitingTransport limited(inner, 3);
  std::vector<std::thread> senders;
  std::atomic<int> ok{0};
  for (int i = 0; i < 12; ++i) {
    senders.emplace_back([&] {
      transport::HttpRequest req;
      req.method = "GET";
      req.url = "http://127.0.0.1/x";
      if (limited.send(req).status == 200) ++ok;
    });
  }
  for (std::thread& t : senders) t.join();
  CHECK(ok == 12);
  CHECK(peak == 3);  // 12 senders at once: the limit is reached, never passed
  CHECK(inner.requests().size() == 12);
}

namespace {
transport::HttpResponse with_headers(transport::Headers headers) {
  transport::HttpResponse r;
  r.status = 200;
  r.headers = std::move(headers);
  return r;
}
}  // namespace

TEST_CASE("rate limit: RateLimit and RateLimit-Policy headers, and the older draft",
          "[transport][ratelimit]") {
  auto ws = transport::parse_rate_limit(with_headers(
      {{"RateLimit", "\"minute\";r=0;t=12, \"hour\";r=2800;t=1812"},
       {"ratelimit-policy", "\"minute\";q=60;w=60, \"hour\";q=3000;w=3600, \"day\";q=50000;w=86400"}}));
  REQUIRE(ws.size() == 2);
  CHECK(ws[0].name == "hour");  // by name
  CHECK(ws[0].remaining == 2800);
  CHECK(ws[0].quota == 3000);
  CHECK(ws[1].name == "minute");
  CHECK(ws[1].remaining == 0);
  CHECK(ws[1].reset == std::chrono::seconds{12});
  CHECK(ws[1].quota == 60);

  auto old = transport::parse_rate_limit(
      with_headers({{"RateLimit-Limit", "100"}, {"RateLimit-Remaining", "3"}, {"RateLimit-Reset", "20"}}));
  REQUIRE(old.size() == 1);
  CHECK(old[0].remaining == 3);
  CHECK(old[0].quota == 100);

  CHECK(transport::parse_rate_limit(with_headers({})).empty());
  CHECK(transport::parse_rate_limit(with_headers({{"RateLimit", "garbage;;=,"}})).empty());
  CHECK(transport::parse_rate_limit(with_headers({{"RateLimit", "\"m\";r=-1;t=x"}})).empty());
}

TEST_CASE("rate limit: slow down before the limit, not after", "[transport][ratelimit]") {
  using transport::RateWindow;
  auto delay = [](std::vector<RateWindow> ws) { return transport::pacing_delay(ws, 60s); };
  CHECK(delay({}) == 0ms);
  CHECK(delay({{"minute", 30, 40s, 60}}) == 0ms);   // half the quota left: full speed
  CHECK(delay({{"minute", 5, 36s, 60}}) == 6s);     // 5 left for 36 s: one every 6 s
  CHECK(delay({{"minute", 0, 12s, 60}}) == 12s);    // nothing left: wait for the reset
  CHECK(delay({{"hour", 0, 1812s, 3000}}) == 60s);  // capped; a 429 + Retry-After takes over
  CHECK(delay({{"", 4, 10s, std::nullopt}}) == 2s); // quota unknown: 5 or fewer is low
  CHECK(delay({{"", 6, 10s, std::nullopt}}) == 0ms);
  CHECK(delay({{"minute", 5, 36s, 60}, {"hour", 0, 20s, 3000}}) == 20s);  // the longest
}

TEST_CASE("rate limit: the pacing transport waits before the next request", "[transport][ratelimit]") {
  test::FakeTransport inner;
  inner.push(200, "{}", {{"RateLimit", "\"minute\";r=1;t=10"}});
  inner.push(200, "{}", {{"RateLimit", "\"minute\";r=50;t=9"}});
  inner.push(200, "{}");
  Recorder rec;
  std::chrono::steady_clock::time_point now{};
  transport::PacingTransport pacing(
      inner, "runpod",
      [&](std::chrono::milliseconds d) {
        rec.waits.push_back(d);
        now += d;
      },
      [&] { return now; });
  transport::HttpRequest req;
  req.method = "GET";
  req.url = "http://127.0.0.1/x";
  pacing.send(req);
  CHECK(rec.waits.empty());                           // nothing known yet
  pacing.send(req);
  REQUIRE(rec.waits.size() == 1);
  CHECK(rec.waits[0] == 5s);                          // 1 left for 10 s
  pacing.send(req);
  CHECK(rec.waits.size() == 1);                       // plenty left again: no wait
}

TEST_CASE("transport: a 429 in a per-minute rate window waits for the next window",
          "[transport][retry]") {
  // Hyperstack: 500 requests a minute per IP, and a 429 holds for the rest of that minute,
  // so backoff (1 s, 2 s, 4 s ...) would retry into the same window and fail.
  test::FakeTransport fake;
  fake.push(429, R"({"status": false, "message": "Too many requests"})");
  fake.push(500, "{}");
  fake.push(429, "{}", {{"retry-after", "3"}});
  fake.push(200, "[]");
  Recorder rec;
  transport::RetryPolicy policy;
  policy.base_delay = 2000ms;
  policy.rate_window = 60s;
  transport::RetryingTransport rt(fake, policy, rec.sleeper(), 7);
  transport::HttpResponse r = rt.send({"GET", "http://x/y", {}, ""});
  CHECK(r.status == 200);
  REQUIRE(rec.waits.size() == 3);
  CHECK(rec.waits[0] == 60000ms);  // the whole window
  CHECK(rec.waits[1] < 60000ms);   // a 500 backs off as usual
  CHECK(rec.waits[2] == 3000ms);   // the server's own Retry-After comes first
}

namespace {
// What the process writes to stderr while `f` runs (the log's sink writes there).
template <typename F>
std::string stderr_of(F f) {
  std::fflush(stderr);
  char path[] = "/tmp/gpubill-stderr-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  int saved = ::dup(2);
  ::dup2(fd, 2);
  try {
    f();
  } catch (...) {
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    ::close(fd);
    ::unlink(path);
    throw;
  }
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ::unlink(path);
  return text;
}
}  // namespace

// Pacing slept up to 60 s a request, past --max-time and without a word, so a used-up day
// window turned a 500-page listing into hours of silence (issue 17).
TEST_CASE("rate limit: a long pacing wait is said once and asks the run's deadline first",
          "[transport][ratelimit]") {
  const std::string day_used_up = "\"minute\";r=50;t=30, \"day\";r=0;t=45012";
  test::FakeTransport inner;
  for (int i = 0; i < 3; ++i) {
    inner.push(200, "{}", {{"RateLimit", day_used_up}, {"RateLimit-Policy", "\"day\";q=50000;w=86400"}});
  }
  transport::HttpRequest req;
  req.method = "GET";
  req.url = "http://127.0.0.1/x";
  std::chrono::steady_clock::time_point now{};
  Recorder rec;
  auto sleeper = [&](std::chrono::milliseconds d) {
    rec.waits.push_back(d);
    now += d;
  };

  SECTION("without a deadline: waited, and the first long wait is a warning naming the window") {
    util::init_logging(util::Verbosity::normal);
    transport::PacingTransport pacing(inner, "runpod", sleeper, [&] { return now; });
    std::string err = stderr_of([&] {
      for (int i = 0; i < 3; ++i) pacing.send(req);
    });
    CHECK(rec.waits == std::vector<std::chrono::milliseconds>{60s, 60s});
    CHECK_THAT(err, Catch::Contains("runpod: the server's rate limit \"day\": 0 requests left of "
                                    "50000, resets in 45012 s (each request waits at most 60 s): "
                                    "waiting 60 s before the next request"));
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);  // once, not once a page
  }
  SECTION("a wait the deadline refuses is not slept, and nothing more is sent") {
    std::vector<std::string> asked;
    transport::PacingTransport pacing(
        inner, "runpod", sleeper, [&] { return now; }, 60s,
        [&](std::chrono::milliseconds d, const std::string& why) {
          asked.push_back(why);
          if (d > 10s) throw ProviderError("runpod: past the deadline");
        });
    pacing.send(req);
    CHECK_THROWS_AS(pacing.send(req), ProviderError);
    CHECK(rec.waits.empty());
    CHECK(inner.requests().size() == 1);
    REQUIRE(asked.size() == 1);
    CHECK_THAT(asked[0], Catch::StartsWith("the server's rate limit \"day\""));
  }
}
