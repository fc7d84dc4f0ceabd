// Every GPU name in the provider docs -> one canonical model (issue #6). The Runpod list is
// the gpuTypeId enum of the seed pages (docs/providers/seeds/runpod-billing-pods.md), all 49
// values, exactly as written there (double spaces included).
#include <catch2/catch.hpp>

#include <set>

#include "gpubill/model/gpu_catalog.hpp"

using gpubill::model::GpuIdentity;
using gpubill::model::identify_gpu;

namespace {
struct Case {
  const char* name;
  const char* model;
  int count;  // 0: the name gives no count
};

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO(c.name);
    GpuIdentity id = identify_gpu(c.name);
    CHECK(id.model == c.model);
    if (c.count == 0) {
      CHECK_FALSE(id.count.has_value());
    } else {
      CHECK(id.count == c.count);
    }
  }
}
}  // namespace

TEST_CASE("gpu models: every Runpod gpuTypeId", "[model][gpu]") {
  const std::vector<Case> runpod = {
      {"NVIDIA GeForce RTX 4090", "RTX 4090", 0},
      {"NVIDIA A40", "A40", 0},
      {"NVIDIA RTX A5000", "RTX A5000", 0},
      {"NVIDIA GeForce RTX 5090", "RTX 5090", 0},
      {"NVIDIA H100 80GB HBM3", "H100 80GB", 0},
      {"NVIDIA GeForce RTX 3090", "RTX 3090", 0},
      {"NVIDIA RTX A4500", "RTX A4500", 0},
      {"NVIDIA L40S", "L40S", 0},
      {"NVIDIA H200", "H200", 0},
      {"NVIDIA L4", "L4", 0},
      {"NVIDIA RTX 6000 Ada Generation", "RTX 6000 Ada", 0},
      {"NVIDIA A100-SXM4-80GB", "A100 80GB", 0},
      {"NVIDIA RTX 4000 Ada Generation", "RTX 4000 Ada", 0},
      {"NVIDIA RTX A6000", "RTX A6000", 0},
      {"NVIDIA A100 80GB PCIe", "A100 80GB", 0},
      {"NVIDIA RTX 2000 Ada Generation", "RTX 2000 Ada", 0},
      {"NVIDIA RTX A4000", "RTX A4000", 0},
      {"NVIDIA RTX PRO 6000 Blackwell Server Edition", "RTX PRO 6000 Blackwell", 0},
      {"NVIDIA H100 PCIe", "H100 80GB", 0},
      {"NVIDIA H100 NVL", "H100 NVL", 0},
      {"NVIDIA L40", "L40", 0},
      {"NVIDIA B200", "B200", 0},
      {"NVIDIA GeForce RTX 3080 Ti", "RTX 3080 Ti", 0},
      {"NVIDIA RTX PRO 6000 Blackwell Workstation Edition", "RTX PRO 6000 Blackwell", 0},
      {"NVIDIA GeForce RTX 3080", "RTX 3080", 0},
      {"NVIDIA GeForce RTX 3070", "RTX 3070", 0},
      {"AMD Instinct MI300X OAM", "MI300X", 0},
      {"NVIDIA GeForce RTX 4080 SUPER", "RTX 4080 SUPER", 0},
      {"Tesla V100-PCIE-16GB", "V100 16GB", 0},
      {"Tesla V100-SXM2-32GB", "V100 32GB", 0},
      {"NVIDIA RTX 5000 Ada Generation", "RTX 5000 Ada", 0},
      {"NVIDIA GeForce RTX 4070 Ti", "RTX 4070 Ti", 0},
      {"NVIDIA RTX 4000 SFF Ada Generation", "RTX 4000 SFF Ada", 0},
      {"NVIDIA GeForce RTX 3090 Ti", "RTX 3090 Ti", 0},
      {"NVIDIA RTX A2000", "RTX A2000", 0},
      {"NVIDIA GeForce RTX 4080", "RTX 4080", 0},
      {"NVIDIA A30", "A30", 0},
      {"NVIDIA GeForce RTX 5080", "RTX 5080", 0},
      {"Tesla V100-FHHL-16GB", "V100 16GB", 0},
      {"NVIDIA H200 NVL", "H200 NVL", 0},
      {"Tesla V100-SXM2-16GB", "V100 16GB", 0},
      {"NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition", "RTX PRO 6000 Blackwell Max-Q", 0},
      {"NVIDIA A5000 Ada", "RTX 5000 Ada", 0},
      {"Tesla V100-PCIE-32GB", "V100 32GB", 0},
      {"NVIDIA  RTX A4500", "RTX A4500", 0},
      {"NVIDIA  A30", "A30", 0},
      {"NVIDIA GeForce RTX 3080TI", "RTX 3080 Ti", 0},
      {"Tesla T4", "T4", 0},
      {"NVIDIA RTX A30", "A30", 0},
  };
  REQUIRE(runpod.size() == 49);  // the enum, all of it
  check_cases(runpod);
  std::set<std::string> models;
  for (const Case& c : runpod) models.insert(c.model);
  CHECK(models.size() == 38);  // spellings of one GPU collapse; different GPUs stay apart
}

