// The Compare view's user choices (part of AppState, saved in the session).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace cl {

// How the shared depth cursor picks each pane's layer.
enum class DepthMode {
    Relative,    // the same fraction of each network's weight layers
    Resolution,  // the same stage: the k-th output size each network passes through
};

struct CompareState {
    std::vector<std::string> models = {"alexnet", "vgg16", "resnet18"};  // 2..4 panes
    std::vector<std::string> weights;  // per pane, "" = the model's defaults (may be shorter)
    std::string input;                 // "" = the app's input (drawing or opened image)
    DepthMode mode = DepthMode::Relative;
    float cursor = 0.12f;  // Relative: 0 = input, 1 = output
    int stage = 1;         // Resolution: 0 = input
    int maps = 9;          // feature maps shown per pane (0 = all)

    const std::string& weights_for(size_t pane) const;
};

// Session JSON (compare_state.cpp). from_json keeps the current value of a missing field.
// Measured figures (latency, accuracy) are never part of the state: they are measured anew.
void to_json(nlohmann::json& j, const CompareState& s);
void from_json(const nlohmann::json& j, CompareState& s);

}  // namespace cl
