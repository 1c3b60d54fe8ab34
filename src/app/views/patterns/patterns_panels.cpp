// The Patterns view's four panels (see patterns.h): each asks its job for what the header
// chose, shows progress with a Stop button while it runs, and draws the result.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "app/ui.h"
#include "app/views/patterns/patterns.h"
#include "app/widgets/colormap_legend.h"
#include "app/widgets/feature_grid.h"
#include "engine/render.h"

namespace cl {

namespace {

// Progress of a running job with a Stop button; true while it runs.
template <typename T>
bool job_progress(JobHandle<T>& job, const char* what) {
    if (!job.running()) return false;
    const JobProgress p = job.progress();
    ImGui::TextUnformatted(what);
    ImGui::ProgressBar(p.fraction >= 0 ? float(p.fraction) : 0.0f,
                       ImVec2(ImGui::GetContentRegionAvail().x - ui_scaled(90), 0), p.text.c_str());
    ImGui::SameLine();
    if (ImGui::Button("Stop")) job.cancel();
    return true;
}

template <typename T>
void job_error(const JobHandle<T>& job) {
    if (job.failed())
        ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1.0f), "%s", job.error().c_str());
}

// One [1,1,H,W] picture through the texture cache, `width` wide; returns its top-left corner.
ImVec2 picture(TextureCache& textures, const std::string& key, const Tensor& map, Colormap colours,
               float width, float alpha = 1.0f) {
    const Atlas& atlas = textures.atlas(key, map, ColourSettings{colours, false});
    const float height = width * float(map.shape().h) / float(std::max(1, map.shape().w));
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Image(ImTextureID(intptr_t(atlas.texture)), ImVec2(width, height), ImVec2(0, 0),
                 ImVec2(1, 1), ImVec4(1, 1, 1, alpha));
    return at;
}

// The same picture drawn over the last one (an overlay at `at`), translucent.
void overlay(TextureCache& textures, const std::string& key, const Tensor& map, Colormap colours,
             ImVec2 at, float width, float alpha) {
    const Atlas& atlas = textures.atlas(key, map, ColourSettings{colours, false});
    const float height = width * float(map.shape().h) / float(std::max(1, map.shape().w));
    ImGui::GetWindowDrawList()->AddImage(ImTextureID(intptr_t(atlas.texture)), at,
                                         ImVec2(at.x + width, at.y + height), ImVec2(0, 0),
                                         ImVec2(1, 1), ImGui::GetColorU32(ImVec4(1, 1, 1, alpha)));
}

Tensor input_plane(const Tensor& input) {
    const Shape s = input.shape();
    if (s.c == 1) return input;
    Tensor grey = Tensor::zeros({1, 1, s.h, s.w});  // the mean of the channels, for a backdrop
    for (int c = 0; c < s.c; ++c)
        for (int y = 0; y < s.h; ++y)
            for (int x = 0; x < s.w; ++x) grey.at(0, 0, y, x) += input.at(0, c, y, x) / s.c;
    return grey;
}

}  // namespace

