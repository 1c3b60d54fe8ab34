// The weights status line and banner (see weights_status.h).
#include "app/widgets/weights_status.h"

#include <imgui.h>

#include <map>
#include <utility>

#include "app/ui.h"
#include "engine/zoo/trained_weights.h"

namespace cl {

namespace {

struct Status {
    std::string text;
    bool random = false;
};

// weights_status() reads a file header; a frame must not, so each pair is asked once.
const Status& status_for(const std::string& model, const std::string& weights) {
    static std::map<std::pair<std::string, std::string>, Status> cache;
    auto key = std::make_pair(model, weights);
    auto it = cache.find(key);
    if (it == cache.end()) {
        Status s{weights_status(model, weights), has_random_weights(model, weights)};
        it = cache.emplace(std::move(key), std::move(s)).first;
    }
    return it->second;
}

// Bright on the dark theme, darker on the light one (presenter mode), for contrast either way.
bool light_theme() {
    const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
    return 0.3f * bg.x + 0.59f * bg.y + 0.11f * bg.z > 0.5f;
}
ImVec4 warning_colour() {
    return light_theme() ? ImVec4(0.72f, 0.33f, 0.0f, 1.0f) : ImVec4(1.0f, 0.62f, 0.2f, 1.0f);
}
ImVec4 trained_colour() {
    return light_theme() ? ImVec4(0.1f, 0.45f, 0.15f, 1.0f) : ImVec4(0.45f, 0.85f, 0.5f, 1.0f);
}

}  // namespace

void draw_weights_status(const std::string& model, const std::string& weights) {
    const Status& s = status_for(model, weights);
    ImGui::PushStyleColor(ImGuiCol_Text, s.random ? warning_colour() : trained_colour());
    ImGui::TextWrapped("%s", s.text.c_str());
    ImGui::PopStyleColor();
}

void draw_random_weights_banner(const std::string& model, const std::string& weights) {
    if (!status_for(model, weights).random) return;
    ImGui::PushStyleColor(ImGuiCol_Text, warning_colour());
    ImGui::TextWrapped(
        "Random weights: these patterns mean nothing yet. %s was never trained, so its deep "
        "layers show noise, not edges or parts. Pick a trained model (lenet5 or a -mini model) "
        "to see what trained filters detect.",
        model.c_str());
    ImGui::PopStyleColor();
}

}  // namespace cl
