// REST v2 widens a period to whole buckets: startTime is snapped down to a bucket boundary and
// endTime up (runpod.md section 3.2). Asked for 2026-10-15 .. 2026-12-01 by month, it answers
// all of October. gpubill asks the whole buckets inside the period in the bucket size asked, and
// the unaligned edges in the largest smaller bucket that fits them exactly, and adds each edge
// up per resource into one record with the edge's true period.
#include <map>
#include <optional>
#include <tuple>

#include <date/date.h>

#include "gpubill/util/error.hpp"
#include "providers/runpod/runpod_v2_api.hpp"

namespace gpubill::providers::runpod {

using model::CostRecord;
using model::Decimal;
using model::Timestamp;
using nlohmann::json;

Timestamp bucket_floor(Timestamp t, Bucket bucket) {
  switch (bucket) {
    case Bucket::hour: return std::chrono::floor<std::chrono::hours>(t);
    case Bucket::day: return model::start_of_day(t);
    case Bucket::week: {
      // Weeks are assumed to start on Monday (ISO), as gpubill's own week does; v2 does not say.
      Timestamp day = model::start_of_day(t);
      long long days = std::chrono::duration_cast<std::chrono::days>(day.time_since_epoch()).count();
      return day - std::chrono::days{((days + 3) % 7 + 7) % 7};  // 1970-01-01 was a Thursday
    }
    case Bucket::month: return model::start_of_month(t);
    case Bucket::year: {
      date::year_month_day ymd{date::floor<date::days>(t)};
      return date::sys_days{ymd.year() / 1 / 1};
    }
  }
  return t;
}

namespace {

bool aligned(Timestamp t, Bucket bucket) { return bucket_floor(t, bucket) == t; }

}  // namespace

std::vector<V2Segment> v2_segments(const model::Period& period, Bucket bucket, Timestamp now) {
  const Timestamp start = period.start;
  const Timestamp end = period.end;
  // The whole buckets inside the period: [lo, hi). An end at or after now needs no edge: the
  // rest of its bucket holds no usage yet, so v2's snapping up adds nothing.
  Timestamp lo = aligned(start, bucket) ? start : bucket_end(bucket_floor(start, bucket), bucket);
  bool open_end = end >= now || aligned(end, bucket);
  Timestamp hi = open_end ? end : bucket_floor(end, bucket);

  std::vector<V2Segment> out;
  auto edge = [&](Timestamp s, Timestamp e, bool open) {
    for (Bucket b : {Bucket::day, Bucket::hour}) {
      if (static_cast<int>(b) < static_cast<int>(bucket) && aligned(s, b) && (open || aligned(e, b))) {
        out.push_back({{s, e}, b, true});
        return;
      }
    }
    out.push_back({{s, e}, bucket, false});  // nothing finer fits: v2's own buckets, as they are
  };
  if (lo > hi) {  // inside one bucket
    edge(start, end, open_end);
    return out;
  }
  if (start < lo) edge(start, lo, false);
  if (lo < hi) out.push_back({{lo, hi}, bucket, false});
  if (hi < end) edge(hi, end, false);
  // An edge nothing finer fits is asked with its neighbour: one request, v2's own buckets.
  std::vector<V2Segment> joined;
  for (const V2Segment& seg : out) {
    if (!joined.empty() && !joined.back().edge && !seg.edge && joined.back().bucket == seg.bucket) {
      joined.back().period.end = seg.period.end;
    } else {
      joined.push_back(seg);
    }
  }
  return joined;
}

std::vector<CostRecord> merge_into_period(const std::vector<CostRecord>& records,
                                          const model::Period& period, const Endpoint& ep) {
  struct Group {
    CostRecord record;
    std::map<std::string, Decimal> sums;
    std::vector<std::string> order;
    bool priced = false;
  };
  std::map<std::tuple<std::string, std::string>, Group> groups;
  std::vector<std::tuple<std::string, std::string>> order;
  for (const CostRecord& r : records) {
    std::tuple<std::string, std::string> key{r.service, r.resource_id};
    auto [it, fresh] = groups.try_emplace(key);
    Group& g = it->second;
    if (fresh) {
      order.push_back(key);
      g.record.provider = r.provider;
      g.record.service = r.service;
      g.record.resource_id = r.resource_id;
      g.record.currency = r.currency;
      g.record.period = period;
    }
    if (r.amount) {
      g.record.amount = g.record.amount.value_or(Decimal{}) + *r.amount;
      g.priced = true;
    }
    const json attributes = r.attributes.get();
    FieldReader f(attributes, ep, "record");
    for (const auto& [name, value] : r.attributes.items()) {
      if (name.size() > 6 && name.ends_with("Amount")) {
        std::optional<Decimal> d = f.decimal(name.c_str());
        if (!d) continue;
        auto [s, first] = g.sums.try_emplace(name);
        if (first) g.order.push_back(name);
        s->second += *d;
      } else if (name == model::k_incomplete_attribute) {
        g.record.attributes[name] = true;  // any of its buckets still growing: so is the edge
      } else if (!g.record.attributes.contains(name)) {
        g.record.attributes[name] = value;  // ids, gpubill_api
      }
    }
  }
  std::vector<CostRecord> out;
  for (const auto& key : order) {
    Group& g = groups[key];
    for (const std::string& name : g.order) g.record.attributes[name] = g.sums[name].to_string();
    g.record.attributes["gpubill_partial_bucket"] = true;
    out.push_back(std::move(g.record));
  }
  return out;
}

}  // namespace gpubill::providers::runpod
