// The Patterns view's jobs (see patterns_jobs.h).
#include "app/views/patterns/patterns_jobs.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace cl {

namespace {

ExplainControl explain_control(JobControl& control, const std::string& what) {
    ExplainControl c;
    c.keep_going = [&control] { return control.keep_going(); };
    c.progress = [&control, what](int done, int total) {
        control.progress(total > 0 ? double(done) / total : -1.0,
                         what + ": " + std::to_string(done) + " of " + std::to_string(total));
    };
    return c;
}

InputWindow whole_image(const Shape& s) {
    InputWindow w;
    w.y1 = s.h - 1, w.x1 = s.w - 1, w.all = true;
    return w;
}

// Lays the crops out (see TopKTiles): each crop is the hit's receptive field in its image,
// top-left aligned in a square tile as large as the largest field.
void lay_out(TopKTiles& t, int max_channels) {
    const Shape s = t.data->images.shape();
    const int channels = max_channels > 0 ? std::min(t.channels, max_channels) : t.channels;
    t.per_row = std::max(1, int(std::ceil(std::sqrt(double(t.k)))));
    const int rows_per_block = (t.k + t.per_row - 1) / t.per_row;
    t.block = t.per_row * (t.tile + TopKTiles::k_gap) - TopKTiles::k_gap;
    const int block_h = rows_per_block * (t.tile + TopKTiles::k_gap) - TopKTiles::k_gap;
    t.cols = std::max(1, int(std::ceil(std::sqrt(double(std::max(channels, 1))))));
    const int block_rows = (channels + t.cols - 1) / t.cols;
    const int pitch = t.block + TopKTiles::k_block_gap;
    const int pitch_h = block_h + TopKTiles::k_block_gap;
    t.mosaic = Tensor::zeros({1, 1, std::max(1, block_rows * pitch_h - TopKTiles::k_block_gap),
                              std::max(1, t.cols * pitch - TopKTiles::k_block_gap)});
    t.mosaic.fill(0.35f);
    for (int c = 0; c < channels; ++c) {
        const int bx = (c % t.cols) * pitch, by = (c / t.cols) * pitch_h;
        for (size_t rank = 0; rank < t.hits[size_t(c)].size(); ++rank) {
            const TopKHit& h = t.hits[size_t(c)][rank];
            const InputWindow w = h.field.all ? whole_image(s) : h.field;
            const int tx = bx + int(rank) % t.per_row * (t.tile + TopKTiles::k_gap);
            const int ty = by + int(rank) / t.per_row * (t.tile + TopKTiles::k_gap);
            for (int y = 0; y < t.tile; ++y)
                for (int x = 0; x < t.tile; ++x) {
                    const int iy = w.y0 + y, ix = w.x0 + x;
                    const bool inside = iy <= w.y1 && ix <= w.x1;
                    t.mosaic.at(0, 0, ty + y, tx + x) =
                        inside ? t.data->images.at(h.image, 0, iy, ix) : 0.0f;
                }
        }
    }
}

std::shared_ptr<const TopKTiles> make_tiles(const Graph& graph, const TopKResult& r,
                                            std::shared_ptr<const Dataset> data) {
    auto out = std::make_shared<TopKTiles>();
    out->layer = graph.node(r.node).name;
    out->k = r.k;
    out->channels = int(r.channels.size());
    out->hits = r.channels;
    out->data = data;
    out->from_cache = r.from_cache;
    out->seconds = r.seconds;
    const Shape s = data->images.shape();
    int tile = 1;
    for (const auto& channel : r.channels)
        for (const TopKHit& h : channel) {
            const InputWindow w = h.field.all ? whole_image(s) : h.field;
            tile = std::max({tile, w.y1 - w.y0 + 1, w.x1 - w.x0 + 1});
        }
    out->tile = tile;
    lay_out(*out, 0);
    return out;
}

std::shared_ptr<const TopKTiles> top_k_tiles(EngineServices& services, const Graph& graph, int node,
                                             const std::string& dataset, int k,
                                             JobControl& control) {
    control.progress(-1, "loading " + dataset);
    std::shared_ptr<const Dataset> data = services.datasets.get(dataset, "test");
    TopKOptions options;
    options.k = k;
    const TopKResult r = top_k_layer(graph, node, *data, options,
                                     explain_control(control, graph.node(node).name + " top-k"));
    if (r.cancelled) return nullptr;
    return make_tiles(graph, r, data);
}

// Bilinear resize of a [1,1,h,w] map to H x W (align-corners false, as for images).
Tensor resize_bilinear(const Tensor& map, int height, int width) {
    const Shape s = map.shape();
    Tensor out = Tensor::zeros({1, 1, height, width});
    for (int y = 0; y < height; ++y) {
        const float fy = std::clamp((y + 0.5f) * s.h / height - 0.5f, 0.0f, float(s.h - 1));
        const int y0 = int(fy), y1 = std::min(y0 + 1, s.h - 1);
        const float ty = fy - float(y0);
        for (int x = 0; x < width; ++x) {
            const float fx = std::clamp((x + 0.5f) * s.w / width - 0.5f, 0.0f, float(s.w - 1));
            const int x0 = int(fx), x1 = std::min(x0 + 1, s.w - 1);
            const float tx = fx - float(x0);
            const float top = map.at(0, 0, y0, x0) * (1 - tx) + map.at(0, 0, y0, x1) * tx;
            const float bottom = map.at(0, 0, y1, x0) * (1 - tx) + map.at(0, 0, y1, x1) * tx;
            out.at(0, 0, y, x) = top * (1 - ty) + bottom * ty;
        }
    }
    return out;
}

// Saliency's display: the largest absolute gradient over the channels (Simonyan et al.).
Tensor channel_abs_max(const Tensor& map) {
    const Shape s = map.shape();
    Tensor out = Tensor::zeros({1, 1, s.h, s.w});
    for (int c = 0; c < s.c; ++c)
        for (int y = 0; y < s.h; ++y)
            for (int x = 0; x < s.w; ++x)
                out.at(0, 0, y, x) = std::max(out.at(0, 0, y, x), std::fabs(map.at(0, c, y, x)));
    return out;
}

}  // namespace

