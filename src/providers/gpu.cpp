#include "gpubill/providers/gpu.hpp"

#include "gpubill/model/gpu_catalog.hpp"

namespace gpubill::providers {

void set_gpu(model::CostRecord& r, const std::string& name) {
  if (name.empty()) return;
  r.gpu_type = name;
  model::GpuIdentity id = model::identify_gpu(name);
  r.gpu_model = id.model;
  if (id.count) r.attributes[k_gpu_count_attribute] = *id.count;
}

void set_gpu_hours(model::CostRecord& r, const model::Decimal& hours) {
  r.attributes[k_gpu_hours_attribute] = hours.to_string();
}

}  // namespace gpubill::providers