void PatternsView::draw_top_patches(const Snapshot& snapshot, TextureCache& textures) {
    if (!dataset_fits_) {
        ImGui::TextWrapped(
            "Top patches search MNIST or Fashion-MNIST, whose images are 1x28x28; this model "
            "takes %s. 'Where it looked' and 'Dream' work on any model.",
            snapshot.graph->input_shape().chw().c_str());
        return;
    }
    if (layer_ < 0) return;
    const std::string wanted = std::to_string(layer_) + "/" + dataset_spec();
    if (top_k_for_ != wanted) {
        top_k_for_ = wanted;
        channel_ = -1;
        top_k_ =
            submit_top_k(services_, snapshot.graph, layer_, dataset_spec(), 9, "patterns top-k");
    }
    if (job_progress(top_k_,
                     "Searching the 10,000 test images for each channel's strongest "
                     "responses\xE2\x80\xA6"))
        return;
    job_error(top_k_);
    std::shared_ptr<const TopKTiles> tiles = top_k_.result();
    if (tiles && tiles->channels > k_channels_shown && !all_channels_) {
        // Dozens of channels make crops too small for a projector: the first ones by default.
        if (shown_tiles_for_ != tiles.get()) {
            shown_tiles_ = tiles_subset(*tiles, k_channels_shown);
            shown_tiles_for_ = tiles.get();
        }
        tiles = shown_tiles_;
    }
    if (!tiles) {
        if (top_k_.finished() && !top_k_.failed() && ImGui::Button("Search again"))
            top_k_for_.clear();
        return;
    }
    char info[256];
    std::snprintf(info, sizeof info,
                  "%s: the 9 test images that excite each of its %d channels most, cropped to "
                  "the unit's receptive field (%dx%d pixels)%s",
                  tiles->layer.c_str(), tiles->channels, tiles->tile, tiles->tile,
                  tiles->from_cache ? "; from the cache" : "");
    ImGui::TextWrapped("%s", info);
    text_dim("Click a channel to see its images in full, the receptive field outlined.");
    const int total = snapshot.graph->node(layer_).shape.c;
    if (total > k_channels_shown) {
        ImGui::SameLine();
        const std::string label = "all " + std::to_string(total) + " channels";
        ImGui::Checkbox(label.c_str(), &all_channels_);
    }
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float grid_w = channel_ >= 0 ? std::floor(avail_w * 0.58f) : avail_w;
    const float grid_h = ImGui::GetContentRegionAvail().y;
    ImGui::BeginChild("topk_grid", ImVec2(grid_w, grid_h), false);
    const std::string key =
        "patterns/topk/" + top_k_for_ + "/" + std::to_string(snapshot.result_generation);
    const Atlas& atlas = textures.atlas(key, tiles->mosaic, ColourSettings{Colormap::Gray, false});
    FeatureGridOptions options;
    options.pixel_grid = false;
    const float aspect = float(tiles->mosaic.shape().h) / float(tiles->mosaic.shape().w);
    const float w = ImGui::GetContentRegionAvail().x;
    const FeatureGridHover hover = feature_grid(
        "topk", atlas, tiles->mosaic, ImVec2(w, std::min(w * aspect, grid_h - 4)), options);
    if (hover.channel >= 0) {
        const int c = tiles->channel_at(hover.x, hover.y);
        if (c >= 0) {
            ImGui::SetTooltip("channel %d of %s\nclick: its images in full", c,
                              tiles->layer.c_str());
            if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) channel_ = c;
        }
    }
    ImGui::EndChild();
    if (channel_ >= 0 && channel_ < tiles->channels) {
        ImGui::SameLine();
        ImGui::BeginChild("topk_channel", ImVec2(0, grid_h), true);
        draw_channel_images(*tiles, channel_, textures, ImGui::GetContentRegionAvail().x);
        ImGui::EndChild();
    }
}

