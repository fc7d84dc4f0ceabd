#pragma once
// One canonical name per GPU across providers (the cost record's gpu_model), from a GPU name as
// the adapters give it: Runpod's gpuTypeId display names ("NVIDIA H100 80GB HBM3"), what the
// Gcore adapter derives from its flavors ("8 x H100 80GB"), Hyperstack GPU types
// ("H100-80G-SXM5"), Novita product names ("NVIDIA H100 80GB x8", "RTX 4090 24GB"), Vast's
// gpu_name ("RTX 4090"). Flavour strings are read in the providers' folders.
// docs/gpu-models.md lists the names and the rules.

#include <optional>
#include <string>
#include <string_view>

namespace gpubill::model {

/// Record attributes about GPUs (set by providers/gpu.hpp, summed by --group-by): the count a
/// GPU name gives, the GPU hours a record paid for, and a group's amount per GPU hour.
inline constexpr const char* k_gpu_count_attribute = "gpubill_gpu_count";
inline constexpr const char* k_gpu_hours_attribute = "gpubill_gpu_hours";
inline constexpr const char* k_cost_per_gpu_hour_attribute = "gpubill_cost_per_gpu_hour";

struct GpuIdentity {
  std::string model;         ///< canonical name ("H100 80GB", "RTX 4090"); empty: not known
  std::optional<int> count;  ///< GPUs per unit billed, where the name says (1 to 64)
};

/// The canonical model and count for a provider's GPU name. Form factors of one chip and
/// memory size (SXM, PCIe, HBM3, OAM, NVLink) share a model; memory sizes that are different
/// products (A100 40GB / 80GB, V100 16GB / 32GB, H100 NVL) do not. A name that does not name a
/// known GPU gives an empty model and no count.
GpuIdentity identify_gpu(std::string_view name);

}  // namespace gpubill::model
