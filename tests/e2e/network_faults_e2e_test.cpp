// Network faults an HTTP library will not make on purpose, against the real binary: a TLS
// server whose certificate nobody trusts, a connection reset in the middle of an answer, and a
// server that trickles its answer a byte at a time. docs/reliability.md rows 48-52.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/fixtures.hpp"
#include "support/raw_server.hpp"
#include "support/run_cli.hpp"

using namespace gpubill;
using test::CliResult;
using test::RawConnection;
using test::RawServer;
using test::run_cli;

namespace {

const std::string k_key = "rpa_NETFAULT_MARKER_KEY_0123456789";

std::map<std::string, std::string> env_for(const std::string& base_url) {
  // The bare-socket server answers v1's shape: ask v1 by name (v2 is the default).
  return {{"RUNPOD_API_KEY", k_key}, {"GPUBILL_RUNPOD_URL", base_url},
          {"GPUBILL_RUNPOD_API", "v1"}, {"GPUBILL_NOW", "2026-11-23T12:00:00Z"}};
}

std::string http_200(const std::string& body, std::size_t declared_length) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(declared_length) + "\r\nConnection: close\r\n\r\n" + body;
}

const std::vector<std::string> k_pods = {"runpod", "pods", "--start", "2026-06-01",
                                         "--end", "2026-06-03", "-o", "json"};

