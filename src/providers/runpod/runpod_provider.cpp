#include "providers/runpod/runpod_provider.hpp"

#include <algorithm>
#include "gpubill/providers/windows.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "providers/runpod/runpod_api.hpp"
#include "providers/runpod/runpod_v2_api.hpp"
#include "providers/runpod/runpod_v2_resources.hpp"

namespace gpubill::providers::runpod {

namespace {

const std::vector<std::string> k_buckets = {"hour", "day", "week", "month", "year"};

const char* bucket_label(Bucket b) { return k_buckets[static_cast<std::size_t>(b)].c_str(); }

OptionSpec bucket_option() {
  return {"bucket", "Length of each billing bucket (default day)", false, k_buckets, false, false, "", {}, "day"};
}

// Flags that exist in only one of the two APIs (docs/providers/runpod.md). --grouping and
// --gpu-type are v1 parameters that v2 serves by joining its billing to the pod and endpoint
// listings; endpoints' --grouping podId cannot be served that way.
const std::vector<std::string> k_v1_only = {"datacenter", "image", "template-id"};
const std::vector<std::string> k_v2_only = {"last", "volume-id", "cluster-id",
                                            "split-components"};

OptionSpec api_option() {
  return {"api", "Runpod API: auto (REST v2; v1 only if v2 answers 404 or a flag needs v1), "
                 "v1 (retired 2026-11-15) or v2 (default: GPUBILL_RUNPOD_API, then api_version "
                 "in the config file, else auto)",
          false, {"auto", "v1", "v2"}};
}

std::vector<OptionSpec> v2_options(std::vector<OptionSpec> own) {
  own.insert(own.begin(), bucket_option());
  own.push_back(api_option());
  own.push_back({"last", "v2: the last N buckets, the current one included (instead of "
                         "--start/--end)", false, {}, false, true, "N"});
  own.push_back({"split-components", "v2: one record per cost component (gpu, cpu, disk, "
                                     "fee, ...) instead of one per bucket",
                 false, {}, true});
  return own;
}

std::string first_flag(const OptionValues& options, const std::vector<std::string>& flags) {
  for (const std::string& f : flags) {
    if (options.count(f) > 0) return "--" + f;
  }
  return {};
}

// The first flag of `req` that only REST v1 can answer, as the user wrote it, or empty.
std::string v1_only_flag(const FetchRequest& req) {
  std::string flag = first_flag(req.options, k_v1_only);
  if (flag.empty() && req.resource == "endpoints" && option_value(req.options, "grouping") == "podId") {
    flag = "--grouping podId";
  }
  return flag;
}

class RunpodProvider final : public Provider {
 public:
  RunpodProvider()
      : m_info{"runpod", "Runpod: pod, serverless endpoint and network volume billing (REST v1 and v2)",
               "RUNPOD_API_KEY", "GPUBILL_RUNPOD_URL", "https://rest.runpod.io/v1"},
        m_resources{
            {"pods",
             "Pod billing per bucket, grouped by GPU type (default) or by pod",
             "gpubill runpod pods --bucket day --start 2026-10-01 --end 2026-11-01 -o csv",
             v2_options({{"grouping", "Group rows by gpuTypeId (default) or podId (v2: joined "
                                      "to the pod listing)", false,
                          {"gpuTypeId", "podId"}, false, false, "", {}, "gpuTypeId"},
                         {"gpu-type", "Only pods with this GPU, e.g. \"NVIDIA GeForce RTX 4090\" "
                                      "(v2: from the pod listing)",
                          false, {}, false, false, "NAME", {}, "", gpu_type_is},
                         {"pod-id", "Only this pod, e.g. xedezhzb9la3ye", false, {}, false, false,
                          "ID", {"id"}}})},
            {"endpoints",
             "Serverless endpoint billing per bucket (v2: /billing/serverless)",
             "gpubill runpod endpoints --datacenter EU-RO-1 --datacenter US-TX-3 "
             "--grouping gpuTypeId",
             v2_options({{"grouping", "Group rows by endpointId (default), gpuTypeId (v2: "
                                      "joined to the endpoint listing) or podId (v1 only)",
                          false, {"endpointId", "podId", "gpuTypeId"}, false, false, "", {}, "endpointId"},
                         {"gpu-type", "Only endpoints with this GPU type (repeatable; v2: "
                                      "endpoints whose pools hold one type)", true, {}, false, false,
                          "NAME", {}, "", gpu_type_is},
                         {"datacenter", "v1: only endpoints in this data center, e.g. EU-RO-1 "
                                        "(repeatable)", true, {}, false, false, "ID"},
                         {"endpoint-id", "Only this endpoint, e.g. jpnw0v75y3qoql", false, {}, false, false,
                          "ID", {"id"}},
                         {"image", "v1: only endpoints created with this image", false, {}, false, false,
                          "NAME"},
                         {"template-id", "v1: only endpoints created from this template", false,
                          {}}})},
            {"network-volumes", "Network volume storage billing per bucket",
             "gpubill runpod network-volumes --bucket month --start 2026-01",
             v2_options({{"volume-id", "v2: only this network volume", false, {}, false, false,
                         "ID", {"id"}, "", resource_id_is}})},
            {"all", "v2: everything billed, per bucket, with pod, serverless, storage, "
                    "endpoint and cluster components",
             "gpubill runpod all --bucket month --start 2026-08 --split-components", v2_options({})},
            {"clusters", "v2: cluster billing per bucket",
             "gpubill runpod clusters --bucket day --last 7",
             v2_options({{"cluster-id", "v2: only this cluster", false, {}, false, false, "ID",
                          {"id"}, "", resource_id_is}})},
            {"public-endpoints", "v2: Public Endpoint billing per bucket",
             "gpubill runpod public-endpoints --bucket month --start 2026-10", v2_options({})},
        } {
    m_info.check_resource = "network-volumes";  // one billing request, no listing to join
    m_info.focus = focus_mapping();
    m_info.extra_settings = {
        {"api_version", "GPUBILL_RUNPOD_API", "auto", false},
        {"v2_base_url", "GPUBILL_RUNPOD_V2_URL", "https://api.runpod.io/v2", true}};
  }

