#include "providers/runpod/runpod_provider.hpp"

#include "gpubill/util/error.hpp"
#include "providers/runpod/runpod_api.hpp"

namespace gpubill::providers::runpod {

namespace {

const std::vector<std::string> k_buckets = {"hour", "day", "week", "month", "year"};

OptionSpec bucket_option() {
  return {"bucket", "Length of each billing bucket (default day)", false, k_buckets};
}

class RunpodProvider final : public Provider {
 public:
  RunpodProvider()
      : m_info{"runpod", "Runpod: pod, serverless endpoint and network volume billing (REST v1)",
               "RUNPOD_API_KEY", "GPUBILL_RUNPOD_URL", "https://rest.runpod.io/v1"},
        m_resources{
            {"pods",
             "Pod billing per bucket, grouped by GPU type (default) or by pod",
             "gpubill runpod pods --bucket day --start 2026-10-01 --end 2026-11-01 -o csv",
             {bucket_option(),
              {"grouping", "Group rows by gpuTypeId (default) or podId", false,
               {"gpuTypeId", "podId"}},
              {"gpu-type", "Only pods with this GPU, e.g. \"NVIDIA GeForce RTX 4090\"", false, {}},
              {"pod-id", "Only this pod, e.g. xedezhzb9la3ye", false, {}}}},
            {"endpoints",
             "Serverless endpoint billing per bucket, grouped by endpoint (default), pod or GPU",
             "gpubill runpod endpoints --datacenter EU-RO-1 --datacenter US-TX-3 "
             "--grouping gpuTypeId",
             {bucket_option(),
              {"grouping", "Group rows by endpointId (default), podId or gpuTypeId", false,
               {"endpointId", "podId", "gpuTypeId"}},
              {"gpu-type", "Only endpoints with this GPU type (repeatable)", true, {}},
              {"datacenter", "Only endpoints in this data center, e.g. EU-RO-1 (repeatable)",
               true, {}},
              {"endpoint-id", "Only this endpoint, e.g. jpnw0v75y3qoql", false, {}},
              {"image", "Only endpoints created with this image", false, {}},
              {"template-id", "Only endpoints created from this template", false, {}}}},
            {"network-volumes", "Network volume storage billing per bucket",
             "gpubill runpod network-volumes --bucket month --start 2026-01", {bucket_option()}},
        } {}

  const ProviderInfo& info() const override { return m_info; }
  const std::vector<ResourceSpec>& resources() const override { return m_resources; }

  std::vector<ReportPart> report_plan() const override {
    // Pods and serverless by GPU type (so the report can group by GPU), and storage.
    return {{"pods", {{"grouping", {"gpuTypeId"}}}},
            {"endpoints", {{"grouping", {"gpuTypeId"}}}},
            {"network-volumes", {}}};
  }


  std::vector<model::CostRecord> fetch(const FetchRequest& req,
                                       transport::Transport& transport) const override {
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
                       "': use pods, endpoints or network-volumes");
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
    check_response(response, ep, [](long status) -> std::optional<std::string> {
      if (status == 404 || status == 410) {
        return "the Runpod REST v1 billing API may be retired (announced for 2026-11-15); "
               "check GPUBILL_RUNPOD_URL or upgrade gpubill";
      }
      return std::nullopt;
    });
    return parse_billing(response.body,
                         {resource, bucket, req.query.period, req.query.now, ep});
  }

 private:
  ProviderInfo m_info;
  std::vector<ResourceSpec> m_resources;
};

}  // namespace

std::unique_ptr<Provider> make_provider() { return std::make_unique<RunpodProvider>(); }

}  // namespace gpubill::providers::runpod
