// Draw & Classify view, the view the program opens on: draw a digit (or load an MNIST test
// digit), see the 28x28 the network sees, the ten class probabilities live while drawing, every
// layer of the network as a left-to-right strip, and where on the input a hovered unit looks.
#pragma once

#include <memory>
#include <string>

#include "app/views/view.h"
#include "app/widgets/draw_pad.h"
#include "engine/io/idx.h"

namespace cl {

class DrawClassifyView : public View {
public:
    const char* id() const override { return "draw"; }
    const char* title() const override { return "Draw & Classify"; }
    const char* help() const override;
    void draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) override;

private:
    struct HoveredUnit {
        int node = -1, channel = -1, y = 0, x = 0;
        float value = 0.0f;
    };
    void draw_tools(AppState& state, float width);
    void draw_network_input(const Snapshot& snapshot, float width, float side);
    void draw_probabilities(AppState& state, const Snapshot& snapshot, ImVec2 size);
    void draw_surgery(AppState& state, const Node& conv);
    void draw_layer_strip(AppState& state, const Snapshot& snapshot, TextureCache& textures,
                          ImVec2 size);
    void submit_drawing(AppState& state);
    void load_mnist_digit(AppState& state);

    // UI-thread bookkeeping: the pad's strokes (not saved), the lazily loaded MNIST test set
    // and what the mouse is over.
    DrawPad pad_;
    std::unique_ptr<Dataset> mnist_;
    std::string mnist_error_;
    std::string loaded_label_;
    HoveredUnit hovered_, hovered_next_;
};

}  // namespace cl
