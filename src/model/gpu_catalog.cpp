// GPU names -> one canonical model. The name is cut into upper-case tokens ("NVIDIA
// A100-SXM4-80GB" -> NVIDIA A100 SXM4 80GB), counts and memory sizes are recognised in the
// forms GPU names are written (x8, 8x, "8 x", 80GB, 80G), and the first token that names a GPU
// family decides the model. A provider's own flavour strings are its adapter's to read
// (Gcore's bm3-ai-1xlarge-h100-80-8 becomes "8 x H100 80GB" in providers/gcore/): this file
// knows GPUs, not providers. Rules and the full list of names: docs/gpu-models.md.
#include "gpubill/model/gpu_catalog.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace gpubill::model {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) {
    v = v * 10 + (c - '0');
    if (v > 100000) return v;
  }
  return v;
}

bool plausible_count(int n) { return n >= 1 && n <= 64; }

// Families whose name is the model as it stands.
constexpr std::array<std::string_view, 21> k_plain = {
    "H800", "A800", "GH200", "GB200", "GB300", "B100", "B200", "B300", "L40S", "L40", "L4",
    "A40",  "A30",  "A10",   "A10G",  "A16",   "T4",   "P100", "MI300X", "MI325X", "MI250X"};

constexpr std::array<std::string_view, 5> k_rtx_ampere = {"A6000", "A5000", "A4500", "A4000",
                                                          "A2000"};

bool is_family(std::string_view t) {
  return std::find(k_plain.begin(), k_plain.end(), t) != k_plain.end() ||
         std::find(k_rtx_ampere.begin(), k_rtx_ampere.end(), t) != k_rtx_ampere.end() ||
         t == "H100" || t == "H200" || t == "A100" || t == "V100" || t == "RTX";
}

struct Tokens {
  std::vector<std::string> words;
  std::optional<int> count;
  std::optional<int> memory_gb;
  bool has(std::string_view w) const {
    return std::find(words.begin(), words.end(), w) != words.end();
  }
};

Tokens tokenize(std::string_view name) {
  std::vector<std::string> raw;
  std::string cur;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 0x80) {
      cur.push_back(static_cast<char>(std::toupper(u)));
    } else if (!cur.empty()) {
      raw.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) raw.push_back(std::move(cur));

  Tokens t;
  auto set_count = [&](int n) {
    if (plausible_count(n) && !t.count) t.count = n;
  };
  for (std::size_t i = 0; i < raw.size(); ++i) {
    std::string w = raw[i];
    // 8X, X8: a count.
    if (w.size() >= 2 && w.back() == 'X' && all_digits(std::string_view(w).substr(0, w.size() - 1))) {
      set_count(to_int(std::string_view(w).substr(0, w.size() - 1)));
      continue;
    }
    if (w.size() >= 2 && w.front() == 'X' && all_digits(std::string_view(w).substr(1))) {
      set_count(to_int(std::string_view(w).substr(1)));
      continue;
    }
    // "8 x H100": a number, then X alone.
    if (w == "X") {
      if (!t.words.empty() && all_digits(t.words.back())) {
        set_count(to_int(t.words.back()));
        t.words.pop_back();
      }
      continue;
    }
    // 80GB, 80G; "80 GB".
    if (w.size() >= 3 && (w.ends_with("GB") || w.ends_with('G'))) {
      std::string_view digits(w);
      digits.remove_suffix(w.ends_with("GB") ? 2 : 1);
      if (all_digits(digits)) {
        t.memory_gb = to_int(digits);
        continue;
      }
    }
    if (w == "GB" && !t.words.empty() && all_digits(t.words.back())) {
      t.memory_gb = to_int(t.words.back());
      t.words.pop_back();
      continue;
    }
    // RTX4090 -> RTX 4090; 3080TI -> 3080 TI; 4080SUPER -> 4080 SUPER.
    if (w.size() > 3 && w.starts_with("RTX")) {
      t.words.push_back("RTX");
      w = w.substr(3);
    }
    if (w.size() > 4 && all_digits(std::string_view(w).substr(0, 4))) {
      std::string rest = w.substr(4);
      if (rest == "TI" || rest == "SUPER") {
        t.words.push_back(w.substr(0, 4));
        w = rest;
      }
    }
    t.words.push_back(w);
  }
  return t;
}

