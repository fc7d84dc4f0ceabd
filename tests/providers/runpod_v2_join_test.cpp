// Runpod REST v2 resource listings, and the join that gives v2 billing its GPU types, on the
// shapes of ../shared/docs/providers/runpod-v2-resources.md (sections 4 and 9) and bad input.
#include <catch2/catch.hpp>

#include "gpubill/model/gpu_catalog.hpp"
#include "gpubill/util/error.hpp"
#include "providers/runpod/runpod_v2_api.hpp"
#include "providers/runpod/runpod_v2_resources.hpp"
#include "support/errors.hpp"
#include "support/fixtures.hpp"

using namespace gpubill;
using namespace gpubill::providers::runpod;
using model::Decimal;

namespace {

const providers::Endpoint k_pods_ep{"runpod", "RUNPOD_API_KEY", "GET /v2/pods"};
const providers::Endpoint k_serverless_ep{"runpod", "RUNPOD_API_KEY", "GET /v2/serverless"};
const providers::Endpoint k_catalog_ep{"runpod", "RUNPOD_API_KEY", "GET /v2/catalog/gpus"};
const providers::Endpoint k_billing_ep{"runpod", "RUNPOD_API_KEY", "GET /v2/billing/pods"};

std::string fixture(const char* name) { return test::read_fixture(std::string("runpod/") + name); }

std::vector<model::CostRecord> billing(const char* name, const char* service) {
  return parse_v2_billing(fixture(name), {service, *model::parse_provider_time("2026-11-23T12:00:00Z"),
                                          false, k_billing_ep});
}

V2Resources doc_examples() {
  V2Resources meta;
  parse_pod_listing(fixture("v2_listing_pods_doc_example.json"), k_pods_ep, meta);
  parse_serverless_listing(fixture("v2_listing_serverless_doc_example.json"), k_serverless_ep, meta);
  parse_gpu_catalog(fixture("v2_catalog_doc_example.json"), k_catalog_ep, meta);
  return meta;
}

Decimal sum(const std::vector<model::CostRecord>& rs) {
  Decimal total;
  for (const model::CostRecord& r : rs) total += r.amount.value_or(Decimal{});
  return total;
}

}  // namespace

TEST_CASE("runpod v2 listings: the docs' examples", "[runpod][v2][join]") {
  V2Resources meta = doc_examples();
  REQUIRE(meta.pods.size() == 2);
  const PodMeta& gpu = meta.pods.at("pod_h100a");
  CHECK(gpu.name == "train-h100");
  CHECK(gpu.gpu_type == "NVIDIA H100 80GB HBM3");
  CHECK(gpu.gpu_count == 2);
  CHECK(gpu.data_center == "US-TX-3");
  const PodMeta& cpu = meta.pods.at("pod_cpu01");
  CHECK(cpu.gpu_type.empty());
  CHECK(cpu.cpu_flavor == "cpu5c");
  CHECK(cpu.data_center == "EU-RO-1");

  REQUIRE(meta.endpoints.size() == 1);
  const EndpointMeta& e = meta.endpoints.at("ep_sdxl01");
  CHECK(e.pools == std::vector<std::string>{"ADA_24"});
  CHECK(e.excluded == std::vector<std::string>{"NVIDIA L4"});
  CHECK(e.data_centers == std::vector<std::string>{"US-KS-2"});

  REQUIRE(meta.gpu_types.size() == 2);
  CHECK(meta.gpu_types.at("NVIDIA GeForce RTX 4090").name == "RTX 4090");
  CHECK(meta.gpu_types.at("NVIDIA GeForce RTX 4090").pool == "ADA_24");
  CHECK(endpoint_gpu_types(e, meta) == std::vector<std::string>{"NVIDIA GeForce RTX 4090"});
}