TEST_CASE("gpu models: what the Gcore adapter makes of its flavors, and metric names", "[model][gpu]") {
  // The flavors themselves (bm3-ai-1xlarge-h100-80-8) are read by gcore::gpu_from_flavor
  // (tests/providers/gcore_test.cpp); this is what it gives.
  check_cases({
      {"8 x H100 80GB", "H100 80GB", 8},
      {"1 x L40S", "L40S", 1},
      {"8 x A100 80GB", "A100 80GB", 8},
      {"8 x H200", "H200", 8},
      {"8 x B200", "B200", 8},
      {"2 x A40", "A40", 2},
      {"inference_gpu_l40s_48_sec", "L40S", 0},
      {"8 x MI300X", "MI300X", 8},
  });
}

TEST_CASE("gpu models: Hyperstack GPU types, Novita products", "[model][gpu]") {
  check_cases({
      {"H100-80G-SXM5", "H100 80GB", 0},
      {"H100-80G-PCIe", "H100 80GB", 0},
      {"H100-80G-PCIe-NVLink", "H100 80GB", 0},  // NVLink is not NVL
      {"A100-80G-PCIe", "A100 80GB", 0},
      {"H200-141G-SXM5", "H200", 0},
      {"RTX-A6000", "RTX A6000", 0},
      {"RTX-A4000", "RTX A4000", 0},
      {"L40", "L40", 0},
      {"NVIDIA H100 80GB x8", "H100 80GB", 8},
      {"RTX 4090 24GB", "RTX 4090", 0},
      {"NVIDIA GeForce RTX 4090 24GB x2", "RTX 4090", 2},
      {"8x H100", "H100 80GB", 8},
      {"NVIDIA A100 40GB", "A100 40GB", 0},
      {"NVIDIA A100", "A100", 0},            // no size given: not guessed
      {"RTX A6000", "RTX A6000", 0},         // Vast's gpu_name
      {"2 x RTX 4090", "RTX 4090", 2},       // what the Vast adapter makes of gpu_name, num_gpus
      {"rtx4090", "RTX 4090", 0},
  });
}

TEST_CASE("gpu models: unknown names have no model and no count", "[model][gpu]") {
  check_cases({
      {"", "", 0},
      {"g1-standard-1-2", "", 0},
      {"bm2-hf-medium", "", 0},
      {"lb1-1-2", "", 0},
      {"Snapshots Luxembourg-2 - PAYG", "", 0},
      {"Quantum Accelerator 9000 x8", "", 0},
      {"DeepSeek R1 (token)", "", 0},
      {"NVIDIA", "", 0},
      {"RTX", "", 0},
      {"x8", "", 0},
      {"n3-H100x8", "", 0},                                 // a flavour, not a GPU name: its adapter's to read
      {"\xe6\x98\xbe\xe5\x8d\xa1 H100", "H100 80GB", 0},  // unicode around a known name
      {"H100 x999", "H100 80GB", 0},                        // not a plausible count
      {std::string(100000, 'A').c_str(), "", 0},
  });
}