void PatternsView::draw_channel_images(const TopKTiles& tiles, int channel, TextureCache& textures,
                                       float width) {
    ImGui::Text("Channel %d of %s", channel, tiles.layer.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Close")) {
        channel_ = -1;
        return;
    }
    const std::vector<TopKHit>& hits = tiles.hits[size_t(channel)];
    const Shape s = tiles.data->images.shape();
    const int per_row = 3;
    const float gap = ui_scaled(6);
    const float side = std::floor((width - gap * (per_row - 1)) / per_row);
    const std::vector<std::string> names = class_names_for(tiles.data->name);
    for (size_t r = 0; r < hits.size(); ++r) {
        const TopKHit& h = hits[r];
        if (r % per_row != 0) ImGui::SameLine(0, gap);
        ImGui::BeginGroup();
        Tensor image = Tensor::zeros({1, 1, s.h, s.w});
        std::copy(tiles.data->images.data() + int64_t(h.image) * s.per_sample(),
                  tiles.data->images.data() + int64_t(h.image + 1) * s.per_sample(), image.data());
        const ImVec2 at =
            picture(textures, "patterns/image/" + tiles.data->name + "/" + std::to_string(h.image),
                    image, Colormap::Gray, side);
        if (!h.field.all) {
            const float px = side / float(s.w);
            ImGui::GetWindowDrawList()->AddRect(
                ImVec2(at.x + h.field.x0 * px, at.y + h.field.y0 * px),
                ImVec2(at.x + (h.field.x1 + 1) * px, at.y + (h.field.y1 + 1) * px),
                IM_COL32(255, 200, 0, 255), 0, 0, std::max(1.5f, ui_scaled(2)));
        }
        const int label = tiles.data->labels[size_t(h.image)];
        char caption[96];
        std::snprintf(caption, sizeof caption, "#%d %s  %.2f", h.image,
                      label < int(names.size()) ? names[size_t(label)].c_str() : "", h.value);
        text_dim(caption);
        ImGui::EndGroup();
    }
}

void PatternsView::draw_ladder(const Snapshot& snapshot, TextureCache& textures) {
    if (!dataset_fits_) {
        ImGui::TextWrapped(
            "Low to high searches MNIST or Fashion-MNIST (1x28x28 images); this "
            "model takes %s.",
            snapshot.graph->input_shape().chw().c_str());
        return;
    }
    if (ladder_nodes_.empty()) {
        text_dim("This model has no convolution with a spatial output.");
        return;
    }
    const std::string wanted = dataset_spec();
    if (ladder_for_ != wanted) {
        ladder_for_ = wanted;
        ladder_ = submit_ladder(services_, snapshot.graph, ladder_nodes_, dataset_spec(), 9,
                                "patterns ladder");
    }
    if (job_progress(ladder_, "Searching the test images for three layers\xE2\x80\xA6")) return;
    job_error(ladder_);
    const std::shared_ptr<const LayerLadder> ladder = ladder_.result();
    if (!ladder) return;
    ImGui::TextWrapped(
        "Low-level to high-level, from real data: the first channels of an early, a middle and "
        "the last convolution, each with the 9 test images that excite it most, cropped to "
        "what the unit can see. Early units see a few pixels and answer to strokes and edges; "
        "late units see most of the image and answer to parts and whole shapes.");
    const int n = int(ladder->layers.size());
    const float gap = ui_scaled(12);
    const float col_w = std::floor((ImGui::GetContentRegionAvail().x - gap * (n - 1)) / n);
    const float col_h = ImGui::GetContentRegionAvail().y;
    for (int i = 0; i < n; ++i) {
        const TopKTiles& t = *ladder->layers[size_t(i)];
        if (i > 0) ImGui::SameLine(0, gap);
        ImGui::BeginChild(("ladder" + std::to_string(i)).c_str(), ImVec2(col_w, col_h), true);
        ImGui::Text("%s", t.layer.c_str());
        char sub[96];
        std::snprintf(sub, sizeof sub, "receptive field %dx%d px", t.tile, t.tile);
        text_dim(sub);
        const float aspect = float(t.mosaic.shape().h) / float(t.mosaic.shape().w);
        const float w = ImGui::GetContentRegionAvail().x;
        const float h = std::min(w * aspect, ImGui::GetContentRegionAvail().y);
        picture(textures, "patterns/ladder/" + wanted + "/" + t.layer, t.mosaic, Colormap::Gray,
                h / aspect);
        ImGui::EndChild();
    }
}