TEST_CASE("runpod v2 join: pods get name, region and GPU, an unlisted pod is kept, unguessed",
          "[runpod][v2][join]") {
  std::vector<model::CostRecord> rs = billing("v2_pods_billing_to_join.json", "pods");
  REQUIRE(rs.size() == 5);
  Decimal before = sum(rs);
  JoinOutcome outcome = join_pods(rs, doc_examples());
  CHECK(outcome.unlisted_records == 2);
  CHECK(outcome.unlisted_resources == 1);
  CHECK(rs.size() == 5);  // nothing dropped
  CHECK(sum(rs) == before);

  const model::CostRecord& h100 = rs[0];
  CHECK(h100.resource_id == "pod_h100a");
  CHECK(h100.resource_name == "train-h100");
  CHECK(h100.region == "US-TX-3");
  CHECK(h100.gpu_type == "NVIDIA H100 80GB HBM3");
  CHECK(h100.gpu_model == "H100 80GB");
  CHECK(h100.attributes[model::k_gpu_count_attribute] == 2);
  CHECK(h100.attributes["gpubill_gpu_name"] == "H100 SXM");

  const model::CostRecord& cpu = rs[1];
  CHECK(cpu.gpu_type.empty());
  CHECK(cpu.gpu_model.empty());
  CHECK(cpu.description == "CPU pod");
  CHECK(cpu.attributes["gpubill_cpu_flavor"] == "cpu5c");

  const model::CostRecord& gone = rs[2];
  CHECK(gone.resource_id == "pod_gone");
  CHECK(gone.gpu_type == k_unlisted_pod_gpu);
  CHECK(gone.gpu_model.empty());
  CHECK(gone.resource_name.empty());
  CHECK(gone.attributes["gpubill_pod_listed"] == false);
  CHECK(gone.amount == Decimal::parse("20.5"));
}

TEST_CASE("runpod v2 join: grouping by GPU type adds exactly, per bucket, in v1's order",
          "[runpod][v2][join]") {
  std::vector<model::CostRecord> rs = billing("v2_pods_billing_to_join.json", "pods");
  join_pods(rs, doc_examples());
  std::vector<model::CostRecord> grouped = group_by_gpu_type(rs, k_billing_ep);
  // Day 1: "" (the CPU pod), the H100, the unlisted pod; day 2: the H100 and the unlisted pod.
  REQUIRE(grouped.size() == 5);
  CHECK(sum(grouped) == sum(rs));
  CHECK(grouped[0].gpu_type.empty());
  CHECK(grouped[1].gpu_type == "NVIDIA H100 80GB HBM3");
  CHECK(grouped[1].gpu_model == "H100 80GB");
  CHECK(grouped[1].resource_id.empty());
  CHECK(grouped[1].region.empty());
  CHECK(grouped[2].gpu_type == k_unlisted_pod_gpu);
  CHECK(model::format_rfc3339(grouped[3].period.start) == "2026-06-02T00:00:00Z");
  CHECK(grouped[3].amount == Decimal::parse("71.76"));
  CHECK(grouped[3].attributes["gpuAmount"] == "70");
  CHECK(grouped[3].attributes["gpubill_records"] == 1);
  CHECK(grouped[3].attributes["gpubill_api"] == "v2");

  // Two pods of one type in one bucket: amounts and components add exactly.
  std::vector<model::CostRecord> two = {rs[0], rs[0]};
  two[1].resource_id = "pod_h100b";
  two[1].amount = Decimal::parse("0.1");
  two[1].attributes["gpuAmount"] = 0.1;  // the whole of its 0.1
  two[1].attributes["cpuAmount"] = 0;
  two[1].attributes["diskAmount"] = 0;
  std::vector<model::CostRecord> one = group_by_gpu_type(two, k_billing_ep);
  REQUIRE(one.size() == 1);
  CHECK(one[0].amount == Decimal::parse("143.62"));
  CHECK(one[0].attributes["gpuAmount"] == "140.1");
  CHECK(one[0].attributes["gpubill_records"] == 2);
  // --split-components still works on grouped rows (their components are decimal text).
  std::vector<model::CostRecord> split =
      split_components(one, {"pods", *model::parse_provider_time("2026-11-23T12:00:00Z"), true, k_billing_ep});
  CHECK(sum(split) == Decimal::parse("143.62"));
  CHECK(split.size() == 3);
}

