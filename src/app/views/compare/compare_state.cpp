// The Compare view's part of the session JSON.
#include "app/views/compare/compare_state.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace cl {

const std::string& CompareState::weights_for(size_t pane) const {
    static const std::string k_none;
    return pane < weights.size() ? weights[pane] : k_none;
}

void to_json(nlohmann::json& j, const CompareState& s) {
    j = {{"models", s.models}, {"weights", s.weights},
         {"input", s.input},   {"mode", s.mode == DepthMode::Relative ? "relative" : "resolution"},
         {"cursor", s.cursor}, {"stage", s.stage},
         {"maps", s.maps}};
}

void from_json(const nlohmann::json& j, CompareState& s) {
    const std::vector<std::string> models = j.value("models", s.models);
    if (models.size() >= 2 && models.size() <= 4) s.models = models;
    s.weights = j.value("weights", s.weights);
    s.input = j.value("input", s.input);
    const std::string mode = j.value("mode", std::string());
    if (mode == "relative") s.mode = DepthMode::Relative;
    if (mode == "resolution") s.mode = DepthMode::Resolution;
    s.cursor = std::clamp(j.value("cursor", s.cursor), 0.0f, 1.0f);
    s.stage = std::max(0, j.value("stage", s.stage));
    const int maps = j.value("maps", s.maps);
    if (maps == 0 || maps == 4 || maps == 9 || maps == 16) s.maps = maps;
}

}  // namespace cl