int TopKTiles::channel_at(int x, int y) const {
    const int rows_per_block = (k + per_row - 1) / per_row;
    const int block_h = rows_per_block * (tile + k_gap) - k_gap;
    const int pitch = block + k_block_gap, pitch_h = block_h + k_block_gap;
    if (x < 0 || y < 0 || x % pitch >= block || y % pitch_h >= block_h) return -1;
    const int c = (y / pitch_h) * cols + x / pitch;
    return c < channels && x / pitch < cols ? c : -1;
}

std::shared_ptr<const TopKTiles> tiles_subset(const TopKTiles& tiles, int max_channels) {
    auto out = std::make_shared<TopKTiles>(tiles);
    if (max_channels > 0 && out->channels > max_channels) {
        out->channels = max_channels;
        out->hits.resize(size_t(max_channels));
    }
    lay_out(*out, 0);
    return out;
}

const char* attribution_method_name(AttributionMethod m) {
    switch (m) {
        case AttributionMethod::GradCam:
            return "Grad-CAM";
        case AttributionMethod::Saliency:
            return "Saliency";
        case AttributionMethod::GradientTimesInput:
            return "Gradient \xC3\x97 input";
        case AttributionMethod::Occlusion:
            return "Occlusion";
    }
    return "";
}

JobHandle<TopKTiles> submit_top_k(EngineServices& services, std::shared_ptr<const Graph> graph,
                                  int node, const std::string& dataset, int k,
                                  const std::string& key) {
    JobSpec spec;
    spec.name = "Patterns: top-" + std::to_string(k) + " images of " + graph->node(node).name;
    spec.priority = JobPriority::Background;
    spec.key = key;
    return services.jobs.submit<TopKTiles>(
        spec, [&services, graph, node, dataset, k](JobControl& control) {
            return top_k_tiles(services, *graph, node, dataset, k, control);
        });
}

