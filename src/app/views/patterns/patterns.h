// Patterns view: what trained conv layers detect and where the network looked. Four panels:
// the dataset images that excite each channel of a layer most (Zeiler & Fergus's grid, cropped
// to each unit's receptive field), conv1 / a middle layer / the last conv side by side (low-level
// versus high-level), Grad-CAM, saliency, gradient x input and occlusion on the current input,
// and activation maximisation step by step. Every computation is a job of the window's queue.
#pragma once

#include <string>
#include <vector>

#include "app/views/patterns/patterns_jobs.h"
#include "app/views/view.h"
#include "app/widgets/dataset_stepper.h"

namespace cl {

class PatternsView : public View {
public:
    explicit PatternsView(EngineServices& services);
    ~PatternsView() override;
    const char* id() const override { return "patterns"; }
    const char* title() const override { return "Patterns"; }
    const char* help() const override;
    void draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) override;
    void step(AppState& state, const Snapshot& snapshot, int delta) override;
    bool busy() const override;

private:
    enum class Panel { TopPatches, LowToHigh, WhereItLooked, Dream };

    void sync_model(const Snapshot& snapshot);
    void draw_header(AppState& state, const Snapshot& snapshot);
    void draw_top_patches(const Snapshot& snapshot, TextureCache& textures);
    void draw_ladder(const Snapshot& snapshot, TextureCache& textures);
    void draw_attribution(const Snapshot& snapshot, TextureCache& textures);
    void draw_dream(const Snapshot& snapshot, TextureCache& textures);
    // The enlarged channel: its k images in full with the receptive field outlined.
    void draw_channel_images(const TopKTiles& tiles, int channel, TextureCache& textures,
                             float width);
    std::string dataset_spec() const { return fashion_ ? "fashion-mnist" : "mnist"; }

    EngineServices& services_;
    DatasetStepper test_images_;
    Panel panel_ = Panel::TopPatches;
    const Graph* graph_ = nullptr;  // the model the lists below were made for
    std::vector<int> layers_;       // nodes with a spatial output (conv, ReLU, pool)
    int layer_ = -1;                // node of the chosen layer
    std::vector<int> ladder_nodes_;
    bool dataset_fits_ = false;  // the model takes 1x28x28: top-k over MNIST / Fashion-MNIST
    bool fashion_ = true;
    int channel_ = -1;  // enlarged channel in Top patches, -1 none
    int target_ = k_predicted_class;
    AttributionMethod method_ = AttributionMethod::GradCam;
    int occlusion_patch_ = 0, occlusion_stride_ = 0;
    int dream_channel_ = 0;
    bool dream_class_ = false;

    static constexpr int k_channels_shown = 24;
    bool all_channels_ = false;
    std::shared_ptr<const TopKTiles> shown_tiles_;  // the first channels of top_k_'s result
    const TopKTiles* shown_tiles_for_ = nullptr;
    JobHandle<TopKTiles> top_k_;
    std::string top_k_for_;  // layer + dataset the job was asked for
    JobHandle<LayerLadder> ladder_;
    std::string ladder_for_;
    JobHandle<AttributionResult> attribution_;
    std::string attribution_for_;
    JobHandle<DreamFrame> dream_;
    std::string backward_problem_;  // why gradient methods cannot run on this model, "" if they can
};

}  // namespace cl
