// The drawing pad of Draw & Classify: white ink on black with a soft round brush, an eraser,
// undo of whole strokes, and an optional background digit (an MNIST example to start from).
// Strokes are kept in pad coordinates [0,1] and rasterised into a grey Image for the network.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <imgui.h>

#include <vector>

#include "engine/io/image.h"
#include "engine/tensor.h"

namespace cl {

// The user's choices for the Draw & Classify view (saved in the session).
struct DrawState {
    float brush = 0.06f;  // brush radius as a fraction of the pad side
    bool eraser = false;
    int mnist_index = 0;  // which MNIST test digit "Load" puts into the pad
};

// Session JSON (draw_state.cpp). from_json keeps the current value of a missing field.
void to_json(nlohmann::json& j, const DrawState& s);
void from_json(const nlohmann::json& j, DrawState& s);

class DrawPad {
public:
    static constexpr int k_raster = 112;  // the raster side (4x MNIST's 28)

    DrawPad();
    // Draws the pad `side` pixels square at the cursor and handles the mouse. Returns true when
    // the drawing changed this frame (every mouse move while drawing).
    bool draw(const char* id, float side, const DrawState& state);
    void clear();
    bool undo();  // false when there is nothing to undo
    // Puts a [1,1,H,W] grey image (values in [0,1]) under the strokes, which are cleared.
    // placeholder: the first stroke clears it (the example shown when the program opens).
    void set_background(const Tensor& digit, bool placeholder = false);
    bool placeholder() const { return placeholder_; }
    bool empty() const { return strokes_.empty() && !has_background_; }
    bool drawing() const { return drawing_; }
    const Image& raster() const { return raster_; }
    // The pad's screen rectangle of the last draw(), for overlays.
    ImVec2 origin() const { return origin_; }
    float side() const { return side_; }

private:
    struct Stroke {
        std::vector<ImVec2> points;  // pad coordinates in [0,1]
        float radius = 0.05f;
        bool erase = false;
    };
    void rasterise_all();
    void stamp_segment(ImVec2 a, ImVec2 b, float radius, bool erase);

    std::vector<Stroke> strokes_;
    Tensor background_;  // [1,1,H,W] or empty
    bool has_background_ = false;
    bool placeholder_ = false;
    Image raster_;
    bool drawing_ = false;
    ImVec2 origin_{0, 0};
    float side_ = 0;
};

}  // namespace cl
