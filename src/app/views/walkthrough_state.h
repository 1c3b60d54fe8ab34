// The Walkthrough's user choices (part of AppState, saved in the session).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace cl {

struct WalkthroughState {
    std::string layer;  // node name of the current step; "" = the first layer
};

// Session JSON (walkthrough_state.cpp). from_json keeps the current value of a missing field.
void to_json(nlohmann::json& j, const WalkthroughState& s);
void from_json(const nlohmann::json& j, WalkthroughState& s);

}  // namespace cl