TEST_CASE("runpod v2 join: endpoints by pool, exclusions, ambiguity and unlisted ones",
          "[runpod][v2][join]") {
  std::vector<model::CostRecord> rs = billing("v2_serverless_billing_to_join.json", "endpoints");
  JoinOutcome outcome = join_endpoints(rs, doc_examples());
  CHECK(outcome.unlisted_resources == 1);
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].resource_name == "sdxl");
  CHECK(rs[0].region == "US-KS-2");
  CHECK(rs[0].gpu_type == "NVIDIA GeForce RTX 4090");  // ADA_24 less the excluded L4
  CHECK(rs[0].gpu_model == "RTX 4090");
  CHECK(rs[1].gpu_type == k_unlisted_endpoint_gpu);
  CHECK(rs[1].amount == Decimal::parse("1.5"));

  V2Resources pools;
  parse_serverless_listing(fixture("v2_listing_serverless_pools.json"), k_serverless_ep, pools);
  parse_gpu_catalog(fixture("v2_catalog_pools.json"), k_catalog_ep, pools);
  auto record_for = [](const char* id) {
    model::CostRecord r;
    r.resource_id = id;
    r.amount = Decimal::parse("1");
    return r;
  };
  std::vector<model::CostRecord> more = {record_for("ep_any24"), record_for("ep_h100s"),
                                         record_for("ep_unknownpool"), record_for("ep_cpu")};
  CHECK(join_endpoints(more, pools).unlisted_resources == 0);
  // Two different models in the pool: no type, no model, the candidates said.
  CHECK(more[0].gpu_type == "ADA_24");
  CHECK(more[0].gpu_model.empty());
  CHECK(more[0].attributes["gpubill_gpu_candidates"].size() == 2);
  CHECK(more[0].attributes["gpubill_gpus_per_worker"] == 2);
  CHECK(more[0].region.empty());  // two data centers allowed: no single region
  // Two forms of one chip: the model is known though the type is not.
  CHECK(more[1].gpu_type == "HOPPER_80");
  CHECK(more[1].gpu_model == "H100 80GB");
  // A pool the catalog does not list: named, nothing guessed.
  CHECK(more[2].gpu_type == "BLACKWELL_180");
  CHECK(more[2].gpu_model.empty());
  CHECK(more[2].resource_name == "新しいプール");
  CHECK(more[3].gpu_type.empty());
  CHECK(more[3].description == "CPU endpoint");
}

TEST_CASE("runpod v2 listings: bad answers are one-line errors naming the listing",
          "[runpod][v2][join][errors]") {
  struct Case {
    const char* body;
    const char* message;
  };
  const Case pods[] = {
      {"v2_listing_bare_array.json", "runpod: GET /v2/pods: expected {\"pods\": [...]}, got an array"},
      {"v2_listing_gpu_string.json", "runpod: GET /v2/pods: pod 1: field 'gpu' is a string, expected an object"},
      {"v2_listing_id_missing.json", "runpod: GET /v2/pods: pod 1: field 'id' is missing"},
      {"v2_listing_count_text.json", "runpod: GET /v2/pods: pod 1 gpu: field 'count' is not a whole number"},
      {"v2_listing_count_huge.json", "runpod: GET /v2/pods: pod 1 gpu: field 'count' is not a whole number"},
      {"v2_listing_pods_object.json", "runpod: GET /v2/pods: field 'pods' is an object, expected an array"},
      {"v2_listing_problem.json", "runpod: GET /v2/pods: the provider answered with an error"},
      {"html_page.json", "runpod: GET /v2/pods"},
      {"empty_body.json", "runpod: GET /v2/pods"},
      {"malformed_truncated.json", "runpod: GET /v2/pods"},
  };
  for (const Case& c : pods) {
    INFO(c.body);
    V2Resources meta;
    std::string message = test::provider_error_message([&] { parse_pod_listing(fixture(c.body), k_pods_ep, meta); });
    CHECK_THAT(message, Catch::StartsWith(c.message));
    CHECK(message.find('\n') == std::string::npos);
  }
  V2Resources meta;
  CHECK_THAT(test::provider_error_message([&] {
               parse_gpu_catalog(fixture("v2_catalog_name_array.json"), k_catalog_ep, meta);
             }),
             Catch::StartsWith("runpod: GET /v2/catalog/gpus: GPU type 1: field 'name' is an array"));
  CHECK_THAT(test::provider_error_message([&] {
               parse_serverless_listing(fixture("v2_listing_pools_string.json"), k_serverless_ep, meta);
             }),
             Catch::StartsWith("runpod: GET /v2/serverless: endpoint 1 gpu: field 'pools' is a string"));
  // An empty list is an empty list, not an error.
  parse_pod_listing(R"({"pods": []})", k_pods_ep, meta);
  CHECK(meta.pods.empty());
}