  const ProviderInfo& info() const override { return m_info; }
  const std::vector<ResourceSpec>& resources() const override { return m_resources; }

  std::vector<ReportPart> report_plan() const override {
    // Pods and serverless by GPU type (so the report can group by GPU), storage, and the two
    // families only v2 bills: Instant Clusters and Public Endpoints. Together they are the
    // aggregate's totalAmount (BillingAmounts lists exactly these components).
    return {{"pods", {{"grouping", {"gpuTypeId"}}}},
            {"endpoints", {{"grouping", {"gpuTypeId"}}}},
            {"network-volumes", {}},
            {"clusters", {}},
            {"public-endpoints", {}}};
  }

  std::optional<ReportPart> report_total() const override {
    // The aggregate: totalAmount across every billable resource, a month at a time.
    return ReportPart{"all", {{"bucket", {"month"}}}};
  }

  std::vector<model::CostRecord> fetch(const FetchRequest& req,
                                       transport::Transport& transport) const override {
    std::string api = option_value(req.options, "api", setting(req, "api_version", "auto"));
    if (api != "auto" && api != "v1" && api != "v2") {
      throw UsageError("runpod: api_version '" + api + "' (GPUBILL_RUNPOD_API or the config "
                       "file): use auto, v1 or v2");
    }
    bool v2_only_resource = req.resource == "all" || req.resource == "clusters" ||
                            req.resource == "public-endpoints";
    // The report's plan asks nothing only v1 can answer.
    std::string v1_flag = req.from_report ? std::string() : v1_only_flag(req);
    std::string v2_flag = first_flag(req.options, k_v2_only);
    if (api == "v1") {
      if (v2_only_resource && req.from_report) {
        throw ProviderError("runpod " + req.resource + ": billed only in REST v2, which api_version "
                            "= \"v1\" turns off: this spend is not in the report");
      }
      if (v2_only_resource || !v2_flag.empty()) {
        throw UsageError("runpod " + req.resource + ": " +
                         (v2_only_resource ? "exists only in REST v2" : v2_flag + " exists only in REST v2") +
                         "; use --api v2 (or auto)");
      }
      return *fetch_v1(req, transport, false);
    }
    if (!v1_flag.empty() && (api == "v2" || v2_only_resource || !v2_flag.empty())) {
      throw UsageError("runpod " + req.resource + ": " + v1_flag +
                       " exists only in REST v1, which " +
                       (api == "v2" ? "--api v2 / api_version = \"v2\" turns off" : "this query cannot use") +
                       "; drop it or use --api v1");
    }
    if (!v1_flag.empty()) {
      // auto, and only v1 can answer this: ask it, though it is retired.
      std::optional<std::vector<model::CostRecord>> v1 = fetch_v1(req, transport, true);
      if (v1) return *std::move(v1);
      throw ProviderError("runpod: GET /billing/" + req.resource +
                          ": REST v1 answered 404/410 (retired 2026-11-15) and " + v1_flag +
                          " only exists in v1: drop it to use REST v2");
    }
    bool may_fall_back = api == "auto" && !v2_only_resource && v2_flag.empty();
    std::optional<std::vector<model::CostRecord>> v2 = fetch_v2(req, transport, may_fall_back);
    if (v2) return *std::move(v2);
    // auto, and v2 answered 404 on a billing path: a proxy or gateway that only speaks v1.
    util::log().warn("runpod: REST v2 billing answered 404; asked REST v1 instead (retired "
                     "2026-11-15, so this may not last). Check GPUBILL_RUNPOD_V2_URL, or set "
                     "api_version = \"v1\" under [runpod] to go there directly");
    return *fetch_v1(req, transport, false);
  }

