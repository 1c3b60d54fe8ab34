// Draw & Classify view, the view the program opens on: draw a digit (or load an MNIST test
// digit), see the 28x28 the network sees, the ten class probabilities live while drawing, every
// layer of the network as a left-to-right strip, and where on the input a hovered unit looks.
#pragma once

#include <memory>
#include <string>

#include "app/views/view.h"
#include "app/widgets/draw_pad.h"
#include "app/widgets/feature_grid.h"
#include "engine/io/idx.h"
#include "engine/unit_inputs.h"

namespace cl {

class DrawClassifyView : public View {
public:
    explicit DrawClassifyView(EngineServices& services) : services_(services) {}
    const char* id() const override { return "draw"; }
    const char* title() const override { return "Draw & Classify"; }
    const char* help() const override;
    void draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) override;
    // Arrow keys, Page Up/Down, Home/End: the previous / next test image of the data set.
    void step(AppState& state, const Snapshot& snapshot, int delta) override;
    bool busy() const override { return example_pending_; }  // a test set is loading

private:
    struct HoveredUnit {
        int node = -1, channel = -1, y = 0, x = 0;
        float value = 0.0f;
    };

    void draw_tools(AppState& state, float width);
    void draw_network_input(const Snapshot& snapshot, float width, float side);
    void draw_unit_readout(const Snapshot& snapshot, float width);
    void draw_probabilities(AppState& state, const Snapshot& snapshot, ImVec2 size);
    void draw_modified_badge(AppState& state);
    void draw_surgery(AppState& state, const Node& conv);
    void draw_layer_strip(AppState& state, const Snapshot& snapshot, TextureCache& textures,
                          ImVec2 size);
    void handle_keys(AppState& state);
    void submit_drawing(AppState& state);
    void load_example(AppState& state);
    void load_pending_example(AppState& state);

    // draw_classify_models.cpp: which network the view shows.
    void draw_model_choice(AppState& state, float width);
    bool draw_unsupported_model(AppState& state, const Snapshot& snapshot);
    bool fashion_model(const AppState& state) const;

    // Whether the layer strip has a column for this node (flatten, dropout and the ReLU after
    // an fc layer have none; in a compact strip no ReLU has one).
    bool shown_in_strip(const Graph& graph, int node) const;

    // draw_classify_hover.cpp: what the hovered unit is made of.
    void update_hover(const Snapshot& snapshot);
    void draw_unit_tooltip(const Snapshot& snapshot);
    UnitMarks marks_for(int node) const;

    EngineServices& services_;  // the test sets "Load" reads come from its dataset cache
    // UI-thread bookkeeping: the pad's strokes (not saved), an example waiting for its test
    // set to load, and what the mouse is over.
    DrawPad pad_;
    bool example_pending_ = false;
    std::string loaded_label_;
    HoveredUnit hovered_, hovered_next_;
    bool compact_ = false;  // too little room per column (presenter zoom): fewer columns
    // The hovered unit's inputs in the nearest layer shown in the strip (empty: none there),
    // and its dot product when it is a conv or fc unit (dot_.input_node < 0 otherwise).
    UnitRegion feeders_;
    UnitDotProduct dot_;
    std::string dot_error_;
};

}  // namespace cl