void PatternsView::draw_attribution(const Snapshot& snapshot, TextureCache& textures) {
    const Graph& g = *snapshot.graph;
    const AttributionMethod methods[] = {AttributionMethod::GradCam, AttributionMethod::Saliency,
                                         AttributionMethod::GradientTimesInput,
                                         AttributionMethod::Occlusion};
    for (AttributionMethod m : methods) {
        const bool needs_gradients = m != AttributionMethod::Occlusion;
        ImGui::BeginDisabled(needs_gradients && !backward_problem_.empty());
        if (ImGui::RadioButton(attribution_method_name(m), method_ == m)) method_ = m;
        ImGui::EndDisabled();
        ImGui::SameLine();
    }
    if (method_ == AttributionMethod::Occlusion) {
        ImGui::SetNextItemWidth(ui_scaled(110));
        const int side = std::min(g.input_shape().h, g.input_shape().w);
        int patch = occlusion_patch_ > 0 ? occlusion_patch_
                                         : OcclusionOptions::default_patch(g.input_shape());
        if (ImGui::SliderInt("patch", &patch, 1, std::max(2, side / 2))) occlusion_patch_ = patch;
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ui_scaled(110));
        int stride = occlusion_stride_ > 0 ? occlusion_stride_ : std::max(1, patch / 2);
        if (ImGui::SliderInt("stride", &stride, 1, std::max(1, patch))) occlusion_stride_ = stride;
    }
    ImGui::NewLine();
    if (!backward_problem_.empty())
        ImGui::TextColored(ImVec4(0.95f, 0.62f, 0.2f, 1.0f), "%s", backward_problem_.c_str());
    if (method_ == AttributionMethod::GradCam)
        text_dim(("Grad-CAM at " + (layer_ >= 0 ? g.node(layer_).name : std::string("-")) +
                  " (the header's layer). The last conv layer is the usual choice: it is the "
                  "deepest map that still has a place in the image.")
                     .c_str());

    // Re-explain when the input, model, layer, class or method changed.
    const char* m = attribution_method_name(method_);
    const std::string wanted = std::to_string(snapshot.result_generation) + "/" + m + "/" +
                               std::to_string(layer_) + "/" + std::to_string(target_) + "/" +
                               std::to_string(occlusion_patch_) + "/" +
                               std::to_string(occlusion_stride_);
    if (attribution_for_ != wanted) {
        attribution_for_ = wanted;
        AttributionRequest r;
        r.method = method_;
        r.layer = layer_;
        r.target = target_;
        r.patch = occlusion_patch_;
        r.stride = occlusion_stride_;
        attribution_ =
            submit_attribution(services_, snapshot.graph, snapshot.activations.outputs[0], r);
    }
    const std::shared_ptr<const AttributionResult> result = attribution_.result();
    if (!result) {
        if (!job_progress(attribution_, "Explaining\xE2\x80\xA6")) job_error(attribution_);
        return;
    }
    job_progress(attribution_, "Explaining\xE2\x80\xA6");
    job_error(attribution_);
    const std::vector<std::string>& names = snapshot.class_names;
    const int k = result->target.index;
    const std::string cls = k < int(names.size()) ? names[size_t(k)] : "class " + std::to_string(k);
    ImGui::Text("%s for '%s' (score %.3g, p = %.3f)%s", m, cls.c_str(), result->target.score,
                result->target.probability,
                k == result->target.predicted ? ", the prediction" : "");
    const ValueRange range = value_range(result->display);
    const bool signed_map = range.lo < 0;
    const Colormap colours = signed_map ? Colormap::Diverging : Colormap::Viridis;
    const float side = std::min(ImGui::GetContentRegionAvail().x * 0.48f,
                                ImGui::GetContentRegionAvail().y - ui_scaled(70));
    const std::string key = "patterns/attr/" + wanted;
    const Tensor backdrop = input_plane(result->input);
    ImGui::BeginGroup();
    text_dim("the map over the input");
    const ImVec2 at = picture(textures, key + "/input", backdrop, Colormap::Gray, side);
    overlay(textures, key + "/map", result->display, colours, at, side, 0.6f);
    ImGui::EndGroup();
    ImGui::SameLine(0, ui_scaled(16));
    ImGui::BeginGroup();
    text_dim("the map alone");
    picture(textures, key + "/map", result->display, colours, side);
    ImGui::EndGroup();
    const char* what = method_ == AttributionMethod::GradCam    ? "ReLU(sum of alpha_k A_k)"
                       : method_ == AttributionMethod::Saliency ? "max over channels of |dy/dx|"
                       : method_ == AttributionMethod::GradientTimesInput
                           ? "gradient x input (signed)"
                           : "drop in p when the patch hides this place";
    colormap_legend(textures, colours, display_range_for(range, colours), side, what);
    if (method_ == AttributionMethod::GradCam)
        text_dim(("computed at " + result->layer + "'s " + std::to_string(result->raw.shape().h) +
                  "x" + std::to_string(result->raw.shape().w) +
                  " positions, upsampled only for display")
                     .c_str());
}