 private:
  static std::string setting(const FetchRequest& req, const char* key, const char* fallback) {
    auto it = req.settings.find(key);
    return it == req.settings.end() || it->second.empty() ? fallback : it->second;
  }

  /// nullopt: `retired_is_soft` and v1 answered 404 or 410 (the caller may go to v2).
  std::optional<std::vector<model::CostRecord>> fetch_v1(const FetchRequest& req,
                                                         transport::Transport& transport,
                                                         bool retired_is_soft) const {
    Resource resource = Resource::pods;
    std::string path;
    std::string default_grouping;
    if (req.resource == "pods") {
      path = "/billing/pods";
      default_grouping = "gpuTypeId";
    } else if (req.resource == "endpoints") {
      resource = Resource::endpoints;
      path = "/billing/endpoints";
      default_grouping = "endpointId";
    } else if (req.resource == "network-volumes") {
      resource = Resource::network_volumes;
      path = "/billing/networkvolumes";
    } else {
      throw UsageError("runpod: unknown resource '" + req.resource +
                       "': use pods, endpoints, network-volumes, all, clusters or public-endpoints");
    }
    std::string bucket_name = option_value(req.options, "bucket", "day");
    Bucket bucket = parse_bucket(bucket_name);

    std::vector<std::pair<std::string, std::string>> query = {
        {"bucketSize", bucket_name},
        {"startTime", model::format_rfc3339(req.query.period.start)},
        {"endTime", model::format_rfc3339(req.query.period.end)}};
    if (!default_grouping.empty()) query.emplace_back("grouping", option_value(req.options, "grouping", default_grouping));
    // flag -> wire parameter; repeated flags become repeated keys.
    const std::pair<const char*, const char*> filters[] = {
        {"gpu-type", "gpuTypeId"},   {"pod-id", "podId"},        {"datacenter", "dataCenterId"},
        {"endpoint-id", "endpointId"}, {"image", "imageName"},   {"template-id", "templateId"}};
    for (const auto& [flag, param] : filters) {
      auto it = req.options.find(flag);
      if (it == req.options.end()) continue;
      for (const std::string& v : it->second) query.emplace_back(param, v);
    }

    transport::HttpRequest http;
    http.url = transport::build_url(req.base_url, path, query);
    http.headers = {{"Authorization", "Bearer " + req.api_key}, {"Accept", "application/json"}};

    Endpoint ep{"runpod", m_info.key_env, "GET " + path};
    transport::HttpResponse response = transport.send(http);
    if (retired_is_soft && response.failure == transport::TransportFailure::none &&
        (response.status == 404 || response.status == 410)) {
      return std::nullopt;
    }
    check_response(response, ep, [](long status) -> std::optional<std::string> {
      if (status == 404 || status == 410) {
        return "the Runpod REST v1 billing API may be retired; try --api v2 (or "
               "api_version = \"v2\" in the config file), and check GPUBILL_RUNPOD_URL";
      }
      return std::nullopt;
    });
    return parse_billing(std::move(response.body),
                         {resource, bucket, req.query.period, req.query.now, ep});
  }

