// The Walkthrough's user choices (part of AppState, saved in the session).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>

namespace cl {

struct WalkthroughState {
    // Model (zoo name or .onnx path) -> node name of its current step; a missing or unknown
    // name means the first step. Per model, so switching architectures keeps each one's place.
    std::map<std::string, std::string> layers;
    bool main_only = true;    // step over conv/pool/fc/merge layers only, as the lecture tables do
    bool naive = false;       // inception diagram: the module without 1x1 reductions
    int channel = 0;          // residual diagram: the channel shown for x, F(x) and F(x) + x
    int filter_input = 0;     // which input channel of the kernels to show
    bool rgb_kernels = true;  // kernels on an RGB input drawn in colour (all three channels)
};

// Session JSON (walkthrough_state.cpp). from_json keeps the current value of a missing field.
void to_json(nlohmann::json& j, const WalkthroughState& s);
void from_json(const nlohmann::json& j, WalkthroughState& s);

}  // namespace cl
