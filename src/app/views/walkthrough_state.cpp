// The Walkthrough's part of the session JSON.
#include "app/views/walkthrough_state.h"

#include <nlohmann/json.hpp>

namespace cl {

void to_json(nlohmann::json& j, const WalkthroughState& s) { j = {{"layer", s.layer}}; }

void from_json(const nlohmann::json& j, WalkthroughState& s) { s.layer = j.value("layer", s.layer); }

}  // namespace cl