  /// nullopt: `not_found_is_soft` and the billing path answered 404 (the caller may go to v1).
  std::optional<std::vector<model::CostRecord>> fetch_v2(const FetchRequest& req,
                                                         transport::Transport& transport,
                                                         bool not_found_is_soft) const {
    struct V2Resource {
      const char* resource;
      const char* path;
      const char* alternate_path;  ///< tried once on 404 (docs: the MCP's spelling)
      const char* id_flag;
      const char* id_param;
    };
    static const V2Resource k_v2[] = {
        {"pods", "/billing/pods", nullptr, "pod-id", "podId"},
        {"endpoints", "/billing/serverless", nullptr, "endpoint-id", "serverlessId"},
        {"network-volumes", "/billing/network-volumes", "/billing/networkvolumes", "volume-id",
         "networkVolumeId"},
        {"all", "/billing", nullptr, nullptr, nullptr},
        {"clusters", "/billing/clusters", nullptr, "cluster-id", "clusterId"},
        {"public-endpoints", "/billing/endpoints", nullptr, nullptr, nullptr},
    };
    const V2Resource* target = nullptr;
    for (const V2Resource& r : k_v2) {
      if (req.resource == r.resource) target = &r;
    }
    if (target == nullptr) throw UsageError("runpod: unknown resource '" + req.resource + "'");

    std::string bucket_name = option_value(req.options, "bucket", "day");
    Bucket bucket = parse_bucket(bucket_name);  // the same five sizes as v1
    std::string last = option_value(req.options, "last");
    std::vector<V2Segment> segments;
    if (!last.empty()) {
      if (req.query.period_given) {
        throw UsageError("runpod " + req.resource + ": --last counts buckets back from now; "
                         "it cannot be combined with --start or --end");
      }
      bool digits = last.size() <= 6 && std::all_of(last.begin(), last.end(), [](char c) {
        return c >= '0' && c <= '9';
      });
      if (!digits || std::stoi(last) < 1) {
        throw UsageError("--last: '" + last + "' is not a whole number of buckets, 1 or more");
      }
      segments.push_back({req.query.period, bucket, false});
    } else {
      // v2 snaps startTime down and endTime up to whole buckets: the edges of an unaligned
      // period are asked in smaller buckets, so no money from outside it is counted.
      segments = v2_segments(req.query.period, bucket, req.query.now);
    }
    std::string id;
    if (target->id_flag != nullptr) id = option_value(req.options, target->id_flag);
    auto billing_query = [&](const V2Segment& seg) {
      std::vector<std::pair<std::string, std::string>> query = {{"bucketSize", bucket_label(seg.bucket)}};
      if (!last.empty()) {
        query.emplace_back("lastN", last);
      } else {
        query.emplace_back("startTime", model::format_rfc3339(seg.period.start));
        query.emplace_back("endTime", model::format_rfc3339(seg.period.end));
      }
      if (!id.empty()) query.emplace_back(target->id_param, id);
      return query;
    };

    std::string base = setting(req, "v2_base_url", "https://api.runpod.io/v2");
    std::string path = target->path;
    // Pods and endpoints are joined to their listing and the GPU catalog, asked together with
    // the billing (runpod-v2-resources.md section 2).
    const char* listing = req.resource == "pods"        ? "/pods"
                          : req.resource == "endpoints" ? "/serverless"
                                                        : nullptr;
    const std::size_t n = segments.size();
    std::vector<transport::HttpResponse> answers = parallel_map<transport::HttpResponse>(
        n + (listing != nullptr ? 2 : 0), static_cast<std::size_t>(std::max(1, req.parallel)),
        [&](std::size_t i) {
          if (i < n) return send_v2(req, transport, base, path, billing_query(segments[i]));
          std::string what = i == n ? listing : "/catalog/gpus";
          std::vector<std::pair<std::string, std::string>> q;
          if (i == n && req.resource == "pods") q.emplace_back("includeClusterPods", "true");
          // Asked once per run (FetchRequest::cache): `report` needs the catalog for pods and
          // endpoints, and metadata counts against the billing rate limit.
          return cached(req.cache.get(), "runpod v2 " + base + what, [&] {
            return send_v2(req, transport, base, what, q);
          });
        });
    auto not_found = [](const transport::HttpResponse& r) {
      return r.failure == transport::TransportFailure::none && r.status == 404;
    };
    if (target->alternate_path != nullptr && not_found(answers[0])) {
      util::log().debug("runpod: GET {} answered 404; trying {}", path, target->alternate_path);
      path = target->alternate_path;
      for (std::size_t i = 0; i < n; ++i) answers[i] = send_v2(req, transport, base, path, billing_query(segments[i]));
    }
    if (not_found_is_soft && std::any_of(answers.begin(), answers.begin() + static_cast<long>(n), not_found)) {
      return std::nullopt;
    }
    Endpoint ep{"runpod", m_info.key_env, "GET /v2" + path};
    V2ParseContext ctx{req.resource, req.query.now, false, ep};
    std::vector<model::CostRecord> records;
    for (std::size_t i = 0; i < n; ++i) {
      check_response(answers[i], ep, [](long status) -> std::optional<std::string> {
        if (status == 404) return "check GPUBILL_RUNPOD_V2_URL (or v2_base_url in the config file)";
        return std::nullopt;
      });
      std::vector<model::CostRecord> got = parse_v2_billing(answers[i].body, ctx);
      if (segments[i].edge) got = merge_into_period(got, segments[i].period, ep);
      std::move(got.begin(), got.end(), std::back_inserter(records));
    }
    if (n > 1) {
      util::log().debug("runpod: {} .. {} asked as {} request(s): whole {} buckets and the edges "
                        "in smaller ones", model::format_rfc3339(req.query.period.start),
                        model::format_rfc3339(req.query.period.end), n, bucket_name);
      model::sort_by_period_start(records);
    }
    if (listing != nullptr) records = join_v2(req, std::move(records), answers[n], answers[n + 1], listing);
    if (req.options.count("split-components") > 0) {
      records = split_components(std::move(records), ctx);
      model::sort_by_period_start(records);
    }
    return records;
  }