TEST_CASE("runpod v2 periods: whole buckets inside, the edges in smaller buckets",
          "[runpod][v2][period]") {
  auto t = [](const char* s) { return *model::parse_provider_time(s); };
  auto text = [](const std::vector<V2Segment>& segs) {
    std::string out;
    for (const V2Segment& s : segs) {
      out += model::format_rfc3339(s.period.start) + ".." + model::format_rfc3339(s.period.end) + " " +
             std::to_string(static_cast<int>(s.bucket)) + (s.edge ? " edge" : "") + "; ";
    }
    return out;
  };
  const model::Timestamp now = t("2026-11-23T12:00:00Z");
  // Aligned: one request, as asked.
  CHECK(text(v2_segments({t("2026-09-01"), t("2026-11-01")}, Bucket::month, now)) ==
        "2026-09-01T00:00:00Z..2026-11-01T00:00:00Z 3; ");
  // The issue's case: from the 15th by month, up to now: October's second half in days.
  CHECK(text(v2_segments({t("2026-10-15"), now}, Bucket::month, now)) ==
        "2026-10-15T00:00:00Z..2026-11-01T00:00:00Z 1 edge; 2026-11-01T00:00:00Z..2026-11-23T12:00:00Z 3; ");
  // A past, unaligned end: both edges, no middle bucket, none crossing a month.
  CHECK(text(v2_segments({t("2026-09-10"), t("2026-10-20")}, Bucket::month, now)) ==
        "2026-09-10T00:00:00Z..2026-10-01T00:00:00Z 1 edge; 2026-10-01T00:00:00Z..2026-10-20T00:00:00Z 1 edge; ");
  // Inside one week, ends at hours: hour buckets.
  CHECK(text(v2_segments({t("2026-10-06T06:00:00Z"), t("2026-10-08T18:00:00Z")}, Bucket::week, now)) ==
        "2026-10-06T06:00:00Z..2026-10-08T18:00:00Z 0 edge; ");
  // Day buckets with an hour-aligned start: the first hours as an edge.
  CHECK(text(v2_segments({t("2026-10-06T06:00:00Z"), t("2026-10-09")}, Bucket::day, now)) ==
        "2026-10-06T06:00:00Z..2026-10-07T00:00:00Z 0 edge; 2026-10-07T00:00:00Z..2026-10-09T00:00:00Z 1; ");
  // Nothing smaller than an hour: v2's own hour bucket, not an edge.
  CHECK(text(v2_segments({t("2026-10-06T06:30:00Z"), t("2026-10-06T08:00:00Z")}, Bucket::hour, now)) ==
        "2026-10-06T06:30:00Z..2026-10-06T08:00:00Z 0; ");
  // Inside the current month, to now: one edge in days (nothing is billed after now).
  CHECK(text(v2_segments({t("2026-11-05"), now}, Bucket::month, now)) ==
        "2026-11-05T00:00:00Z..2026-11-23T12:00:00Z 1 edge; ");
  // Weeks start on Monday (2026-10-05 is one).
  CHECK(text(v2_segments({t("2026-10-07"), t("2026-10-19")}, Bucket::week, now)) ==
        "2026-10-07T00:00:00Z..2026-10-12T00:00:00Z 1 edge; 2026-10-12T00:00:00Z..2026-10-19T00:00:00Z 2; ");
  CHECK(model::format_rfc3339(bucket_floor(t("2026-11-23T12:00:00Z"), Bucket::year)) == "2026-01-01T00:00:00Z");
}

TEST_CASE("runpod v2 periods: an edge's records add up per resource, exactly",
          "[runpod][v2][period]") {
  std::vector<model::CostRecord> rs = billing("v2_pods_billing_to_join.json", "pods");
  model::Period edge{*model::parse_provider_time("2026-06-01"), *model::parse_provider_time("2026-06-03")};
  std::vector<model::CostRecord> merged = merge_into_period(rs, edge, k_billing_ep);
  REQUIRE(merged.size() == 3);  // pod_h100a, pod_cpu01, pod_gone
  CHECK(sum(merged) == sum(rs));
  CHECK(merged[0].resource_id == "pod_h100a");
  CHECK(merged[0].amount == Decimal::parse("215.28"));
  CHECK(merged[0].attributes["gpuAmount"] == "210");
  CHECK(merged[0].attributes["podId"] == "pod_h100a");
  CHECK(merged[0].attributes["gpubill_partial_bucket"] == true);
  CHECK(merged[0].period == edge);
  CHECK_FALSE(merged[0].attributes.contains(model::k_incomplete_attribute));
  // A bucket of the edge still growing (only the last one is): so is the merged record.
  rs[3].attributes[model::k_incomplete_attribute] = true;
  merged = merge_into_period(rs, edge, k_billing_ep);
  CHECK(merged[0].attributes[model::k_incomplete_attribute] == true);
  CHECK_FALSE(merged[1].attributes.contains(model::k_incomplete_attribute));
}
