#include <algorithm>

#include "gpubill/util/redact.hpp"
#include "gpubill/providers/gpu.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/log.hpp"
#include "providers/runpod/runpod_api.hpp"

namespace gpubill::providers::runpod {

using model::CostRecord;
using model::Decimal;
using nlohmann::json;

Bucket parse_bucket(std::string_view name) {
  if (name == "hour") return Bucket::hour;
  if (name == "day") return Bucket::day;
  if (name == "week") return Bucket::week;
  if (name == "month") return Bucket::month;
  if (name == "year") return Bucket::year;
  throw UsageError("--bucket: '" + std::string(name) + "' is not one of hour, day, week, month, year");
}

model::Timestamp bucket_end(model::Timestamp start, Bucket bucket) {
  switch (bucket) {
    case Bucket::hour: return start + std::chrono::hours{1};
    case Bucket::day: return start + std::chrono::days{1};
    case Bucket::week: return start + std::chrono::days{7};
    case Bucket::month: return model::add_months(start, 1);
    case Bucket::year: return model::add_months(start, 12);
  }
  return start;
}

namespace {

const char* service_name(Resource r) {
  switch (r) {
    case Resource::pods: return "pods";
    case Resource::endpoints: return "endpoints";
    case Resource::network_volumes: return "network-volumes";
  }
  return "";
}

// Fields copied verbatim into columns; everything else goes to attributes.
bool is_column_field(const std::string& key) {
  return key == "time" || key == "amount" || key == "podId" || key == "endpointId" ||
         key == "gpuTypeId";
}


}  // namespace

namespace {

// parse_billing without the sort.
std::vector<CostRecord> read_billing(std::string_view body, const ParseContext& ctx) {
  const Endpoint& ep = ctx.endpoint;
  // The documented answer, a bare array, is read element by element, on several threads
  // when it is big (a year of hourly rows is hundreds of thousands); anything else is parsed
  // whole to say what it is.
  auto make = [&ctx, &ep](const json& item, const std::string& where, CostRecord& r) {
    FieldReader f(item, ep, where);
    std::optional<std::string> time_text = f.string("time");
    if (!time_text) f.fail("time", "is missing");
    if (!item["time"].is_string()) f.fail("time", "is a number, expected a date-time string");
    std::optional<model::Timestamp> start = model::parse_provider_time(*time_text);
    if (!start) f.fail("time", "is not a date-time: \"" + util::excerpt(*time_text, 40) + "\"");

    r.provider = "runpod";
    r.service = service_name(ctx.resource);
    r.period = {*start, bucket_end(*start, ctx.bucket)};
    if (r.period.start >= ctx.requested.end || r.period.end <= ctx.requested.start) {
      return false;  // e.g. a bucket at endTime from a server that reads endTime inclusively
    }
    r.amount = f.decimal("amount");
    r.currency = "USD";
    // Only the id matching `grouping` is set: podId (pods, or endpoints grouped by pod) or
    // endpointId.
    r.resource_id = f.string("podId").value_or(f.string("endpointId").value_or(""));
    set_gpu(r, f.string("gpuTypeId").value_or(""));

    std::optional<long long> ms = f.integer("timeBilledMs");
    const char* disk_key = f.has("diskSpaceBilledGb") ? "diskSpaceBilledGb" : "diskSpaceBilledGB";
    std::optional<Decimal> disk_gb = f.decimal(disk_key);
    if (ctx.resource == Resource::network_volumes) {
      if (disk_gb) {
        r.usage_quantity = disk_gb;
        r.usage_unit = "GB";
      }
      f.decimal("highPerformanceStorageAmount");  // type-checked; kept in attributes
      f.decimal("highPerformanceStorageDiskSpaceBilledGb");
    } else if (ms) {
      if (*ms < 0) f.fail("timeBilledMs", "is negative");
      r.usage_quantity = Decimal::from_int(*ms).divided_by(3'600'000);
      r.usage_unit = "hour";
    }
    for (const auto& [key, value] : item.items()) {
      if (!is_column_field(key)) r.attributes[key] = value;
    }
    if (r.period.end > ctx.now) {
      // Runpod bills in ~5-minute cycles: the current bucket is still growing.
      r.attributes[model::k_incomplete_attribute] = true;
    }
    return true;
  };
  std::optional<RootArrayRecords> read = records_from_root_array(body, ep, "record", make, ctx.threads);
  if (!read) {
    json doc = parse_json_text(body, ep);
    if (doc.is_object()) {
      // An error delivered with a 2xx status, or a shape this version does not know.
      FieldReader top(doc, ep, "response");
      if (std::optional<std::string> m = top.string("message")) {
        throw ProviderError(ep.prefix() + ": the provider answered with an error: " + *m);
      }
      throw ProviderError(ep.prefix() + ": expected a JSON array of billing records, got an "
                          "object: the API may have changed; check GPUBILL_RUNPOD_URL");
    }
    throw ProviderError(ep.prefix() + ": expected a JSON array of billing records, got " +
                        json_type_name(doc));
  }
  std::vector<CostRecord> records = std::move(read->records);
  std::size_t outside = read->elements - records.size();
  if (outside > 0) {
    util::log().debug("{}: dropped {} row(s) outside {} .. {}", ep.prefix(), outside,
                      model::format_rfc3339(ctx.requested.start),
                      model::format_rfc3339(ctx.requested.end));
  }
  return records;
}

}  // namespace

std::vector<CostRecord> parse_billing(std::string_view body, const ParseContext& ctx) {
  std::vector<CostRecord> records = read_billing(body, ctx);
  model::sort_by_period_start(records);
  return records;
}

std::vector<CostRecord> parse_billing(std::string&& body, const ParseContext& ctx) {
  std::vector<CostRecord> records = read_billing(body, ctx);
  std::string().swap(body);
  model::sort_by_period_start(records);
  return records;
}

}  // namespace gpubill::providers::runpod
