#pragma once
// Runpod REST v1 billing, as ../shared/docs/providers/runpod.md and the seed pages document it.
//
//   GET {base}/billing/pods            ?bucketSize&startTime&endTime&grouping&gpuTypeId&podId
//   GET {base}/billing/endpoints       ?bucketSize&startTime&endTime&grouping&gpuTypeId[]...
//                                       &dataCenterId[]&endpointId&imageName&templateId
//   GET {base}/billing/networkvolumes  ?bucketSize&startTime&endTime
//   Authorization: Bearer <RUNPOD_API_KEY>
//
// Each answers a bare JSON array, no envelope, no paging:
//   [{"time": "2026-06-01T00:00:00Z", "amount": 64.532916, "timeBilledMs": 86400000,
//     "diskSpaceBilledGb": 200, "gpuTypeId": "NVIDIA H100 80GB HBM3"}, ...]
// `time` starts the bucket; only the id field matching `grouping` is set. Network-volume rows
// carry diskSpaceBilledGb, highPerformanceStorageAmount and
// highPerformanceStorageDiskSpaceBilledGb and no volume id.
//
// Deviations seen by third parties and accepted here (docs/providers/runpod.md):
// `diskSpaceBilledGB` (capital GB); `time` as "2026-04-06 15:00:00" (space, no zone = UTC);
// amounts with 12 decimals; numbers sent as strings.
// Arrays are sent as repeated keys (OpenAPI form/explode default): dataCenterId=A&dataCenterId=B.

#include <string>
#include <string_view>
#include <vector>

#include "gpubill/model/cost_record.hpp"
#include "gpubill/providers/api_call.hpp"

namespace gpubill::providers::runpod {

enum class Resource { pods, endpoints, network_volumes };
enum class Bucket { hour, day, week, month, year };

/// "hour".."year" -> Bucket; throws UsageError otherwise.
Bucket parse_bucket(std::string_view name);
/// The bucket after the one starting at `start` (calendar months and years).
model::Timestamp bucket_end(model::Timestamp start, Bucket bucket);

struct ParseContext {
  Resource resource;
  Bucket bucket;
  model::Period requested;  ///< rows starting at or after its end are dropped (half-open)
  model::Timestamp now;     ///< rows whose bucket runs past now are marked incomplete
  Endpoint endpoint;        ///< names provider and endpoint in errors
  ParseThreads threads{};   ///< how a big answer is split over threads (tests force it)
};

/// A billing response body -> records. Pure: no transport, no clock. Throws ProviderError
/// for anything that is not the documented array of objects.
std::vector<model::CostRecord> parse_billing(std::string_view body, const ParseContext& ctx);
/// The same, taking the text: it is freed once read, before the records are sorted, so that
/// a big answer's text and the sort's index are never held together (docs/performance.md).
std::vector<model::CostRecord> parse_billing(std::string&& body, const ParseContext& ctx);

}  // namespace gpubill::providers::runpod