  /// The v2 records of pods or endpoints joined to their listing and the catalog, then
  /// filtered by --gpu-type and grouped as --grouping says (v1's parameters, served here).
  std::vector<model::CostRecord> join_v2(const FetchRequest& req,
                                         std::vector<model::CostRecord> records,
                                         const transport::HttpResponse& listing_answer,
                                         const transport::HttpResponse& catalog_answer,
                                         const char* listing) const {
    bool pods = req.resource == "pods";
    Endpoint listing_ep{"runpod", m_info.key_env, std::string("GET /v2") + listing};
    Endpoint catalog_ep{"runpod", m_info.key_env, "GET /v2/catalog/gpus"};
    check_response(listing_answer, listing_ep);
    check_response(catalog_answer, catalog_ep);
    V2Resources meta;
    if (pods) {
      parse_pod_listing(listing_answer.body, listing_ep, meta);
    } else {
      parse_serverless_listing(listing_answer.body, listing_ep, meta);
    }
    parse_gpu_catalog(catalog_answer.body, catalog_ep, meta);

    JoinOutcome joined = pods ? join_pods(records, meta) : join_endpoints(records, meta);
    if (joined.unlisted_resources > 0) {
      const char* noun = pods ? "pod" : "endpoint";
      util::log().warn("runpod: {} {}(s) billed in this period are not in GET /v2{} "
                       "(terminated?): their {} record(s) are kept under GPU type \"{}\"",
                       joined.unlisted_resources, noun, listing, joined.unlisted_records,
                       pods ? k_unlisted_pod_gpu : k_unlisted_endpoint_gpu);
    }
    auto filter = req.options.find("gpu-type");
    if (filter != req.options.end() && !filter->second.empty()) {
      const std::vector<std::string>& wanted = filter->second;
      std::size_t unknown_left_out = 0;
      std::erase_if(records, [&](const model::CostRecord& r) {
        if (std::find(wanted.begin(), wanted.end(), r.gpu_type.str()) != wanted.end()) return false;
        if (r.gpu_type == k_unlisted_pod_gpu || r.gpu_type == k_unlisted_endpoint_gpu ||
            r.attributes.contains("gpubill_gpu_candidates")) {
          ++unknown_left_out;
        }
        return true;
      });
      if (unknown_left_out > 0) {
        util::log().warn("runpod: --gpu-type leaves out {} record(s) whose single GPU type is "
                         "not known (an unlisted {} or a pool of several types)",
                         unknown_left_out, pods ? "pod" : "endpoint");
      }
    }
    std::string grouping = option_value(req.options, "grouping", pods ? "gpuTypeId" : "endpointId");
    if (grouping == "gpuTypeId") {
      Endpoint billing_ep{"runpod", m_info.key_env, "GET /v2/billing/" + std::string(pods ? "pods" : "serverless")};
      records = group_by_gpu_type(records, billing_ep);
    }
    return records;
  }

  static transport::HttpResponse send_v2(const FetchRequest& req, transport::Transport& transport,
                                         const std::string& base, const std::string& path,
                                         const std::vector<std::pair<std::string, std::string>>& query) {
    transport::HttpRequest http;
    http.url = transport::build_url(base, path, query);
    http.headers = {{"Authorization", "Bearer " + req.api_key}, {"Accept", "application/json"}};
    return transport.send(http);
  }

  ProviderInfo m_info;
  std::vector<ResourceSpec> m_resources;
};

}  // namespace

std::unique_ptr<Provider> make_provider() { return std::make_unique<RunpodProvider>(); }

}  // namespace gpubill::providers::runpod
