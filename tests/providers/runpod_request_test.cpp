// The exact requests the Runpod adapter sends, through the fake transport.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "gpubill/providers/registry.hpp"
#include "support/providers.hpp"
#include "gpubill/util/error.hpp"
#include "support/fake_transport.hpp"

using namespace gpubill;

namespace {

const providers::Provider& runpod() { return test::provider("runpod"); }

providers::FetchRequest request(std::string resource, providers::OptionValues options = {}) {
  model::Period p{*model::parse_provider_time("2026-10-01"),
                  *model::parse_provider_time("2026-11-01")};
  return {std::move(resource), {p, *model::parse_provider_time("2026-11-23T00:00:00Z")},
          std::move(options), "rpa_TEST_KEY_0123456789", "http://127.0.0.1:9/v1"};
}

}  // namespace

TEST_CASE("runpod: pods request carries period, bucket, grouping and bearer key",
          "[runpod][request]") {
  test::FakeTransport fake;
  fake.push(200, "[]");
  runpod().fetch(request("pods", {{"bucket", {"hour"}}, {"gpu-type", {"NVIDIA A40"}},
                                  {"pod-id", {"xedezhzb9la3ye"}}, {"api", {"v1"}}}),
                 fake);
  REQUIRE(fake.requests().size() == 1);
  const transport::HttpRequest r = fake.requests().at(0);
  CHECK(r.method == "GET");
  CHECK(r.url ==
        "http://127.0.0.1:9/v1/billing/pods?bucketSize=hour&startTime=2026-10-01T00%3A00%3A00Z"
        "&endTime=2026-11-01T00%3A00%3A00Z&grouping=gpuTypeId&gpuTypeId=NVIDIA%20A40"
        "&podId=xedezhzb9la3ye");
  REQUIRE(r.headers.size() == 2);
  CHECK(r.headers[0] == std::pair<std::string, std::string>{"Authorization",
                                                            "Bearer rpa_TEST_KEY_0123456789"});
}

TEST_CASE("runpod: endpoints send repeated data centers and GPU types", "[runpod][request]") {
  // --datacenter exists only in v1, so auto asks v1 for it.
  test::FakeTransport fake;
  fake.push(200, "[]");
  runpod().fetch(request("endpoints", {{"datacenter", {"EU-RO-1", "US-TX-3"}},
                                       {"gpu-type", {"NVIDIA L4", "NVIDIA A40"}},
                                       {"grouping", {"gpuTypeId"}},
                                       {"endpoint-id", {"jpnw0v75y3qoql"}},
                                       {"image", {"runpod/pytorch:2.1.0"}},
                                       {"template-id", {"30zmvf89kd"}}}),
                 fake);
  const std::string url = fake.requests().at(0).url;
  CHECK_THAT(url, Catch::StartsWith("http://127.0.0.1:9/v1/billing/endpoints?bucketSize=day&"));
  CHECK_THAT(url, Catch::Contains("&grouping=gpuTypeId&gpuTypeId=NVIDIA%20L4&gpuTypeId=NVIDIA%20A40"
                                  "&dataCenterId=EU-RO-1&dataCenterId=US-TX-3&endpointId="
                                  "jpnw0v75y3qoql&imageName=runpod%2Fpytorch%3A2.1.0"
                                  "&templateId=30zmvf89kd"));
}

TEST_CASE("runpod: network volumes use /billing/networkvolumes without grouping",
          "[runpod][request]") {
  test::FakeTransport fake;
  fake.push(200, "[]");
  runpod().fetch(request("network-volumes", {{"bucket", {"month"}}, {"api", {"v1"}}}), fake);
  CHECK(fake.requests().at(0).url ==
        "http://127.0.0.1:9/v1/billing/networkvolumes?bucketSize=month&startTime=2026-10-01T00%"
        "3A00%3A00Z&endTime=2026-11-01T00%3A00%3A00Z");
}

TEST_CASE("runpod: 401 and 403 are credential errors, 404 suggests the v1 retirement",
          "[runpod][request][errors]") {
  test::FakeTransport fake;
  providers::OptionValues v1 = {{"api", {"v1"}}};
  fake.push(401, R"({"message":"Unauthorized"})");
  CHECK_THROWS_AS(runpod().fetch(request("pods", v1), fake), AuthError);
  fake.push(403, R"({"message":"Forbidden"})");
  CHECK_THROWS_WITH(runpod().fetch(request("pods", v1), fake), Catch::Contains("RUNPOD_API_KEY"));
  fake.push(404, R"({"message":"not found"})");
  CHECK_THROWS_WITH(runpod().fetch(request("pods", {{"api", {"v1"}}}), fake),
                    Catch::Contains("v1 billing API may be retired; try --api v2"));
  fake.push(410, "");
  CHECK_THROWS_AS(runpod().fetch(request("pods", {{"api", {"v1"}}}), fake), ProviderError);
}

