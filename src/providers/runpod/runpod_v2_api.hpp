#pragma once
// Runpod REST v2 billing, as section 3.2 of ../shared/docs/providers/runpod.md documents it.
//
//   GET {v2}/billing                    aggregate across everything
//   GET {v2}/billing/pods               ?podId
//   GET {v2}/billing/serverless         ?serverlessId
//   GET {v2}/billing/network-volumes    ?networkVolumeId   (the MCP uses /networkvolumes:
//                                        on 404 the other spelling is tried)
//   GET {v2}/billing/endpoints          Public Endpoints
//   GET {v2}/billing/clusters           ?clusterId
//   common: bucketSize (default day), startTime (snapped down), endTime (exclusive, snapped
//   up), or lastN (>= 1, the last N buckets including the current one; not with start/end).
//   Authorization: Bearer <RUNPOD_API_KEY>;  {v2} = https://api.runpod.io/v2
//
//   {"records": [{"startTime", "endTime", "<x>Id", "totalAmount", "<component>Amount"...}],
//    "metadata": {"query": {...}, "recordCount", "totals": {...}, "unique...Count"}}
//
// Records are half-open [startTime, endTime), amounts USD doubles. Components per endpoint:
// pods gpu/cpu/disk; serverless gpu/cpu/disk/fee; network volumes standard/highPerformance;
// the aggregate podGpu..clusterNetworking. Errors are RFC 9457 problem+json
// {title, status, detail, errors?}. RateLimit / RateLimit-Policy headers come on every
// authenticated answer; a 429 carries Retry-After (seconds).

#include <string>
#include <string_view>
#include <vector>

#include "gpubill/model/cost_record.hpp"
#include "gpubill/providers/api_call.hpp"
#include "providers/runpod/runpod_api.hpp"

namespace gpubill::providers::runpod {

struct V2ParseContext {
  std::string service;       ///< the records' service: pods, endpoints, network-volumes, ...
  model::Timestamp now;      ///< buckets ending after now are marked incomplete
  bool split_components = false;
  Endpoint endpoint;
  ParseThreads threads{};  ///< how a big answer is split over threads (tests force it)
};

/// A v2 billing body -> records: amount = totalAmount; every other `*Amount` number is a
/// component, kept in attributes as sent. With split_components, one record per non-zero
/// component instead (service "<service>:<component>", e.g. pods:gpu), plus an
/// "<service>:other" record for any part of totalAmount the components do not account for,
/// so totals never change. Throws ProviderError for anything but the documented envelope.
std::vector<model::CostRecord> parse_v2_billing(std::string_view body, const V2ParseContext& ctx);

/// One record per non-zero component (every `*Amount` but totalAmount, in the order sent, read
/// as numbers or decimal strings), and "<service>:other" for what they leave of totalAmount
/// beyond a millionth of a dollar. A record without an amount stays whole. What
/// parse_v2_billing does with split_components; also used after the join and the grouping.
std::vector<model::CostRecord> split_components(std::vector<model::CostRecord> whole,
                                                const V2ParseContext& ctx);

/// The array of a v2 wrapped list ({"records": [...]}, {"pods": [...]}, ...), null as empty.
/// ProviderError for another shape: the error the body carries, else what was expected
/// (`shape`, default {"member": [...]}) and what came.
const nlohmann::json& v2_wrapped_list(const nlohmann::json& doc, std::string_view body,
                                      const Endpoint& endpoint, const char* member,
                                      const char* shape = nullptr);

/// The start of the v1/v2 bucket holding t (weeks from Monday, calendar months and years).
model::Timestamp bucket_floor(model::Timestamp t, Bucket bucket);

/// One billing request of a v2 period: `period` asked in `bucket` buckets; `edge`: its records
/// are added up per resource into one record with `period` (merge_into_period).
struct V2Segment {
  model::Period period;
  Bucket bucket;
  bool edge = false;
};

/// The requests that answer `period` in `bucket` buckets without v2 widening it (it snaps
/// startTime down and endTime up): the whole buckets inside it, and each unaligned edge in the
/// largest smaller bucket (day, else hour) whose boundaries are the edge's. An end at or after
/// `now` is never an edge (nothing is billed after now). Where no smaller bucket fits (a
/// period within one hour), v2's buckets are used as they are.
std::vector<V2Segment> v2_segments(const model::Period& period, Bucket bucket, model::Timestamp now);

/// The records of one edge added up: one record per service and resource id with `period`,
/// amounts and every `*Amount` component exact (components as decimal strings), other
/// attributes as the first record gave them, plus gpubill_partial_bucket: true.
std::vector<model::CostRecord> merge_into_period(const std::vector<model::CostRecord>& records,
                                                 const model::Period& period, const Endpoint& endpoint);

/// "podGpuAmount" -> "pod-gpu"; "highPerformanceAmount" -> "high-performance".
std::string component_name(std::string_view amount_field);

}  // namespace gpubill::providers::runpod
