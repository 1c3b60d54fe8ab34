// Walkthrough view: a network one layer per step (arrow keys), as the lecture's "Classical
// ConvNets" tables: the layer's row, its formulas with the numbers, MACs and memory, input maps,
// kernels and output maps, a few sentences on why the layer is there, a mini-map and cumulative
// params / MACs; inception and residual modules as diagrams; the whole table, exportable.
// walkthrough.cpp: layout, header, step; walkthrough_card.cpp: the layer's numbers and words;
// walkthrough_maps.cpp: the three map panels; walkthrough_diagrams.cpp: inception and residual;
// walkthrough_table.cpp: the whole table and its export.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/file_dialog.h"
#include "app/views/view.h"
#include "app/widgets/dataset_stepper.h"
#include "engine/colormap.h"
#include "engine/explain/layer_notes.h"
#include "engine/summary.h"

namespace cl {

class WalkthroughView : public View {
public:
    explicit WalkthroughView(EngineServices& services);
    ~WalkthroughView() override;
    const char* id() const override { return "walkthrough"; }
    bool busy() const override { return test_images_.pending(); }  // a test set is loading
    const char* title() const override { return "Walkthrough"; }
    const char* help() const override;
    void draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) override;
    void step(AppState& state, const Snapshot& snapshot, int delta) override;
    // The text with the glyphs the current font lacks (the formulas' floor brackets, minus
    // sign) spelled in ASCII, so nothing shows as '?'.
    static std::string on_screen(const std::string& text);
    static std::string with_unit(int64_t value);  // 105415200 -> "105.4 M"

private:
    // Everything derived from one graph, rebuilt when the snapshot's graph changes.
    struct ModelInfo {
        const Graph* graph = nullptr;
        std::string model;  // the request's model (zoo name or path)
        ModelSummary summary;
        std::vector<MergeModule> modules;
        std::vector<int> all_steps, main_steps;
        std::vector<std::string> notes;             // per node, filled on first use
        std::vector<int64_t> cum_params, cum_macs;  // up to and including each node
        bool untrained = false;                     // a zoo model with He-initialised weights
    };
    // The naive-vs-reduced comparison of one inception module, built from its own widths.
    struct InceptionCompare {
        const Graph* graph = nullptr;
        int merge = -1;
        bool valid = false;
        ModelSummary reduced, naive;
        std::shared_ptr<const Graph> naive_graph;
        MergeModule naive_module;
    };

    void refresh(const Snapshot& snapshot);
    const std::vector<int>& steps(const AppState& state) const;
    int current_node(const AppState& state) const;
    void go_to(AppState& state, int node);
    const std::string& note(int node);

    void draw_header(AppState& state, const Snapshot& snapshot, int node);
    void draw_input_choice(AppState& state, const Snapshot& snapshot);
    void draw_progress(AppState& state, int node, float width);
    void draw_card(AppState& state, const Snapshot& snapshot, int node);             // _card
    void draw_stack_comparison(int node);                                            // _card
    Colormap colormap_of(const Snapshot& snapshot, int node);                        // _maps
    std::vector<std::string> value_names(const Snapshot& snapshot, int node) const;  // _maps
    void map_panel(const char* id, const std::string& title, const Tensor& maps,
                   const std::string& key, Colormap map, TextureCache& textures, ImVec2 size,
                   int enlarged);  // _maps
    void draw_maps(AppState& state, const Snapshot& snapshot, TextureCache& textures, int node,
                   ImVec2 size);  // _maps
    void draw_inception(AppState& state, const Snapshot& snapshot, TextureCache& textures,
                        int module, int node, ImVec2 size);  // _diagrams
    void draw_residual(AppState& state, const Snapshot& snapshot, TextureCache& textures,
                       int module, int node, ImVec2 size);  // _diagrams
    const InceptionCompare& inception_compare(int module);  // _diagrams
    void draw_table(AppState& state, int node);             // _table
    void draw_export(const AppState& state);                // _table

    ModelInfo info_;
    InceptionCompare compare_;
    // UI-thread bookkeeping, not user choices.
    bool scroll_table_ = true;
    bool compact_ = false;     // a short window: paired card rows, the table folded
    bool show_table_ = false;  // the folded table unfolded by the user (compact only)
    uint64_t cmap_generation_ = 0;
    std::vector<int> cmaps_;  // per node: the automatic colour map (Colormap), -1 = not yet
    FileDialog dialog_;
    std::string export_message_;
    EngineServices& services_;    // the test images come from its dataset cache
    DatasetStepper test_images_;  // MNIST or Fashion-MNIST test images as the input
};

}  // namespace cl
