// The Compare view's classroom chart: the ILSVRC chart's question (what did more depth and more
// parameters buy?) asked of the networks ConvLens trained itself on Fashion-MNIST. Held-out
// accuracy against parameters or against forward time measured here, one point per model;
// clicking a point opens that model in a pane.
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/ui.h"
#include "app/views/compare/compare.h"
#include "app/widgets/chart_bars.h"
#include "engine/paths.h"
#include "engine/util/stats.h"
#include "engine/zoo/trained_weights.h"

namespace cl {

namespace {

// Loads every Fashion-MNIST model of the shipped table from the shared cache and times its
// forward pass: one warm-up, then the median of five.
std::shared_ptr<const std::vector<ClassroomPoint>> measure_classroom(EngineServices& services,
                                                                     JobControl& control) {
    auto points = std::make_shared<std::vector<ClassroomPoint>>();
    std::vector<const TrainedWeights*> entries;
    for (const TrainedWeights& t : trained_weights_list())
        if (std::string(t.dataset) == "fashion-mnist") entries.push_back(&t);
    const RunControl run = control.run_control();
    for (size_t i = 0; i < entries.size() && control.keep_going(); ++i) {
        const TrainedWeights& t = *entries[i];
        control.progress(double(i) / double(entries.size()), std::string("timing ") + t.model);
        ClassroomPoint p;
        p.model = t.model;
        p.weights = t.is_default ? std::string() : asset_path(t.file);
        p.accuracy = t.test_accuracy;
        try {
            const auto loaded = services.models.get(p.model, p.weights);
            const Graph& graph = *loaded->graph;
            p.params = graph.param_count();
            const Tensor input = Tensor::zeros(graph.input_shape());
            std::vector<double> times;
            for (int r = 0; r < 6 && control.keep_going(); ++r) {
                const Activations acts = graph.forward(input, run);
                if (acts.cancelled) break;
                if (r > 0) times.push_back(acts.total_millis());
            }
            if (times.empty()) continue;
            p.ms = median(times);
        } catch (const std::exception& e) {
            p.error = e.what();
        }
        points->push_back(p);
    }
    return points;
}

std::string short_count(int64_t n) {
    char text[32];
    if (n >= 1000000)
        std::snprintf(text, sizeof text, "%.2f M", double(n) / 1e6);
    else
        std::snprintf(text, sizeof text, "%.0f k", double(n) / 1e3);
    return text;
}

}  // namespace

void CompareView::request_classroom() {
    if (classroom_job_.valid()) return;
    JobSpec spec;
    spec.name = "Compare: timing the trained models";
    spec.priority = JobPriority::Background;
    EngineServices& services = services_;
    classroom_job_ = services_.jobs.submit<std::vector<ClassroomPoint>>(
        spec, [&services](JobControl& control) { return measure_classroom(services, control); });
}

void CompareView::draw_classroom(AppState& state, float height) {
    request_classroom();
    ImGui::TextUnformatted("Trained here: Fashion-MNIST test accuracy of the classroom models");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ui_scaled(190));
    const char* axes[] = {"against parameters", "against forward time"};
    ImGui::Combo("##classroom_axis", &classroom_axis_, axes, 2);
    const std::shared_ptr<const std::vector<ClassroomPoint>> points = classroom_job_.result();
    if (!points && classroom_job_.finished()) {
        const std::string error = classroom_job_.error();
        ImGui::TextWrapped("%s",
                           error.empty() ? "Timing the models was cancelled." : error.c_str());
        if (ImGui::Button("Time them again")) classroom_job_.reset();
        return;
    }
    if (!points) {
        const JobProgress pr = classroom_job_.progress();
        ImGui::ProgressBar(float(pr.fraction), ImVec2(-1, 0), pr.text.c_str());
        return;
    }
    const bool by_time = classroom_axis_ == 1;
    std::vector<const ClassroomPoint*> shown;
    for (const ClassroomPoint& p : *points)
        if (p.error.empty() && p.params > 0 && p.ms > 0) shown.push_back(&p);
    if (shown.empty()) {
        text_dim("No trained model could be loaded.");
        return;
    }
    const float line = ImGui::GetTextLineHeight();
    const float note_h = 2 * line + ui_scaled(6);
    const float chart_h = std::max(ui_scaled(150), height - line - note_h - ui_scaled(8));
    const float chart_w = ImGui::GetContentRegionAvail().x;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##classroom", ImVec2(chart_w, chart_h));
    const bool hovered_chart = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);

    // Axes: x logarithmic (parameters or ms span decades), y accuracy in percent.
    auto x_value = [&](const ClassroomPoint& p) { return by_time ? p.ms : double(p.params); };
    double x_lo = 1e300, x_hi = 0, y_lo = 100, y_hi = 0;
    for (const ClassroomPoint* p : shown) {
        x_lo = std::min(x_lo, x_value(*p));
        x_hi = std::max(x_hi, x_value(*p));
        y_lo = std::min(y_lo, 100 * p->accuracy);
        y_hi = std::max(y_hi, 100 * p->accuracy);
    }
    const double lx0 = std::floor(std::log10(x_lo)), lx1 = std::ceil(std::log10(x_hi * 1.0001));
    y_lo = std::floor(y_lo - 0.5), y_hi = std::ceil(y_hi + 0.5);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border);
    const float axis_w = ImGui::CalcTextSize("100 %").x + ui_scaled(8);
    const ImVec2 p0(origin.x + axis_w, origin.y + line * 0.5f);
    const ImVec2 p1(origin.x + chart_w - ui_scaled(12), origin.y + chart_h - 2 * line - 4);
    auto sx = [&](double v) {
        return float(p0.x + (p1.x - p0.x) * (std::log10(v) - lx0) / std::max(lx1 - lx0, 1e-9));
    };
    auto sy = [&](double pct) {
        return float(p1.y - (p1.y - p0.y) * (pct - y_lo) / (y_hi - y_lo));
    };
    for (double y = y_lo; y <= y_hi + 1e-9; y += 1.0) {
        dl->AddLine(ImVec2(p0.x, sy(y)), ImVec2(p1.x, sy(y)), grid);
        char label[16];
        std::snprintf(label, sizeof label, "%.0f %%", y);
        dl->AddText(ImVec2(origin.x, sy(y) - line * 0.5f), dim, label);
    }
    for (double e = lx0; e <= lx1 + 1e-9; e += 1.0) {
        const double v = std::pow(10.0, e);
        dl->AddLine(ImVec2(sx(v), p0.y), ImVec2(sx(v), p1.y), grid);
        char label[32];
        if (by_time)
            std::snprintf(label, sizeof label, "%g ms", v);
        else
            std::snprintf(label, sizeof label, "%s", short_count(int64_t(v)).c_str());
        dl->AddText(ImVec2(sx(v) - ImGui::CalcTextSize(label).x * 0.5f, p1.y + 2), dim, label);
    }
    const char* x_title =
        by_time ? "forward pass, one image, measured now (log scale)" : "parameters (log scale)";
    dl->AddText(
        ImVec2(0.5f * (p0.x + p1.x) - ImGui::CalcTextSize(x_title).x * 0.5f, p1.y + 2 + line), dim,
        x_title);

    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const float radius = ui_scaled(7);
    int hovered = -1;
    for (size_t i = 0; i < shown.size(); ++i) {
        const ClassroomPoint& p = *shown[i];
        const ImVec2 c(sx(x_value(p)), sy(100 * p.accuracy));
        bool in_pane = false;
        for (size_t j = 0; j < state.compare.models.size(); ++j)
            in_pane = in_pane || (state.compare.models[j] == p.model &&
                                  state.compare.weights_for(j) == p.weights);
        const ImU32 colour = chart_series_colour(int(i % 4), 0.95f);
        dl->AddCircleFilled(c, radius, colour);
        if (in_pane) dl->AddCircle(c, radius + ui_scaled(3), text, 0, ui_scaled(2));
        const float dx = c.x - mouse.x, dy = c.y - mouse.y;
        if (hovered_chart && dx * dx + dy * dy <= (radius + 4) * (radius + 4)) hovered = int(i);
        const std::string label = p.model + (p.weights.empty() ? "" : " (fashion)");
        const float tw = ImGui::CalcTextSize(label.c_str()).x;
        // Labels sit right of their point, or left of it near the right edge.
        const float lx = c.x + radius + 4 + tw > p1.x ? c.x - radius - 4 - tw : c.x + radius + 4;
        dl->AddText(ImVec2(lx, c.y - line * 0.5f), text, label.c_str());
    }
    if (hovered >= 0) {
        const ClassroomPoint& p = *shown[size_t(hovered)];
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        ImGui::SetTooltip(
            "%s: %.2f %% on the 10,000 Fashion-MNIST test images\n%s parameters, "
            "%.2f ms per image here\nClick: show it in a pane",
            p.model.c_str(), 100 * p.accuracy, short_count(p.params).c_str(), p.ms);
        if (clicked) add_model(state, p.model, p.weights);
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped(
        "Accuracy as shipped (convlens eval on the test split; a test re-checks every file). "
        "Trained by ConvLens with the commands in docs/zoo.md. Click a point to open it.");
    ImGui::PopStyleColor();
}

}  // namespace cl
