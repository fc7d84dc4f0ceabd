#include "gpubill/providers/gpu.hpp"

#include <string>
#include <unordered_map>

#include "gpubill/model/gpu_catalog.hpp"

namespace gpubill::providers {

void set_gpu(model::CostRecord& r, const std::string& name) {
  if (name.empty()) return;
  r.gpu_type = name;
  // An answer names a handful of GPUs over and over: identify each name once per thread
  // (report fetches providers on several threads). Bounded so hostile input cannot grow it.
  thread_local std::unordered_map<std::string, model::GpuIdentity> known;
  auto it = known.find(name);
  if (it == known.end()) {
    if (known.size() >= 4096) known.clear();
    it = known.emplace(name, model::identify_gpu(name)).first;
  }
  const model::GpuIdentity& id = it->second;
  r.gpu_model = id.model;
  if (id.count) r.attributes[k_gpu_count_attribute] = *id.count;
}

void set_gpu_hours(model::CostRecord& r, const model::Decimal& hours) {
  r.attributes[k_gpu_hours_attribute] = hours.to_string();
}

}  // namespace gpubill::providers
