// Runpod REST v1 billing in the fake cloud, as ../shared/docs/providers/runpod.md describes
// it: Bearer auth, bucketSize, startTime/endTime (endTime exclusive), grouping, filters
// (gpuTypeId and dataCenterId repeatable on endpoints), bare JSON arrays.
//
// The data: hourly usage from 2026-08-01 to 2026-12-01 for six pods (one of them terminated
// on 2026-08-21, so REST v2's pod listing no longer knows it), three serverless endpoints and
// two network volumes, generated deterministically. Amounts are integers of 1e-12 USD, so sums
// are exact and the response carries up to 12 decimals, like the real API.
//
// REST v2 serves the same data: billing (runpod.md section 3.2) and the resource metadata a
// client joins it to (runpod-v2-resources.md): GET /v2/pods (section 3, 4.1, example in 9),
// GET /v2/serverless (4.2, 9) and GET /v2/catalog/gpus (4.3, 9), each one unpaged wrapped list.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <tuple>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "gpubill/model/period.hpp"
#include "support/fake_cloud/fake_cloud_state.hpp"

namespace gpubill::test {

namespace {

constexpr Units k_usd = 1'000'000'000'000;

struct Pod {
  const char* id;
  const char* gpu;
  Units rate;  // per hour
  long long disk_gb;
  // REST v2 metadata (runpod-v2-resources.md 4.1)
  const char* name;
  int gpu_count;
  const char* dc;
  bool listed;   // false: terminated, GET /v2/pods no longer lists it
  int last_day;  // 0: billed every day; else billed only up to this day of August 2026
};
struct Serverless {
  const char* id;
  const char* gpu;
  const char* dc;
  const char* image;
  const char* template_id;
  Units rate_per_second;
  // REST v2 metadata (runpod-v2-resources.md 4.2): the pool and the pool's other types
  // excluded, so that exactly one catalog GPU type remains (the one v1 reports).
  const char* name;
  const char* pool;
  const char* excluded;
};
struct Volume {
  long long gb;
  long long hp_gb;
};

const Pod k_pods[] = {
    {"xedezhzb9la3ye", "NVIDIA H100 80GB HBM3", 2'990'000'000'000, 200, "train-h100", 1,
     "US-TX-3", true, 0},
    {"p2rtx4090a0001", "NVIDIA GeForce RTX 4090", 690'000'000'000, 50, "notebook-4090", 1,
     "EU-RO-1", true, 0},
    {"p3h100x8train1", "NVIDIA H100 80GB HBM3", 23'920'000'000'000, 1000, "llm-pretrain ×8", 8,
     "US-TX-3", true, 0},
    {"p4a40devbox001", "NVIDIA A40", 390'000'000'000, 20, "devbox", 1, "CA-MTL-1", true, 0},
    {"p5l40sinfer001", "NVIDIA L40S", 860'000'000'000, 100, "infer-l40s", 1, "EU-SE-1", true, 0},
    {"p6gone00000001", "NVIDIA RTX A6000", 790'000'000'000, 40, "old-a6000", 2, "US-GA-1", false,
     20},
};
const Serverless k_endpoints[] = {
    {"jpnw0v75y3qoql", "NVIDIA GeForce RTX 4090", "EU-RO-1", "runpod/worker-vllm:stable",
     "30zmvf89kd", 310'000'000, "vllm-llama", "ADA_24", "NVIDIA L4"},
    {"ep2sdxl0000001", "NVIDIA L4", "US-TX-3", "runpod/sdxl:1.0", "t2sdxl0001", 190'000'000,
     "sdxl", "ADA_24", "NVIDIA GeForce RTX 4090"},
    {"ep3whisper0001", "NVIDIA A40", "CA-MTL-1", "runpod/whisper:2", "t3whisper1", 250'000'000,
     "whisper", "AMPERE_48", "NVIDIA RTX A6000"},
};
// GET /v2/catalog/gpus (runpod-v2-resources.md 4.3): every type the data uses, and a listed pod
// on a CPU flavour (4.1: `cpu` instead of `gpu`) that billed nothing.
struct GpuType {
  const char* id;
  const char* name;
  const char* pool;
  int memory;
  const char* secure_price;
};
const GpuType k_gpu_types[] = {
    {"NVIDIA H100 80GB HBM3", "H100 SXM", "HOPPER_80", 80, "2.99"},
    {"NVIDIA GeForce RTX 4090", "RTX 4090", "ADA_24", 24, "0.69"},
    {"NVIDIA L4", "L4", "ADA_24", 24, "0.43"},
    {"NVIDIA A40", "A40", "AMPERE_48", 48, "0.39"},
    {"NVIDIA RTX A6000", "RTX A6000", "AMPERE_48", 48, "0.49"},
    {"NVIDIA L40S", "L40S", "ADA_48_PRO", 48, "0.86"},
};
const Volume k_volumes[] = {{100, 0}, {500, 50}};

// cluster and public_endpoint spend exists only in REST v2 (runpod.md 3.2: /billing/clusters,
// /billing/endpoints, and the aggregate's cluster* and endpointAmount fields).
enum class Kind { pod, endpoint, volume, cluster, public_endpoint };

struct Event {
  model::Timestamp hour;
  Kind kind;
  int entity;
  long long ms;
  Units amount;
  long long disk_gb;
  Units hp_amount;
  long long hp_gb;
};

const std::vector<Event>& dataset() {
  static const std::vector<Event> events = [] {
    std::vector<Event> out;
    model::Timestamp begin = date::sys_days{date::year{2026} / 8 / 1};
    model::Timestamp end = date::sys_days{date::year{2026} / 12 / 1};
    std::uint64_t h = 0;
    for (model::Timestamp t = begin; t < end; t += std::chrono::hours{1}, ++h) {
      for (int i = 0; i < static_cast<int>(std::size(k_pods)); ++i) {
        if (k_pods[i].last_day > 0 && t >= date::sys_days{date::year{2026} / 8 / k_pods[i].last_day} +
                                                date::days{1}) {
          continue;  // terminated
        }
        std::uint64_t r = mix(h * 16 + static_cast<std::uint64_t>(i));
        if (r % 10 >= 7) continue;  // idle this hour
        long long ms = (r % 4 == 0) ? static_cast<long long>(mix(r) % 3'600'000) : 3'600'000;
        Units amount = k_pods[i].rate * ms / 3'600'000;
        out.push_back({t, Kind::pod, i, ms, amount, k_pods[i].disk_gb, 0, 0});
      }
      for (int i = 0; i < 3; ++i) {
        std::uint64_t r = mix(h * 16 + 8 + static_cast<std::uint64_t>(i));
        if (r % 3 == 0) continue;
        long long ms = static_cast<long long>(mix(r) % 7'200'000);  // up to 2 workers busy
        Units amount = k_endpoints[i].rate_per_second * ms / 1000;
        out.push_back({t, Kind::endpoint, i, ms, amount, 0, 0, 0});
      }
      // Network volumes: one row per hour for the account (the API gives no volume id).
      Units amount = 0;
      Units hp = 0;
      long long gb = 0;
      long long hp_gb = 0;
      for (const Volume& v : k_volumes) {
        // $0.07 per GB-month standard, $0.14 high-performance; v1's amount is both (v2 splits
        // them into standardAmount and highPerformanceAmount).
        amount += static_cast<Units>(v.gb) * 70'000'000'000 / 730 +
                  static_cast<Units>(v.hp_gb) * 140'000'000'000 / 730;
        hp += static_cast<Units>(v.hp_gb) * 140'000'000'000 / 730;
        gb += v.gb;
        hp_gb += v.hp_gb;
      }
      out.push_back({t, Kind::volume, 0, 0, amount, gb, hp, hp_gb});
      // An Instant Cluster (2 pods of 8 x H100) busy two hours in three, and Public Endpoint
      // calls most hours.
      std::uint64_t rc = mix(h * 16 + 12);
      if (rc % 3 != 0) {
        out.push_back({t, Kind::cluster, 0, 3'600'000, 47'840'000'000'000, 0, 0, 0});
      }
      std::uint64_t rp = mix(h * 16 + 13);
      if (rp % 4 != 0) {
        out.push_back({t, Kind::public_endpoint, 0, 0, static_cast<Units>(rp % 2'000'000) * 1'000'000, 0, 0, 0});
      }
    }
    return out;
  }();
  return events;
}

std::vector<std::string> values(const httplib::Request& req, const char* key) {
  std::vector<std::string> out;
  auto range = req.params.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

bool allowed(const std::vector<std::string>& filter, const std::string& value) {
  return filter.empty() || std::find(filter.begin(), filter.end(), value) != filter.end();
}

struct Group {
  Units amount = 0;
  long long ms = 0;
  long long disk = 0;
  Units hp_amount = 0;
  long long hp_gb = 0;
};

void handle_billing(const httplib::Request& req, httplib::Response& res,
                    FakeCloud::State& state) {
  state.record(req);
  std::string fault = req.matches[1];
  std::string resource = req.matches[2];

  std::string auth = req.get_header_value("Authorization");
  if (fault == "echo-key") {
    // A careless server repeats the key in its message and in headers (a debug echo and a
    // session cookie): shapes of no doc, a hostile case for -vv's header trace.
    std::string key = auth.substr(auth.find(' ') + 1);
    res.set_header("X-Debug-Authorization-Echo", key);
    res.set_header("Set-Cookie", "session=" + key + "; HttpOnly");
    send_message(res, 401, "invalid API key '" + key + "'");
    return;
  }
  if (auth == "Bearer " + state.options.runpod_readonly_key) {
    send_message(res, 403, "Forbidden: this key has no billing access");
    return;
  }
  if (auth != "Bearer " + state.options.runpod_key) {
    send_message(res, 401, "Unauthorized");
    return;
  }
  if (fault == "429-once" && state.hit(fault) == 1) {
    res.set_header("Retry-After", "1");
    send_message(res, 429, "rate limit exceeded for the minute window");
    return;
  }
  if (fault == "503-once" && state.hit(fault) == 1) {
    send_message(res, 503, "service unavailable");
    return;
  }
  if (fault == "500") return send_message(res, 500, "internal server error");
  if (fault == "404") return send_message(res, 404, "Not Found");
  // After 2026-11-15 (runpod.md 3.0): the retired API, as a gateway may answer it.
  if (fault == "410") return send_message(res, 410, "Gone: REST v1 has been retired");
  if (fault == "html") {
    res.status = 200;
    res.set_content("<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
                    "<body>checking your browser</body></html>", "text/html");
    return;
  }
  if (fault == "empty") {
    res.status = 200;
    res.set_content("", "application/json");
    return;
  }
  if (fault == "wrong-types") {
    res.set_content(R"([{"time": 1780272000, "amount": {"usd": 1}}])", "application/json");
    return;
  }
  if (fault == "huge") {
    res.set_content(R"([{"time": "2026-11-02T00:00:00Z", "gpuTypeId": "NVIDIA A40", "amount": 1e300}])",
                    "application/json");
    return;
  }
  if (fault == "slow") state.sleep_ms(3000);

  std::string bucket = req.has_param("bucketSize") ? req.get_param_value("bucketSize") : "day";
  if (bucket != "hour" && bucket != "day" && bucket != "week" && bucket != "month" &&
      bucket != "year") {
    return send_message(res, 400, "invalid bucketSize: " + bucket);
  }
  model::Timestamp end = date::sys_days{date::year{2026} / 12 / 1};
  model::Timestamp start = end - date::days{30};
  for (auto [key, target] : {std::pair{"startTime", &start}, std::pair{"endTime", &end}}) {
    if (!req.has_param(key)) continue;
    std::optional<model::Timestamp> t = model::parse_provider_time(req.get_param_value(key));
    if (!t) return send_message(res, 400, std::string("invalid ") + key);
    *target = *t;
  }

  Kind kind = resource == "pods" ? Kind::pod
              : resource == "endpoints" ? Kind::endpoint
                                        : Kind::volume;
  std::string grouping;
  if (kind == Kind::pod) {
    grouping = req.has_param("grouping") ? req.get_param_value("grouping") : "gpuTypeId";
    if (grouping != "podId" && grouping != "gpuTypeId") {
      return send_message(res, 400, "invalid grouping: " + grouping);
    }
    if (values(req, "gpuTypeId").size() > 1) {
      return send_message(res, 400, "gpuTypeId takes one value on /billing/pods");
    }
  } else if (kind == Kind::endpoint) {
    grouping = req.has_param("grouping") ? req.get_param_value("grouping") : "endpointId";
    if (grouping != "endpointId" && grouping != "podId" && grouping != "gpuTypeId") {
      return send_message(res, 400, "invalid grouping: " + grouping);
    }
  }
  std::vector<std::string> gpu = values(req, "gpuTypeId");
  std::vector<std::string> pod_id = values(req, "podId");
  std::vector<std::string> dc = values(req, "dataCenterId");
  std::vector<std::string> endpoint_id = values(req, "endpointId");
  std::vector<std::string> image = values(req, "imageName");
  std::vector<std::string> template_id = values(req, "templateId");

  std::map<std::pair<model::Timestamp, std::string>, Group> groups;
  for (const Event& e : dataset()) {
    if (e.kind != kind || e.hour < start || e.hour >= end) continue;
    std::string key;
    if (kind == Kind::pod) {
      const Pod& p = k_pods[e.entity];
      if (!allowed(gpu, p.gpu) || !allowed(pod_id, p.id)) continue;
      key = grouping == "podId" ? p.id : p.gpu;
    } else if (kind == Kind::endpoint) {
      const Serverless& s = k_endpoints[e.entity];
      if (!allowed(gpu, s.gpu) || !allowed(dc, s.dc) || !allowed(endpoint_id, s.id) ||
          !allowed(image, s.image) || !allowed(template_id, s.template_id)) {
        continue;
      }
      // Grouped by pod, a serverless worker shows as a pod id of its own.
      key = grouping == "endpointId" ? s.id
            : grouping == "podId"    ? std::string("w-") + s.id
                                     : s.gpu;
    }
    Group& g = groups[{bucket_start(e.hour, bucket), key}];
    g.amount += e.amount;
    g.ms += e.ms;
    // GB billed in the bucket: the largest size seen, not a sum over hours.
    g.disk = std::max(g.disk, e.disk_gb);
    g.hp_amount += e.hp_amount;
    g.hp_gb = std::max(g.hp_gb, e.hp_gb);
  }

  bool legacy = fault == "legacy";
  std::string body = "[";
  Units total = 0;
  bool first = true;
  for (const auto& [k, g] : groups) {
    std::string time = model::format_rfc3339(k.first);
    if (legacy) time = time.substr(0, 10) + " " + time.substr(11, 8);  // "2026-04-06 15:00:00"
    body += first ? "\n" : ",\n";
    first = false;
    body += "{\"time\": \"" + time + "\"";
    if (kind != Kind::volume) body += ", \"" + grouping + "\": \"" + k.second + "\"";
    // runpod.md leaves open whether a volume's amount includes highPerformanceStorageAmount;
    // the fake's reading is gpubill's (it does), fault `hp-on-top` serves the other one.
    Units amount = kind == Kind::volume && fault == "hp-on-top" ? g.amount - g.hp_amount : g.amount;
    body += ", \"amount\": " + units_text(amount, 12);
    if (kind == Kind::volume) {
      body += ", \"diskSpaceBilledGb\": " + std::to_string(g.disk);
      body += ", \"highPerformanceStorageAmount\": " + units_text(g.hp_amount, 12);
      body += ", \"highPerformanceStorageDiskSpaceBilledGb\": " + std::to_string(g.hp_gb);
    } else {
      body += ", \"timeBilledMs\": " + std::to_string(g.ms);
      body += std::string(legacy ? ", \"diskSpaceBilledGB\": " : ", \"diskSpaceBilledGb\": ") +
              std::to_string(g.disk);
    }
    body += "}";
    total += amount;
  }
  body += first ? "]" : "\n]";
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    state.last = {groups.size(), units_text(total, 12)};
  }
  if (fault == "truncated") body = body.substr(0, body.size() / 2);
  res.status = 200;
  res.set_content(body, "application/json");
}

// --- REST v2 ---------------------------------------------------------------------------

void send_problem(httplib::Response& res, int status, const std::string& title,
                  const std::string& detail) {
  res.status = status;
  res.set_content("{\"title\": \"" + title + "\", \"status\": " + std::to_string(status) +
                      ", \"detail\": \"" + detail + "\"}",
                  "application/problem+json");
}

// The fake cloud's clock for lastN, the same instant the tests pass as GPUBILL_NOW.
model::Timestamp v2_now() {
  return date::sys_days{date::year{2026} / 11 / 23} + std::chrono::hours{12};
}

struct V2Row {
  std::string id;                            // podId / serverlessId / networkVolumeId
  std::map<std::string, Units> components;   // "gpuAmount" -> units
};

// What every authenticated v2 answer shares (runpod.md 3.2, runpod-v2-resources.md 6): Bearer
// auth with problem+json errors, and the RateLimit headers: a 60-per-minute window whose
// remainder counts this server's v2 requests; fault "ratelimit-low" reports 1 left for 2 s;
// fault "ratelimit-day" reports the day window (runpod.md 3.2: minute, hour and day) used up
// for the next 45012 s (runpod-v2-resources.md 6, its example of the day window).
// False when it has answered (an auth error).
bool v2_gate(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state,
             const std::string& fault) {
  std::string auth = req.get_header_value("Authorization");
  if (auth.empty()) {
    send_problem(res, 401, "Unauthorized", "missing bearer token");
    return false;
  }
  if (auth == "Bearer " + state.options.runpod_readonly_key) {
    send_problem(res, 403, "Forbidden", "this key has no billing access");
    return false;
  }
  if (auth != "Bearer " + state.options.runpod_key) {
    send_problem(res, 401, "Unauthorized", "invalid bearer token");
    return false;
  }
  int used = state.hit("v2-requests");
  const int quota = state.options.runpod_minute_quota;
  int remaining = std::max(0, quota - used);
  int reset = 60;
  if (fault == "ratelimit-low") {
    remaining = 1;
    reset = 2;
  }
  std::string day = fault == "ratelimit-day" ? "0;t=45012" : std::to_string(50000 - used) + ";t=45012";
  res.set_header("RateLimit", "\"minute\";r=" + std::to_string(remaining) + ";t=" +
                                  std::to_string(reset) + ", \"hour\";r=" +
                                  std::to_string(3000 - used) + ";t=1812, \"day\";r=" + day);
  res.set_header("RateLimit-Policy", "\"minute\";q=" + std::to_string(quota) + ";w=60, \"hour\";q=3000;w=3600, "
                                     "\"day\";q=50000;w=86400");
  return true;
}

void handle_v2(const httplib::Request& req, httplib::Response& res, FakeCloud::State& state) {
  state.record(req);
  std::string fault = req.matches[1];
  std::string resource = req.matches[2];  // empty: the aggregate
  if (!v2_gate(req, res, state, fault)) return;
  // A proxy or an old gateway that speaks only v1: every v2 billing path is unknown.
  if (fault == "404") return send_problem(res, 404, "Not Found", "resource not found");
  if (fault == "429-once" && state.hit(fault) == 1) {
    res.set_header("Retry-After", "1");
    return send_problem(res, 429, "Too Many Requests", "rate limit exceeded for the minute window");
  }
  if (fault == "500") return send_problem(res, 500, "Internal Server Error", "try again later");
  if (fault == "mcp-path" && resource == "network-volumes") {
    return send_problem(res, 404, "Not Found", "no route");
  }
  if (fault == "html") {
    res.status = 200;
    res.set_content("<html><body>maintenance</body></html>", "text/html");
    return;
  }

  std::string bucket = req.has_param("bucketSize") ? req.get_param_value("bucketSize") : "day";
  if (bucket != "hour" && bucket != "day" && bucket != "week" && bucket != "month" &&
      bucket != "year") {
    return send_problem(res, 400, "Bad Request", "invalid bucketSize: " + bucket);
  }
  bool has_range = req.has_param("startTime") || req.has_param("endTime");
  model::Timestamp now = v2_now();
  model::Timestamp start = bucket_start(now - date::days{30}, bucket);
  model::Timestamp end = bucket_end(bucket_start(now, bucket), bucket);
  if (req.has_param("lastN")) {
    if (has_range) {
      return send_problem(res, 400, "Bad Request", "lastN cannot be combined with startTime or endTime");
    }
    int n = std::atoi(req.get_param_value("lastN").c_str());
    if (n < 1) return send_problem(res, 400, "Bad Request", "lastN must be at least 1");
    start = bucket_start(now, bucket);
    for (int i = 1; i < n; ++i) start = bucket_start(start - std::chrono::seconds{1}, bucket);
  }
  for (auto [key, target] : {std::pair{"startTime", &start}, std::pair{"endTime", &end}}) {
    if (!req.has_param(key)) continue;
    std::optional<model::Timestamp> t = model::parse_provider_time(req.get_param_value(key));
    if (!t) return send_problem(res, 400, "Bad Request", std::string("invalid ") + key);
    *target = *t;
  }
  // startTime snaps down to a bucket boundary and endTime up (runpod.md 3.2); endTime is
  // exclusive.
  start = bucket_start(start, bucket);
  if (bucket_start(end, bucket) != end) end = bucket_end(bucket_start(end, bucket), bucket);

  std::string id_param = resource == "pods"              ? "podId"
                         : resource == "serverless"      ? "serverlessId"
                         : resource == "network-volumes" ? "networkVolumeId"
                         : resource == "networkvolumes"  ? "networkVolumeId"
                         : resource == "clusters"        ? "clusterId"
                                                         : "";
  std::string only = id_param.empty() || !req.has_param(id_param.c_str())
                         ? std::string()
                         : req.get_param_value(id_param.c_str());

  std::map<std::pair<model::Timestamp, std::string>, V2Row> rows;
  for (const Event& e : dataset()) {
    // Nothing is billed after the server's clock: the current bucket holds usage so far.
    if (e.hour < start || e.hour >= end || e.hour >= now) continue;
    std::string id;
    std::map<std::string, Units> parts;
    Units gpu = e.amount * 80 / 100;
    Units cpu = e.amount * 15 / 100;
    if (e.kind == Kind::pod) {
      id = k_pods[e.entity].id;
      parts = {{"gpuAmount", gpu}, {"cpuAmount", cpu}, {"diskAmount", e.amount - gpu - cpu}};
    } else if (e.kind == Kind::endpoint) {
      id = k_endpoints[e.entity].id;
      parts = {{"gpuAmount", gpu}, {"cpuAmount", cpu}, {"diskAmount", e.amount - gpu - cpu},
               {"feeAmount", 0}};
    } else if (e.kind == Kind::volume) {
      id = "nv-account";
      parts = {{"standardAmount", e.amount - e.hp_amount}, {"highPerformanceAmount", e.hp_amount}};
    } else if (e.kind == Kind::cluster) {
      // ClusterBillingAmounts: gpu, disk, networking (no cpu).
      Units disk = e.amount * 3 / 100;
      Units net = e.amount * 2 / 100;
      id = "cluster_ddp01";
      parts = {{"gpuAmount", e.amount - disk - net}, {"diskAmount", disk}, {"networkingAmount", net}};
    } else {
      // EndpointBillingAmounts: totalAmount alone, no id.
      parts = {{"", e.amount}};
    }
    if (!resource.empty()) {
      bool wanted = (resource == "pods" && e.kind == Kind::pod) ||
                    (resource == "serverless" && e.kind == Kind::endpoint) ||
                    ((resource == "network-volumes" || resource == "networkvolumes") &&
                     e.kind == Kind::volume) ||
                    (resource == "clusters" && e.kind == Kind::cluster) ||
                    (resource == "endpoints" && e.kind == Kind::public_endpoint);
      if (!wanted || (!only.empty() && only != id)) continue;
    } else {
      // The aggregate (BillingAmounts): one row per bucket, every component named by its
      // resource family, all fourteen present.
      const char* prefix = e.kind == Kind::pod        ? "pod"
                           : e.kind == Kind::endpoint ? "serverless"
                           : e.kind == Kind::cluster  ? "cluster"
                                                      : "";
      std::map<std::string, Units> named;
      for (const auto& [k, v] : parts) {
        std::string n = k;
        if (e.kind == Kind::volume) {
          n = k == "standardAmount" ? "storageStandardAmount" : "storageHighPerformanceAmount";
        } else if (e.kind == Kind::public_endpoint) {
          n = "endpointAmount";
        } else {
          n[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(n[0])));
          n = prefix + n;
        }
        named[n] = v;
      }
      parts = named;
      id.clear();
    }
    V2Row& row = rows[{bucket_start(e.hour, bucket), id}];
    row.id = id;
    if (resource.empty() && row.components.empty()) {
      for (const char* k : {"podGpuAmount", "podCpuAmount", "podDiskAmount", "serverlessGpuAmount",
                            "serverlessCpuAmount", "serverlessDiskAmount", "serverlessFeeAmount",
                            "storageStandardAmount", "storageHighPerformanceAmount",
                            "endpointAmount", "clusterGpuAmount", "clusterDiskAmount",
                            "clusterNetworkingAmount"}) {
        row.components[k] = 0;
      }
    }
    for (const auto& [k, v] : parts) row.components[k] += v;
  }

  std::string body = "{\"records\": [";
  Units total = 0;
  bool first = true;
  for (const auto& [key, row] : rows) {
    Units sum = 0;
    for (const auto& [k, v] : row.components) sum += v;
    // Fault `aggregate-extra`: the aggregate bills $1.5 a bucket that no component or family
    // endpoint shows (what report's reconciliation is for).
    if (resource.empty() && fault == "aggregate-extra") sum += 1'500'000'000'000;
    body += first ? "\n" : ",\n";
    first = false;
    body += "{\"startTime\": \"" + model::format_rfc3339(key.first) + "\", \"endTime\": \"" +
            model::format_rfc3339(bucket_end(key.first, bucket)) + "\"";
    if (!id_param.empty()) body += ", \"" + id_param + "\": \"" + row.id + "\"";
    body += ", \"totalAmount\": " + units_text(sum, 12);
    for (const auto& [k, v] : row.components) {
      if (!k.empty()) body += ", \"" + k + "\": " + units_text(v, 12);  // "": the total alone
    }
    body += "}";
    total += sum;
  }
  body += first ? "]" : "\n]";
  body += ", \"metadata\": {\"query\": {\"startTime\": \"" + model::format_rfc3339(start) +
          "\", \"endTime\": \"" + model::format_rfc3339(end) + "\", \"bucketSize\": \"" + bucket +
          "\"}, \"recordCount\": " + std::to_string(rows.size()) +
          ", \"totals\": {\"totalAmount\": " + units_text(total, 12) + "}}}";
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    state.last = {rows.size(), units_text(total, 12)};
  }
  res.status = 200;
  res.set_content(body, "application/json");
}


// GET /v2/pods, /v2/serverless, /v2/catalog/gpus: the metadata REST v2 billing is joined to.
// Shapes: runpod-v2-resources.md section 4 (fields) and 9 (examples), every required key
// present; no paging (section 3). Faults for the listings alone, so that billing still
// answers: listing-500, listing-401, listing-html, listing-truncated, listing-unwrapped (a
// bare array instead of {"pods": [...]}).
void handle_v2_listing(const httplib::Request& req, httplib::Response& res,
                       FakeCloud::State& state) {
  using nlohmann::ordered_json;
  state.record(req);
  std::string fault = req.matches[1];
  std::string what = req.matches[2];  // pods, serverless, catalog/gpus
  if (fault == "listing-401") return send_problem(res, 401, "Unauthorized", "invalid bearer token");
  if (!v2_gate(req, res, state, fault)) return;
  if (fault == "listing-500") return send_problem(res, 500, "Internal Server Error", "try again later");
  if (fault == "listing-html") {
    res.status = 200;
    res.set_content("<html><body>maintenance</body></html>", "text/html");
    return;
  }
  ordered_json items = ordered_json::array();
  const char* wrapper = "pods";
  if (what == "pods") {
    for (const Pod& p : k_pods) {
      if (!p.listed) continue;  // terminated: the listing no longer knows it (section 7)
      ordered_json pod = {
          {"id", p.id}, {"name", p.name}, {"status", "RUNNING"},
          {"actions", {"stop", "restart", "terminate"}}, {"image", "runpod/pytorch:2.8"},
          {"args", ""}, {"disk", p.disk_gb}, {"mounts", ordered_json::object()},
          {"ports", {"22/tcp"}}, {"env", ordered_json::object()}, {"registry", nullptr},
          {"gpu", {{"id", p.gpu}, {"count", p.gpu_count}}}, {"cloud", "SECURE"},
          {"dataCenterId", p.dc}, {"cudaVersion", "12.8"},
          {"ssh", {{"proxy", nullptr}, {"direct", nullptr}}}, {"template", nullptr},
          {"cost", 0.0}, {"locked", false}, {"globalNetworking", {{"enabled", false}}},
          {"runtime", nullptr}, {"createdAt", "2026-07-01T12:00:00Z"},
          {"startedAt", "2026-07-01T12:02:00Z"}};
      items.push_back(std::move(pod));
    }
    // A CPU pod (section 4.1: `cpu` instead of `gpu`), stopped, with no billing in the data.
    items.push_back({{"id", "p7cpuetl000001"}, {"name", "etl"}, {"status", "EXITED"},
                     {"actions", {"start", "terminate"}}, {"image", "ubuntu:24.04"},
                     {"args", ""}, {"disk", 20}, {"mounts", ordered_json::object()},
                     {"ports", ordered_json::array()}, {"env", ordered_json::object()},
                     {"registry", nullptr},
                     {"cpu", {{"id", "cpu5c"}, {"vcpuCount", 4}, {"memory", 16}}},
                     {"cloud", "SECURE"}, {"dataCenterId", "EU-RO-1"}, {"cudaVersion", nullptr},
                     {"ssh", {{"proxy", nullptr}, {"direct", nullptr}}}, {"template", nullptr},
                     {"cost", 0.0}, {"locked", false}, {"globalNetworking", {{"enabled", false}}},
                     {"runtime", nullptr}, {"createdAt", "2026-05-20T08:00:00Z"},
                     {"startedAt", nullptr}});
  } else if (what == "serverless") {
    wrapper = "endpoints";
    for (const Serverless& e : k_endpoints) {
      items.push_back(
          {{"id", e.id}, {"name", e.name}, {"type", "QUEUE"}, {"image", e.image}, {"args", ""},
           {"disk", 20}, {"ports", ordered_json::array()}, {"env", ordered_json::object()},
           {"registry", nullptr},
           {"gpu", {{"pools", {e.pool}}, {"excludedTypes", {e.excluded}}, {"count", 1},
                    {"allowedCudaVersions", ordered_json::array()}, {"minCudaVersion", nullptr}}},
           {"workers", {{"min", 0}, {"max", 5}, {"idleTimeout", 5}}},
           {"scaling", {{"type", "QUEUE_DELAY"}, {"queueDelay", 4}}},
           {"dataCenterIds", {e.dc}}, {"networkVolumes", ordered_json::array()},
           {"timeout", 300000}, {"flashboot", "OFF"}, {"createdAt", "2026-07-01T12:00:00Z"}});
    }
  } else {
    wrapper = "gpus";
    for (const GpuType& g : k_gpu_types) {
      items.push_back({{"id", g.id}, {"name", g.name}, {"pool", g.pool}, {"manufacturer", "NVIDIA"},
                       {"memory", g.memory}, {"secure", true}, {"community", false},
                       {"price", {{"secure", std::stod(g.secure_price)}, {"community", 0}}},
                       {"maxCount", {{"secure", 8}, {"community", 0}}}});
    }
  }
  std::string body = fault == "listing-unwrapped" ? items.dump() : ordered_json{{wrapper, items}}.dump();
  if (fault == "listing-truncated") body = body.substr(0, body.size() / 2);
  res.status = 200;
  res.set_content(body, "application/json");
}

}  // namespace

std::string runpod_bulk_body(std::size_t count, std::string* total_out) {
  constexpr std::size_t k_hours = 8760;
  const model::Timestamp first = date::sys_days{date::year{2025} / 11 / 1};
  std::string body;
  body.reserve(count * 160 + 16);
  body += "[";
  Units total = 0;
  char line[256];
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t pod = i / k_hours;
    const Pod& like = k_pods[pod % std::size(k_pods)];
    model::Timestamp hour = first + std::chrono::hours{i % k_hours};
    Units micros = static_cast<Units>(like.rate / 1'000'000) +
                   static_cast<Units>(mix(i) % 20'000) - 10'000;
    total += micros;
    long long ms = 3'600'000 - static_cast<long long>(mix(i + 7) % 4) * 600'000;
    int n = std::snprintf(line, sizeof line,
                          "%s\n{\"time\":\"%s\",\"podId\":\"bulk%010zu\",\"gpuTypeId\":\"%s\","
                          "\"amount\":%s,\"timeBilledMs\":%lld,\"diskSpaceBilledGb\":%lld}",
                          i == 0 ? "" : ",", model::format_rfc3339(hour).c_str(), pod, like.gpu,
                          units_text(micros, 6).c_str(), ms, like.disk_gb);
    body.append(line, static_cast<std::size_t>(n));
  }
  body += "\n]\n";
  if (total_out != nullptr) *total_out = units_text(total, 6);
  return body;
}

std::size_t FakeCloud::runpod_bulk_bytes() const {
  return m_state->runpod_bulk ? m_state->runpod_bulk->size() : 0;
}
std::string FakeCloud::runpod_bulk_total() const { return m_state->runpod_bulk_total; }

void add_runpod_routes(httplib::Server& server, FakeCloud::State& state) {
  state.keys["runpod"] = state.options.runpod_key;
  state.roots["GPUBILL_RUNPOD_URL"] = {"/runpod", "/v1"};
  state.roots["GPUBILL_RUNPOD_V2_URL"] = {"/runpod", "/v2"};
  if (state.options.runpod_bulk_records > 0) {
    state.runpod_bulk = std::make_shared<const std::string>(
        runpod_bulk_body(state.options.runpod_bulk_records, &state.runpod_bulk_total));
    server.Get("/runpod/bulk/v1/billing/pods",
               [&state](const httplib::Request& req, httplib::Response& res) {
                 if (req.get_header_value("Authorization") != "Bearer " + state.options.runpod_key) {
                   send_message(res, 401, "unauthorized");
                   return;
                 }
                 std::shared_ptr<const std::string> body = state.runpod_bulk;
                 res.set_content_provider(
                     body->size(), "application/json",
                     [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                       return sink.write(body->data() + offset, std::min<std::size_t>(length, 1 << 16));
                     });
               });
  }
  server.Get(R"(/runpod(?:/fault/([a-z0-9-]+))?/v2/(pods|serverless|catalog/gpus))",
             [&state](const httplib::Request& req, httplib::Response& res) {
               handle_v2_listing(req, res, state);
             });
  server.Get(R"(/runpod(?:/fault/([a-z0-9-]+))?/v2/billing(?:/(pods|serverless|network-volumes|networkvolumes|endpoints|clusters))?)",
             [&state](const httplib::Request& req, httplib::Response& res) {
               handle_v2(req, res, state);
             });
  // The optional http://host prefix is the absolute form a client sends to a proxy, so the
  // fake cloud also serves as the proxy in the proxy test.
  server.Get(R"((?:http://[^/]+)?/runpod(?:/fault/([a-z0-9-]+))?/v1/billing/(pods|endpoints|networkvolumes))",
             [&state](const httplib::Request& req, httplib::Response& res) {
               handle_billing(req, res, state);
             });
}

}  // namespace gpubill::test
