#pragma once
// What every adapter does with a GPU name and GPU time, in one place: the provider's own name
// goes to gpu_type, the canonical one (model/gpu_catalog.hpp) to gpu_model, and the count the
// name gives and the GPU hours a record paid for to attributes, where --group-by gpu finds them.

#include <string>

#include "gpubill/model/cost_record.hpp"
#include "gpubill/model/gpu_catalog.hpp"

namespace gpubill::providers {

using model::k_gpu_count_attribute;
using model::k_gpu_hours_attribute;

/// gpu_type = name; gpu_model and attributes.gpubill_gpu_count where the catalog knows the
/// name (an unknown name keeps gpu_type and leaves gpu_model empty). An empty name sets nothing.
void set_gpu(model::CostRecord& r, const std::string& name);

/// attributes.gpubill_gpu_hours = hours (exact decimal text): the GPU time the record's amount
/// paid for, each GPU counted (8 GPUs for one hour are 8 GPU hours). Only where the provider's
/// docs say what its usage measures (docs/gpu-models.md).
void set_gpu_hours(model::CostRecord& r, const model::Decimal& hours);

}  // namespace gpubill::providers