void PatternsView::draw_dream(const Snapshot& snapshot, TextureCache& textures) {
    const Graph& g = *snapshot.graph;
    if (!backward_problem_.empty()) {
        ImGui::TextColored(ImVec4(0.95f, 0.62f, 0.2f, 1.0f), "%s", backward_problem_.c_str());
        return;
    }
    ImGui::Checkbox("a class instead of a channel", &dream_class_);
    ImGui::SameLine();
    const int channels = layer_ >= 0 ? g.node(layer_).shape.c : 0;
    const int classes = int(snapshot.class_names.size());
    ImGui::SetNextItemWidth(ui_scaled(160));
    if (dream_class_)
        ImGui::SliderInt("class", &dream_channel_, 0, std::max(0, classes - 1));
    else
        ImGui::SliderInt("channel", &dream_channel_, 0, std::max(0, channels - 1));
    dream_channel_ =
        std::clamp(dream_channel_, 0, std::max(0, (dream_class_ ? classes : channels) - 1));
    ImGui::SameLine();
    const bool running = dream_.running();
    if (!running && ImGui::Button("Start")) {
        ActivationMaxOptions o;
        if (dream_class_) {
            o = ActivationMaxOptions::for_class(g, dream_channel_);
        } else {
            o.node = layer_;
            o.channel = dream_channel_;
        }
        if (g.input_shape().c == 3) o.background = 0.5f;
        try {
            dream_ = submit_dream(services_, snapshot.graph, o, 200);
        } catch (const std::exception& e) {
            backward_problem_ = e.what();
        }
    }
    if (running && ImGui::Button("Stop")) dream_.cancel();
    job_error(dream_);
    const std::shared_ptr<const DreamFrame> frame = dream_.result();
    if (!frame) {
        ImGui::TextWrapped(
            "Start: gradient ascent on the input image, step by step, towards what %s likes "
            "most (L2 decay pulls it back to black, a jitter of 2 pixels and a small blur keep "
            "it from turning into noise).",
            dream_class_ ? "the class"
                         : ("channel " + std::to_string(dream_channel_) + " of " +
                            (layer_ >= 0 ? g.node(layer_).name : std::string("-")))
                               .c_str());
        return;
    }
    ImGui::Text("step %d, objective %.4g", frame->step.step, frame->step.objective);
    const float side = std::min(ImGui::GetContentRegionAvail().x * 0.45f,
                                ImGui::GetContentRegionAvail().y - ui_scaled(20));
    picture(textures, "patterns/dream/" + std::to_string(frame->step.step),
            input_plane(frame->step.image), Colormap::Gray, side);
    ImGui::SameLine(0, ui_scaled(16));
    // The objective's curve: it should rise over the first steps.
    const std::vector<double>& ys = frame->objectives;
    std::vector<float> curve(ys.begin(), ys.end());
    ImGui::PlotLines("##objective", curve.data(), int(curve.size()), 0, "objective per step",
                     FLT_MAX, FLT_MAX, ImVec2(ImGui::GetContentRegionAvail().x, side * 0.6f));
}

}  // namespace cl