std::vector<std::string> with(std::vector<std::string> args, std::initializer_list<std::string> more) {
  args.insert(args.end(), more);
  return args;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("e2e net: a TLS certificate nobody trusts stops the run before the key is sent",
          "[e2e][network][tls]") {
  std::atomic<int> requests{0};
  auto server = RawServer::tls_self_signed([&](RawConnection& c) {
    if (!c.read_request().empty()) ++requests;
    c.send(http_200("[]", 2));
  });
  CliResult r = run_cli(with(k_pods, {"--retries", "3"}), env_for(server->url("https") + "/v1"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("gpubill: runpod: GET /billing/pods: TLS failure: "));
  CHECK_THAT(r.err, Catch::Contains("certificate"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(k_key) == std::string::npos);
  // The client reached the server over TLS, gave up in the handshake, and did not retry a
  // certificate problem: one connection, no finished handshake, no request, no key sent.
  CHECK(server->connections() == 1);
  CHECK(server->handshakes() == 0);
  CHECK(requests == 0);
}

// An https:// base URL that reaches a plain-HTTP port was blamed on the certificate (issue
// 17): the server answers the TLS hello with an HTTP 400, and the message now says so. The
// handshake never finished, so no request and no key went out.
TEST_CASE("e2e net: https to a plain-http server says so instead of blaming a certificate",
          "[e2e][network][tls]") {
  RawServer server([](RawConnection& c) {
    c.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  });
  CliResult r = run_cli(with(k_pods, {"--retries", "3"}), env_for(server.url("https") + "/v1"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("gpubill: runpod: GET /billing/pods: TLS failure: "));
  CHECK_THAT(r.err, Catch::EndsWith(": the server answered in plain HTTP, not TLS; check the base "
                                    "URL's scheme and port (https:// to a plain-http port?)\n"));
  CHECK_THAT(r.err, !Catch::Contains("certificate"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(server.connections() == 1);  // not retried
}

TEST_CASE("e2e net: a connection reset mid-answer is retried, then a clear error, no file",
          "[e2e][network][reset]") {
  const std::string body = test::read_fixture("runpod/pods_gpu_day.json");
  test::TempDir dir;
  const std::string out = dir.path() + "/pods.json";

  SECTION("reset every time: exit 1 after the retries, nothing written") {
    std::atomic<int> answered{0};
    RawServer server([&](RawConnection& c) {
      if (c.read_request().empty()) return;
      ++answered;
      // Headers promise the whole body; half of it arrives, then an RST.
      c.send(http_200(body.substr(0, body.size() / 2), body.size()));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      c.reset();
    });
    CliResult r = run_cli(with(k_pods, {"--retries", "2", "--out-file", out}),
                          env_for(server.url() + "/v1"));
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("gpubill: runpod: GET /billing/pods: connection lost "
                                        "before the whole answer arrived: "));
    CHECK_THAT(r.err, Catch::Contains("(3 attempts)"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(answered == 3);
    CHECK(!file_exists(out));
    CHECK(dir.list().empty());  // no temporary file left either
  }

  SECTION("reset once, then the whole answer: the retried run is exact") {
    std::atomic<int> answered{0};
    RawServer server([&](RawConnection& c) {
      if (c.read_request().empty()) return;
      if (answered++ == 0) {
        c.send(http_200(body.substr(0, 40), body.size()));
        c.reset();
        return;
      }
      c.send(http_200(body, body.size()));
    });
    CliResult r = run_cli(with(k_pods, {"--retries", "2", "--out-file", out}),
                          env_for(server.url() + "/v1"));
    REQUIRE(r.exit_code == 0);
    CHECK(answered == 2);
    std::ifstream in(out);
    nlohmann::json doc = nlohmann::json::parse(in);
    CHECK(doc["records"].size() == 3);
    CHECK(doc["totals"][0]["amount"].dump() == "66.263510259194");
  }

  SECTION("closed early without a reset (a FIN after half the promised bytes)") {
    RawServer server([&](RawConnection& c) {
      if (c.read_request().empty()) return;
      c.send(http_200(body.substr(0, body.size() / 2), body.size()));
    });
    CliResult r = run_cli(with(k_pods, {"--retries", "0"}), env_for(server.url() + "/v1"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("connection lost before the whole answer arrived"));
    CHECK(r.out.empty());
  }

  SECTION("a Content-Length far beyond what is sent, or than --max-response-mb allows") {
    // The body buffer is sized from Content-Length (docs/performance.md); a lying header
    // must cost nothing but the error.
    for (std::size_t declared : {std::size_t{400'000'000}, std::size_t{90'000'000'000}}) {
      INFO(declared);
      RawServer server([&](RawConnection& c) {
        if (c.read_request().empty()) return;
        c.send(http_200(body, declared));
      });
      CliResult r = run_cli(with(k_pods, {"--retries", "0"}), env_for(server.url() + "/v1"));
      CHECK(r.exit_code == 1);
      CHECK_THAT(r.err, Catch::Contains("connection lost before the whole answer arrived"));
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      CHECK(r.out.empty());
    }
  }
}

TEST_CASE("e2e net: a server trickling its answer is cut off by --timeout and --max-time",
          "[e2e][network][trickle]") {
  const std::string body = test::read_fixture("runpod/pods_gpu_day.json");
  // Headers at once, then one byte every 200 ms: a whole answer would take minutes, and
  // bytes keep arriving, so an idle timeout alone would never fire.
  auto trickle = [&](RawConnection& c) {
    if (c.read_request().empty()) return;
    if (!c.send(http_200("", body.size()))) return;
    for (char ch : body) {
      if (!c.send(std::string(1, ch))) return;
      for (int i = 0; i < 4 && !c.stopping(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  test::TempDir dir;
  const std::string out = dir.path() + "/pods.csv";

  SECTION("--timeout bounds each request") {
    RawServer server(trickle);
    CliResult r = run_cli(with(k_pods, {"--timeout", "1", "--retries", "0"}),
                          env_for(server.url() + "/v1"));
    CHECK(r.exit_code == 1);
    CHECK(r.seconds < 4.0);
    CHECK(r.err == "gpubill: runpod: GET /billing/pods: timed out after 1.0 s: the provider is "
                   "slow or unreachable; try again or raise --timeout\n");
  }

  SECTION("--max-time bounds the whole run, retries included") {
    RawServer server(trickle);
    CliResult r = run_cli(with(k_pods, {"--timeout", "60", "--retries", "5", "--max-time", "2",
                                        "--out-file", out}),
                          env_for(server.url() + "/v1"));
    CHECK(r.exit_code == 1);
    CHECK(r.seconds < 5.0);
    CHECK_THAT(r.err, Catch::Contains("--max-time 2 s"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(dir.list().empty());
  }
}
