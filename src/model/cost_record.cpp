#include "gpubill/model/cost_record.hpp"

#include <algorithm>

namespace gpubill::model {

static_assert(sizeof(CostRecord) <= 112, "docs/performance.md counts on a 112-byte record");

namespace {

std::optional<std::string> text(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::optional<std::string> decimal(const std::optional<Decimal>& d) {
  return d ? std::optional<std::string>(d->to_string()) : std::nullopt;
}

}  // namespace

std::array<ColumnValue, k_column_count> column_values(const CostRecord& r) {
  using K = ColumnKind;
  return {{{"provider", K::text, text(r.provider)},
           {"service", K::text, text(r.service)},
           {"resource_id", K::text, text(r.resource_id)},
           {"resource_name", K::text, text(r.resource_name)},
           {"gpu_type", K::text, text(r.gpu_type)},
           {"gpu_model", K::text, text(r.gpu_model)},
           {"region", K::text, text(r.region)},
           {"period_start", K::time, format_rfc3339(r.period.start)},
           {"period_end", K::time, format_rfc3339(r.period.end)},
           {"amount", K::decimal, decimal(r.amount)},
           {"currency", K::text, text(r.currency)},
           {"usage_quantity", K::decimal, decimal(r.usage_quantity)},
           {"usage_unit", K::text, text(r.usage_unit)},
           {"description", K::text, text(r.description)}}};
}

void sort_by_period_start(std::vector<CostRecord>& records) {
  auto earlier = [](const CostRecord& a, const CostRecord& b) { return a.period.start < b.period.start; };
  if (std::is_sorted(records.begin(), records.end(), earlier)) return;
  // order[k]: the index of the record that belongs at k.
  std::vector<std::size_t> order(records.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return records[a].period.start < records[b].period.start;
  });
  // Applied in place, cycle by cycle: one record held aside at a time, not a second vector
  // of 500,000 (200 MB for a year of hourly rows).
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == i) continue;
    CostRecord held = std::move(records[i]);
    std::size_t at = i;
    while (true) {
      std::size_t from = order[at];
      order[at] = at;
      if (from == i) {
        records[at] = std::move(held);
        break;
      }
      records[at] = std::move(records[from]);
      at = from;
    }
  }
}

void mark_incomplete(std::vector<CostRecord>& records, Timestamp now) {
  for (CostRecord& r : records) {
    if (r.period.end > now) r.attributes[k_incomplete_attribute] = true;
  }
}

}  // namespace gpubill::model
