// The Compare view's part of the session JSON.
#include "app/views/compare_state.h"

#include <nlohmann/json.hpp>

namespace cl {

void to_json(nlohmann::json& j, const CompareState& s) { j = {{"models", s.models}}; }

void from_json(const nlohmann::json& j, CompareState& s) {
    const std::vector<std::string> models = j.value("models", s.models);
    if (models.size() >= 2 && models.size() <= 4) s.models = models;
}

}  // namespace cl
