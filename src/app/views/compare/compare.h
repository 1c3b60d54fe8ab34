// Compare view: two to four architectures side by side on the same input. A shared depth
// cursor shows each network's feature maps at the same relative depth (or the same stage of
// output sizes); the engine's figures per model (depth, parameters, MACs, memory) with measured
// latency as bar charts; per-layer profiles; the ILSVRC top-5 error history; export as CSV or
// Markdown.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/file_dialog.h"
#include "app/views/compare/compare_measure.h"
#include "app/views/compare/compare_pane.h"
#include "app/views/view.h"

namespace cl {

// One trained model of the classroom chart (compare_classroom.cpp).
struct ClassroomPoint {
    std::string model, weights;  // weights "" = the model's defaults
    int64_t params = 0;
    double accuracy = 0;  // shipped test accuracy, 0..1
    double ms = 0;        // median forward pass, measured in this window
    std::string error;
};

class CompareView : public View {
public:
    explicit CompareView(EngineServices& services);
    ~CompareView() override;
    const char* id() const override { return "compare"; }
    const char* title() const override { return "Compare"; }
    const char* help() const override;
    void draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) override;
    void step(AppState& state, const Snapshot& snapshot, int delta) override;
    bool busy() const override;

private:
    void sync_panes(const CompareState& s);
    void remove_pane(AppState& state, size_t index);
    // A pane for model + weights, or the last pane when there are four already.
    void add_model(AppState& state, const std::string& model, const std::string& weights = "");
    PaneInput pane_input(const AppState& state) const;
    int shown_node(const CompareState& s, const ComparePane& pane) const;
    std::vector<CompareRow> rows() const;

    void draw_toolbar(AppState& state);
    void draw_input_choice(AppState& state);
    void draw_cursor(AppState& state);
    void draw_panes(AppState& state, TextureCache& textures, float height);
    void draw_tabs(AppState& state, TextureCache& textures);  // a short window: one at a time
    void draw_numbers(AppState& state);                       // compare_charts.cpp
    void draw_history(AppState& state, float height);         // compare_history.cpp
    void draw_classroom(AppState& state, float height);       // compare_classroom.cpp
    void request_classroom();
    void draw_charts(AppState& state, float height);  // history and classroom, as tabs
    void draw_dialog(AppState& state);

    EngineServices& services_;  // the panes' forward passes and the measurements are its jobs
    // Declared before the panes: a pane cancels its measurements when destroyed.
    Measurer measurer_;
    std::vector<std::unique_ptr<ComparePane>> panes_;
    FileDialog dialog_;
    int next_pane_id_ = 1;
    int open_model_pane_ = -1;  // pane whose "Open an .onnx model" dialog is open
    JobHandle<std::vector<ClassroomPoint>> classroom_job_;
    int classroom_axis_ = 0;  // 0: against parameters, 1: against measured time
};

}  // namespace cl
