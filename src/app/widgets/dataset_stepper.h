// "MNIST | Fashion-MNIST  < 12 >": steps through a test set's images as a view's input. The
// images come from the window's shared dataset cache, loaded as a job; a press before they
// arrive is answered a few frames later. Buttons, not a text field: a text field keeps the
// keyboard, and the arrow keys would stop stepping until the teacher clicks elsewhere.
#pragma once

#include <memory>
#include <string>

#include "app/app_state.h"
#include "engine/services/engine_services.h"

namespace cl {

class DatasetStepper {
public:
    explicit DatasetStepper(EngineServices& services) : services_(services) {}

    // Draws on the current line; sets state.request.input_tensor and its label when an image
    // is chosen (and once its dataset has loaded).
    void draw(AppState& state);
    bool pending() const { return pending_; }  // an image was asked for, its set is loading
    // Another input (a sample file, an opened image) replaced ours.
    void forget() { active_ = false; }
    bool active() const { return active_; }
    // The set shown until the user picks one: the data the view's model was trained on.
    void suggest(bool fashion) {
        if (!active_ && !chosen_) fashion_ = fashion;
    }

private:
    const char* spec() const { return fashion_ ? "fashion-mnist" : "mnist"; }

    EngineServices& services_;
    bool fashion_ = false;
    int index_ = 0;
    bool active_ = false;   // the input is an image of ours
    bool pending_ = false;  // asked for before the set had loaded
    bool chosen_ = false;   // the user picked the set
};

}  // namespace cl
