// A view of the GUI (after ImHex): a title, a draw() that reads the newest snapshot, a help()
// text in classroom words, and step() for the arrow keys. One class per file; the list of all
// views is views.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/app_state.h"
#include "app/engine_worker.h"
#include "engine/services/engine_services.h"
#include "gfx/texture_cache.h"

namespace cl {

class View {
public:
    virtual ~View() = default;
    virtual const char* id() const = 0;     // --view NAME: "feature-maps"
    virtual const char* title() const = 0;  // "Feature Maps"
    virtual const char* help() const = 0;   // what is on screen, for the Help window
    // snapshot may be empty (no result yet, or no graph).
    virtual void draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) = 0;
    // Arrow keys: +1 / -1 steps; Home / End jump (delta = large negative / positive).
    virtual void step(AppState& state, const Snapshot& snapshot, int delta) {
        (void)state, (void)snapshot, (void)delta;
    }
    // Work of the view's own still running (models of its own, measurements): screenshots and
    // `wait-idle` wait for it, and the window keeps redrawing meanwhile.
    virtual bool busy() const { return false; }
};

using ViewList = std::vector<std::unique_ptr<View>>;

ViewList make_views(EngineServices& services);  // every view, in menu order
View* find_view(const ViewList& views, const std::string& id);
std::string view_ids(const ViewList& views);  // "feature-maps, ..." for messages

}  // namespace cl
