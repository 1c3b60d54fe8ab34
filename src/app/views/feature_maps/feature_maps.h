// Feature Maps view: any model's layers as grids of maps (all channels of the chosen layer),
// with colour map, shared or per-map normalisation, zoom (click a map), and a convolution's
// filters beside its maps.
#pragma once

#include <cstdint>
#include <string>

#include "app/views/view.h"
#include "app/widgets/dataset_stepper.h"
#include "engine/colormap.h"

namespace cl {

class FeatureMapsView : public View {
public:
    explicit FeatureMapsView(EngineServices& services) : test_images_(services) {}
    const char* id() const override { return "feature-maps"; }
    const char* title() const override { return "Feature Maps"; }
    const char* help() const override;
    void draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) override;
    void step(AppState& state, const Snapshot& snapshot, int delta) override;
    bool busy() const override { return test_images_.pending(); }  // a test set is loading

private:
    int selected_node(const AppState& state, const Graph& graph) const;
    void draw_sidebar(AppState& state, const Snapshot& snapshot, int selected);
    void draw_layer_table(AppState& state, const Snapshot& snapshot, int selected);
    void draw_maps(AppState& state, const Snapshot& snapshot, TextureCache& textures, int node);
    Colormap colormap_for_node(const AppState& state, const Snapshot& snapshot, int node);

    // UI-thread bookkeeping, not user choices: the last automatic colour-map decision and
    // whether the layer list should scroll to the selection.
    uint64_t auto_generation_ = 0;
    int auto_node_ = -1;
    Colormap auto_map_ = Colormap::Viridis;
    bool scroll_to_selection_ = true;
    int hovered_filter_ = -1, hovered_map_ = -1;
    DatasetStepper test_images_;  // MNIST or Fashion-MNIST test images as the input
};

}  // namespace cl
