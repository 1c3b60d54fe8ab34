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
    void add_model(AppState& state, const std::string& model);  // a pane, or the last one
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
    void draw_dialog(AppState& state);

    EngineServices& services_;  // the panes' forward passes and the measurements are its jobs
    // Declared before the panes: a pane cancels its measurements when destroyed.
    Measurer measurer_;
    std::vector<std::unique_ptr<ComparePane>> panes_;
    FileDialog dialog_;
    int next_pane_id_ = 1;
    int open_model_pane_ = -1;  // pane whose "Open an .onnx model" dialog is open
};

}  // namespace cl