JobHandle<LayerLadder> submit_ladder(EngineServices& services, std::shared_ptr<const Graph> graph,
                                     std::vector<int> nodes, const std::string& dataset, int k,
                                     const std::string& key) {
    JobSpec spec;
    spec.name = "Patterns: low-level to high-level";
    spec.priority = JobPriority::Background;
    spec.key = key;
    return services.jobs.submit<LayerLadder>(
        spec, [&services, graph, nodes, dataset, k](JobControl& control) {
            auto ladder = std::make_shared<LayerLadder>();
            for (int node : nodes) {
                auto tiles = top_k_tiles(services, *graph, node, dataset, k, control);
                if (!tiles) return std::shared_ptr<const LayerLadder>();
                ladder->layers.push_back(tiles_subset(*tiles, 6));
            }
            return std::shared_ptr<const LayerLadder>(ladder);
        });
}

JobHandle<AttributionResult> submit_attribution(EngineServices& services,
                                                std::shared_ptr<const Graph> graph, Tensor input,
                                                const AttributionRequest& request) {
    JobSpec spec;
    spec.name = std::string("Patterns: ") + attribution_method_name(request.method);
    spec.priority = JobPriority::Interactive;
    spec.key = "patterns attribution";
    return services.jobs.submit<AttributionResult>(spec, [graph, input,
                                                          request](JobControl& control) {
        auto out = std::make_shared<AttributionResult>();
        out->method = request.method;
        out->input = input;
        const Shape in = input.shape();
        const ExplainControl ec = explain_control(control, attribution_method_name(request.method));
        switch (request.method) {
            case AttributionMethod::GradCam: {
                const GradCam g = grad_cam(*graph, input, request.layer, request.target, ec);
                if (g.cancelled) return std::shared_ptr<const AttributionResult>();
                out->raw = g.map;
                out->display = resize_bilinear(g.map, in.h, in.w);
                out->target = g.target;
                out->layer = graph->node(g.layer).name;
                break;
            }
            case AttributionMethod::Saliency:
            case AttributionMethod::GradientTimesInput: {
                const Attribution a = request.method == AttributionMethod::Saliency
                                          ? saliency(*graph, input, request.target, ec)
                                          : gradient_times_input(*graph, input, request.target, ec);
                if (a.cancelled) return std::shared_ptr<const AttributionResult>();
                out->raw = a.map;
                // Saliency: magnitude. Gradient x input keeps its sign (blue-white-red).
                out->display = request.method == AttributionMethod::Saliency
                                   ? channel_abs_max(a.map)
                               : a.map.shape().c == 1 ? a.map
                                                      : channel_abs_max(a.map);
                out->target = a.target;
                break;
            }
            case AttributionMethod::Occlusion: {
                OcclusionOptions o;
                o.patch = request.patch;
                o.stride = request.stride;
                const Occlusion occ = occlusion(*graph, input, request.target, o, ec);
                if (occ.cancelled) return std::shared_ptr<const AttributionResult>();
                out->raw = occ.map;
                out->display = resize_bilinear(occ.map, in.h, in.w);
                out->target = occ.target;
                out->patch = occ.patch;
                out->stride = occ.stride;
                break;
            }
        }
        return std::shared_ptr<const AttributionResult>(out);
    });
}

JobHandle<DreamFrame> submit_dream(EngineServices& services, std::shared_ptr<const Graph> graph,
                                   const ActivationMaxOptions& options, int steps) {
    JobSpec spec;
    spec.name = "Patterns: activation maximisation";
    spec.priority = JobPriority::Interactive;
    spec.key = "patterns dream";
    return services.jobs.submit<DreamFrame>(spec, [graph, options, steps](JobControl& control) {
        ActivationMaximizer maximizer(*graph, options);
        std::vector<double> objectives;
        std::shared_ptr<const DreamFrame> last;
        for (int i = 0; i < steps && control.keep_going(); ++i) {
            auto frame = std::make_shared<DreamFrame>();
            frame->step = maximizer.step();
            objectives.push_back(frame->step.objective);
            frame->objectives = objectives;
            last = frame;
            control.publish(last);
            control.progress(double(i + 1) / steps, "step " + std::to_string(i + 1));
        }
        return last;
    });
}

}  // namespace cl