// The model for the RTX family starting at words[i] == "RTX" (or at a bare A6000-style word).
std::string rtx_model(const Tokens& t, std::size_t i) {
  const std::vector<std::string>& w = t.words;
  auto at = [&](std::size_t k) -> std::string_view { return k < w.size() ? std::string_view(w[k]) : ""; };
  std::size_t k = w[i] == "RTX" ? i + 1 : i;
  if (at(k) == "PRO" && all_digits(at(k + 1))) {
    std::string model = "RTX PRO " + std::string(at(k + 1));
    if (t.has("BLACKWELL")) model += " Blackwell";
    if (t.has("MAX") && t.has("Q")) model += " Max-Q";
    return model;
  }
  std::string_view word = at(k);
  if (std::find(k_rtx_ampere.begin(), k_rtx_ampere.end(), word) != k_rtx_ampere.end()) {
    // "A5000 Ada" is Runpod's older name for the RTX 5000 Ada Generation.
    if (at(k + 1) == "ADA") return "RTX " + std::string(word.substr(1)) + " Ada";
    return "RTX " + std::string(word);
  }
  if (word.size() == 4 && all_digits(word)) {
    std::string model = "RTX " + std::string(word);
    if (at(k + 1) == "SFF" && at(k + 2) == "ADA") return model + " SFF Ada";
    if (at(k + 1) == "ADA") return model + " Ada";
    if (at(k + 1) == "TI") {
      model += " Ti";
      if (at(k + 2) == "SUPER") model += " SUPER";
    } else if (at(k + 1) == "SUPER") {
      model += " SUPER";
    }
    return model;
  }
  return {};
}

}  // namespace

GpuIdentity identify_gpu(std::string_view name) {
  Tokens t = tokenize(name);
  GpuIdentity out;
  for (std::size_t i = 0; i < t.words.size() && out.model.empty(); ++i) {
    const std::string& w = t.words[i];
    if (!is_family(w)) {
      // A bare GeForce number ("NVIDIA GeForce 4090"): only with the GeForce brand to say so.
      if (w.size() == 4 && all_digits(w) && t.has("GEFORCE")) out.model = "RTX " + w;
      continue;
    }
    if (w == "RTX" || std::find(k_rtx_ampere.begin(), k_rtx_ampere.end(), w) != k_rtx_ampere.end()) {
      std::string_view next = i + 1 < t.words.size() ? std::string_view(t.words[i + 1]) : "";
      if (w == "RTX" && is_family(next) && next != "RTX" &&
          std::find(k_rtx_ampere.begin(), k_rtx_ampere.end(), next) == k_rtx_ampere.end()) {
        continue;  // "NVIDIA RTX A30": the family is the next word
      }
      out.model = rtx_model(t, i);
      continue;
    }
    std::optional<int> mem = t.memory_gb;
    if (w == "H100") {
      out.model = (t.has("NVL") || (mem && *mem >= 94 && *mem <= 96)) ? "H100 NVL" : "H100 80GB";
    } else if (w == "H200") {
      out.model = t.has("NVL") ? "H200 NVL" : "H200";
    } else if (w == "A100") {
      out.model = mem == 40 ? "A100 40GB" : mem == 80 ? "A100 80GB" : "A100";
    } else if (w == "V100") {
      out.model = mem == 16 ? "V100 16GB" : mem == 32 ? "V100 32GB" : "V100";
    } else {
      out.model = w;
    }
  }
  if (!out.model.empty()) out.count = t.count;
  return out;
}

}  // namespace gpubill::model
