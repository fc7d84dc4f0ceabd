// The exact requests the Runpod adapter sends, through the fake transport.
#include <catch2/catch.hpp>

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
                                  {"pod-id", {"xedezhzb9la3ye"}}}),
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
  runpod().fetch(request("network-volumes", {{"bucket", {"month"}}}), fake);
  CHECK(fake.requests().at(0).url ==
        "http://127.0.0.1:9/v1/billing/networkvolumes?bucketSize=month&startTime=2026-10-01T00%"
        "3A00%3A00Z&endTime=2026-11-01T00%3A00%3A00Z");
}

TEST_CASE("runpod: 401 and 403 are credential errors, 404 suggests the v1 retirement",
          "[runpod][request][errors]") {
  test::FakeTransport fake;
  fake.push(401, R"({"message":"Unauthorized"})");
  CHECK_THROWS_AS(runpod().fetch(request("pods"), fake), AuthError);
  fake.push(403, R"({"message":"Forbidden"})");
  CHECK_THROWS_WITH(runpod().fetch(request("pods"), fake), Catch::Contains("RUNPOD_API_KEY"));
  fake.push(404, R"({"message":"not found"})");
  CHECK_THROWS_WITH(runpod().fetch(request("pods", {{"api", {"v1"}}}), fake),
                    Catch::Contains("v1 billing API may be retired; try --api v2"));
  fake.push(410, "");
  CHECK_THROWS_AS(runpod().fetch(request("pods", {{"api", {"v1"}}}), fake), ProviderError);
}
