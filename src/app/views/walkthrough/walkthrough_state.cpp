// The Walkthrough's part of the session JSON.
#include "app/views/walkthrough/walkthrough_state.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace cl {

void to_json(nlohmann::json& j, const WalkthroughState& s) {
    j = {{"layers", s.layers},   {"main_only", s.main_only},       {"naive", s.naive},
         {"channel", s.channel}, {"filter_input", s.filter_input}, {"rgb_kernels", s.rgb_kernels}};
}

void from_json(const nlohmann::json& j, WalkthroughState& s) {
    const auto layers = j.find("layers");
    if (layers != j.end() && layers->is_object()) {
        s.layers.clear();
        for (auto it = layers->begin(); it != layers->end(); ++it)
            if (it.value().is_string()) s.layers[it.key()] = it.value().get<std::string>();
    }
    s.main_only = j.value("main_only", s.main_only);
    s.naive = j.value("naive", s.naive);
    s.channel = std::max(0, j.value("channel", s.channel));
    s.filter_input = std::max(0, j.value("filter_input", s.filter_input));
    s.rgb_kernels = j.value("rgb_kernels", s.rgb_kernels);
}

}  // namespace cl
