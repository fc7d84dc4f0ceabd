#pragma once
// Runpod REST v2 resource metadata, and the join that gives v2 billing its GPU types, as
// ../shared/docs/providers/runpod-v2-resources.md documents them.
//
//   GET {v2}/pods?includeClusterPods=true   {"pods": [Pod]}            (section 3, 4.1)
//   GET {v2}/serverless                     {"endpoints": [Endpoint]}  (section 3, 4.2)
//   GET {v2}/catalog/gpus                   {"gpus": [GpuType]}        (section 3, 4.3)
//
// None of them pages (section 3): each answer is the whole list. v2 billing records name only
// podId / serverlessId; the pod's `gpu.id` is the catalog id, the same text v1's gpuTypeId
// gave ("NVIDIA GeForce RTX 4090"), and `gpu.count` its GPUs. An endpoint names GPU pools
// (`gpu.pools`, catalog `pool`) less `gpu.excludedTypes`; it has one GPU type only when exactly
// one catalog type remains. A pod the listing no longer knows (terminated, section 7) keeps its
// money under an explicit unknown type: never dropped, never guessed.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gpubill/model/cost_record.hpp"
#include "gpubill/providers/api_call.hpp"

namespace gpubill::providers::runpod {

inline constexpr const char* k_unlisted_pod_gpu = "unknown (pod not listed)";
inline constexpr const char* k_unlisted_endpoint_gpu = "unknown (endpoint not listed)";

struct PodMeta {
  std::string name;
  std::string gpu_type;    ///< catalog id; empty on a CPU pod
  int gpu_count = 0;
  std::string cpu_flavor;  ///< CPU pods: `cpu.id`, e.g. cpu5c
  std::string data_center;
};

struct EndpointMeta {
  std::string name;
  bool has_gpu = false;
  std::vector<std::string> pools;
  std::vector<std::string> excluded;
  int gpus_per_worker = 1;
  std::vector<std::string> data_centers;
};

struct GpuTypeMeta {
  std::string name;  ///< short display name, "RTX 4090"
  std::string pool;  ///< serverless pool, "ADA_24"; empty when in none
};

struct V2Resources {
  std::map<std::string, PodMeta> pods;
  std::map<std::string, EndpointMeta> endpoints;
  std::map<std::string, GpuTypeMeta> gpu_types;  ///< by catalog id
};

/// The three listings' bodies into `into`. Pure. Throw ProviderError naming the listing for
/// anything but the documented wrapped list (an error sent with 200, HTML, wrong types).
void parse_pod_listing(std::string_view body, const Endpoint& endpoint, V2Resources& into);
void parse_serverless_listing(std::string_view body, const Endpoint& endpoint, V2Resources& into);
void parse_gpu_catalog(std::string_view body, const Endpoint& endpoint, V2Resources& into);

/// The catalog types an endpoint can run on: every type in one of its pools (or named as a
/// pool), less its excluded types, in catalog order.
std::vector<std::string> endpoint_gpu_types(const EndpointMeta& endpoint, const V2Resources& meta);

struct JoinOutcome {
  std::size_t unlisted_records = 0;
  std::size_t unlisted_resources = 0;  ///< distinct ids the listing did not know
};

/// Pod records (resource_id = podId) get resource_name, region (dataCenterId), gpu_type,
/// gpu_model and attributes.gpubill_gpu_count from the listing, the catalog's display name in
/// attributes.gpubill_gpu_name; CPU pods get description "CPU pod" and their flavour. A pod the
/// listing does not know gets gpu_type k_unlisted_pod_gpu and attributes.gpubill_pod_listed =
/// false.
JoinOutcome join_pods(std::vector<model::CostRecord>& records, const V2Resources& meta);

/// Serverless records (resource_id = serverlessId): resource_name, region where the endpoint
/// allows one data center only, and the GPU type where exactly one catalog type remains;
/// otherwise gpu_type is the pool list ("ADA_24") with the candidates in
/// attributes.gpubill_gpu_candidates, and gpu_model set only when every candidate is one model.
/// An endpoint the listing does not know: gpu_type k_unlisted_endpoint_gpu.
JoinOutcome join_endpoints(std::vector<model::CostRecord>& records, const V2Resources& meta);

/// v1's grouping=gpuTypeId over joined v2 records: one record per (bucket, gpu_type), in
/// bucket order then GPU type (as v1 answers), resource columns empty; amounts and every
/// `*Amount` component summed exactly (components as decimal strings in attributes),
/// attributes.gpubill_records = how many records were merged, the incomplete-bucket mark kept.
std::vector<model::CostRecord> group_by_gpu_type(const std::vector<model::CostRecord>& records,
                                                 const Endpoint& endpoint);

}  // namespace gpubill::providers::runpod