namespace {

// Answers by path, whatever order concurrent requests arrive in.
test::FakeTransport::Handler by_path(std::map<std::string, std::pair<long, std::string>> answers) {
  return [answers](const transport::HttpRequest& r) {
    std::string path = r.url.substr(0, r.url.find('?'));
    path = path.substr(path.find("/v", 8));  // from the version segment on
    transport::HttpResponse res;
    auto it = answers.find(path);
    res.status = it == answers.end() ? 404 : it->second.first;
    res.body = it == answers.end() ? R"({"title":"Not Found","status":404,"detail":"no route"})"
                                   : it->second.second;
    return res;
  };
}

std::vector<std::string> paths_of(const test::FakeTransport& fake) {
  std::vector<std::string> out;
  for (const transport::HttpRequest& r : fake.requests()) out.push_back(r.url);
  std::sort(out.begin(), out.end());
  return out;
}

const char* k_empty_billing = R"({"records": [], "metadata": {"recordCount": 0}})";

}  // namespace

TEST_CASE("runpod: auto asks REST v2 with its pod listing and GPU catalog", "[runpod][request][v2]") {
  test::FakeTransport fake;
  fake.set_handler(by_path({{"/v2/billing/pods", {200, k_empty_billing}},
                            {"/v2/pods", {200, R"({"pods": []})"}},
                            {"/v2/catalog/gpus", {200, R"({"gpus": []})"}}}));
  providers::FetchRequest req = request("pods", {{"bucket", {"hour"}}, {"gpu-type", {"NVIDIA A40"}}});
  req.settings["v2_base_url"] = "http://127.0.0.1:9/v2";
  CHECK(runpod().fetch(req, fake).empty());
  CHECK(paths_of(fake) ==
        std::vector<std::string>{
            "http://127.0.0.1:9/v2/billing/pods?bucketSize=hour&startTime=2026-10-01T00%3A00%3A00Z"
            "&endTime=2026-11-01T00%3A00%3A00Z",
            "http://127.0.0.1:9/v2/catalog/gpus",
            "http://127.0.0.1:9/v2/pods?includeClusterPods=true"});
  for (const transport::HttpRequest& r : fake.requests()) {
    CHECK(r.headers.at(0).second == "Bearer rpa_TEST_KEY_0123456789");
  }
}

TEST_CASE("runpod: v2 404 on billing falls back to v1 under auto, never under --api v2",
          "[runpod][request][v2]") {
  test::FakeTransport fake;
  fake.set_handler(by_path({{"/v1/billing/pods", {200, "[]"}}}));
  providers::FetchRequest req = request("pods");
  req.settings["v2_base_url"] = "http://127.0.0.1:9/v2";
  CHECK(runpod().fetch(req, fake).empty());
  std::vector<std::string> urls = paths_of(fake);
  REQUIRE(urls.size() == 4);  // v2 billing + its two listings, then v1 billing
  CHECK_THAT(urls[0], Catch::StartsWith("http://127.0.0.1:9/v1/billing/pods?"));

  test::FakeTransport strict;
  strict.set_handler(by_path({{"/v1/billing/pods", {200, "[]"}}}));
  req.options["api"] = {"v2"};
  CHECK_THROWS_WITH(runpod().fetch(req, strict),
                    Catch::StartsWith("runpod: GET /v2/billing/pods: 404") &&
                        Catch::Contains("check GPUBILL_RUNPOD_V2_URL"));
  for (const std::string& url : paths_of(strict)) CHECK(url.find("/v1/") == std::string::npos);
}

TEST_CASE("runpod: one run asks each v2 listing once, and a failing listing is named",
          "[runpod][request][v2]") {
  // The report asks pods and endpoints with one cache: the catalog is asked once.
  auto cache = std::make_shared<providers::ResponseCache>();
  test::FakeTransport fake;
  fake.set_handler(by_path({{"/v2/billing/pods", {200, k_empty_billing}},
                            {"/v2/billing/serverless", {200, k_empty_billing}},
                            {"/v2/pods", {200, R"({"pods": []})"}},
                            {"/v2/serverless", {200, R"({"endpoints": []})"}},
                            {"/v2/catalog/gpus", {200, R"({"gpus": []})"}}}));
  for (const char* resource : {"pods", "endpoints", "pods"}) {
    providers::FetchRequest req = request(resource);
    req.settings["v2_base_url"] = "http://127.0.0.1:9/v2";
    req.cache = cache;
    runpod().fetch(req, fake);
  }
  std::vector<std::string> urls = paths_of(fake);
  CHECK(std::count_if(urls.begin(), urls.end(), [](const std::string& u) {
          return u.find("/catalog/gpus") != std::string::npos;
        }) == 1);
  CHECK(std::count_if(urls.begin(), urls.end(), [](const std::string& u) {
          return u.find("/v2/pods?") != std::string::npos;
        }) == 1);

  for (long status : {401L, 500L}) {
    test::FakeTransport failing;
    failing.set_handler(by_path({{"/v2/billing/pods", {200, k_empty_billing}},
                                 {"/v2/pods", {status, R"({"title":"x","status":0,"detail":"listing down"})"}},
                                 {"/v2/catalog/gpus", {200, R"({"gpus": []})"}}}));
    providers::FetchRequest req = request("pods");
    req.settings["v2_base_url"] = "http://127.0.0.1:9/v2";
    try {
      runpod().fetch(req, failing);
      FAIL("no error");
    } catch (const Error& e) {
      INFO(e.what());
      CHECK_THAT(e.what(), Catch::StartsWith("runpod: GET /v2/pods: " + std::to_string(status)));
      CHECK_THAT(e.what(), Catch::Contains("listing down"));
      CHECK(e.code() == (status == 401 ? ExitCode::credentials : ExitCode::provider));
    }
  }
}
