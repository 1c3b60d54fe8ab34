// One pane of the Compare view: a model with its own forward-pass channel, fed the view's input
// (converted to the model's input shape), the layer the depth cursor points at as feature maps,
// and the model's per-layer profiles. Latency and accuracy are measured by the view's Measurer.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/engine_worker.h"
#include "app/views/compare/compare_measure.h"
#include "app/views/compare/compare_table.h"
#include "engine/colormap.h"
#include "engine/summary.h"
#include "engine/zoo/trained_weights.h"
#include "gfx/texture_cache.h"

namespace cl {

// What every pane is fed this frame.
struct PaneInput {
    std::string path;                      // an image or .npy file ("" with no tensor: default)
    std::shared_ptr<const Tensor> tensor;  // a drawing [1,1,H,W]; wins over path
    std::string label;                     // for a tensor: "your drawing"
};

// What a pane asks the view to do after drawing.
enum class PaneAction { None, Remove, OpenModel };

class ComparePane {
public:
    ComparePane(int id, EngineServices& services, Measurer& measurer);
    ~ComparePane();  // cancels its forward pass and its measurements
    ComparePane(const ComparePane&) = delete;
    ComparePane& operator=(const ComparePane&) = delete;

    // Submits what changed, takes the newest result, and (when `quiet`: no pane computing)
    // starts the latency and accuracy measurements of a newly loaded model.
    void update(const std::string& model, const std::string& weights, const PaneInput& input,
                bool quiet);
    bool idle() const;  // its worker has answered the newest request
    bool busy() const;  // idle() is false, or a measurement is queued or running
    bool ready() const { return snapshot_ && snapshot_->ok(); }
    const std::string& label() const {
        return label_;
    }                                  // "alexnet", "lenet5 (Fashion-MNIST weights)", "x.onnx"
    CompareRow row() const;            // requires ready()
    int total_depth() const;           // weight layers on the longest path, 0 before a result
    int stage_count() const;           // output sizes it passes through, the input included
    int node_at_depth(float t) const;  // t in [0,1]: the node showing that relative depth
    int node_at_stage(int stage) const;
    std::string stage_size(int stage) const;  // "55x55", "vector" for [C,1,1]
    const Snapshot* snapshot() const { return snapshot_.get(); }
    const std::optional<Measurement>& latency() const { return latency_; }
    bool latency_pending() const { return latency_id_ != 0 && !latency_; }
    int latency_runs() const { return latency_runs_; }
    const TrainedWeights* trained() const { return trained_; }
    const std::optional<Measurement>& accuracy() const { return accuracy_; }
    bool accuracy_pending() const { return accuracy_id_ != 0 && !accuracy_; }

    // Draws the pane into the current child window. node: the node to show (-1: none yet).
    PaneAction draw(int colour, int node, int maps_shown, TextureCache& textures, bool can_remove,
                    std::string& model_choice, std::string& weights_choice);

private:
    std::string make_label() const;
    void submit_if_changed(const PaneInput& input);
    void take_result();
    void new_graph();
    void start_measurements();
    std::shared_ptr<const Tensor> converted(const std::shared_ptr<const Tensor>& drawing,
                                            Shape shape);
    void draw_prediction(int node);  // the top class, at the output of a classifier
    void draw_maps(int node, int maps_shown, TextureCache& textures, float height);
    void draw_profiles(int node, int colour);

    int id_;
    Measurer& measurer_;
    std::unique_ptr<EngineWorker> worker_;
    Request submitted_;
    bool submitted_any_ = false;
    std::string model_, weights_;
    std::shared_ptr<const Snapshot> snapshot_;
    std::map<std::string, Shape> input_shapes_;  // learned from results, per model

    // The drawing converted to this pane's input shape (kept so requests compare equal).
    std::shared_ptr<const Tensor> converted_from_, converted_;

    // Per graph: summary, depth per node, stages; measurements of that graph.
    const Graph* graph_ = nullptr;
    ModelSummary summary_;
    std::vector<int> depths_;
    std::vector<int> depth_nodes_;    // [k]: node shown at k weight layers
    std::vector<int> stage_nodes_;    // [s]: node shown at stage s
    std::vector<int> weight_layers_;  // node indices of conv / fc layers, in order
    const Graph* measured_ = nullptr;
    uint64_t latency_id_ = 0, accuracy_id_ = 0;
    int latency_runs_ = 0;
    const TrainedWeights* trained_ = nullptr;
    std::optional<Measurement> latency_, accuracy_;

    // The shown maps (the first channels of the node) and their colour map, made once per
    // node and result: copying and scanning VGG's maps every frame would cost.
    std::string maps_key_;
    Tensor maps_;
    Colormap colour_map_ = Colormap::Viridis;
    std::string label_;  // label() for model_ / weights_ (reads the weights file's header)
};

}  // namespace cl
