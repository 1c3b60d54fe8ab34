// The Compare view's user choices (part of AppState, saved in the session).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace cl {

struct CompareState {
    std::vector<std::string> models = {"alexnet", "vgg16", "resnet18"};  // 2..4 panes
};

// Session JSON (compare_state.cpp). from_json keeps the current value of a missing field.
void to_json(nlohmann::json& j, const CompareState& s);
void from_json(const nlohmann::json& j, CompareState& s);

}  // namespace cl
