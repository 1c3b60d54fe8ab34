// Session files: the user's choices as JSON (nlohmann-json), written atomically.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "app/app_state.h"
#include "engine/error.h"
#include "engine/io/atomic_file.h"

namespace cl {

NLOHMANN_JSON_SERIALIZE_ENUM(ColormapChoice, {{ColormapChoice::Auto, "auto"},
                                              {ColormapChoice::Gray, "gray"},
                                              {ColormapChoice::Viridis, "viridis"},
                                              {ColormapChoice::Diverging, "diverging"}})

void session_save(const std::string& path, const AppState& s) {
    const FeatureMapsState& fm = s.feature_maps;
    nlohmann::json j = {
        {"convlens_session", 1},
        {"model", s.request.model},
        {"weights", s.request.weights},
        {"input", s.request.input_path},
        {"view", s.view},
        {"zoom", s.zoom},
        {"light_theme", s.light_theme},
        {"presenter", s.presenter},
        {"feature_maps",
         {{"layer", fm.layer},
          {"colormap", fm.colormap},
          {"per_map", fm.per_map},
          {"pixel_grid", fm.pixel_grid},
          {"show_filters", fm.show_filters},
          {"filter_input", fm.filter_input}}},
        {"draw",
         {{"brush", s.draw.brush}, {"eraser", s.draw.eraser}, {"mnist_index", s.draw.mnist_index}}},
        {"kernel_lab",
         {{"k", s.kernel_lab.k},
          {"kernel", s.kernel_lab.kernel},
          {"bias", s.kernel_lab.bias},
          {"stride", s.kernel_lab.stride},
          {"pad", s.kernel_lab.pad},
          {"same_pad", s.kernel_lab.same_pad},
          {"relu", s.kernel_lab.relu},
          {"same_scale", s.kernel_lab.same_scale},
          {"mnist", s.kernel_lab.source == KernelLabSource::Mnist},
          {"sample_digit", s.kernel_lab.sample_digit},
          {"mnist_index", s.kernel_lab.mnist_index}}},
    };
    write_file_atomic(path, j.dump(2) + "\n");
}

void session_load(const std::string& path, AppState& state) {
    AppState s = state;
    try {
        const nlohmann::json j = nlohmann::json::parse(read_file_bytes(path));
        if (!j.is_object() || !j.contains("convlens_session"))
            throw Error("not a ConvLens session (no \"convlens_session\" key)");
        s.request.model = j.value("model", s.request.model);
        s.request.weights = j.value("weights", s.request.weights);
        s.request.input_path = j.value("input", s.request.input_path);
        s.view = j.value("view", s.view);
        s.zoom = j.value("zoom", s.zoom);
        s.light_theme = j.value("light_theme", s.light_theme);
        s.presenter = j.value("presenter", s.presenter);
        if (j.contains("feature_maps")) {
            const nlohmann::json& f = j.at("feature_maps");
            FeatureMapsState& fm = s.feature_maps;
            fm.layer = f.value("layer", fm.layer);
            fm.colormap = f.value("colormap", fm.colormap);
            fm.per_map = f.value("per_map", fm.per_map);
            fm.pixel_grid = f.value("pixel_grid", fm.pixel_grid);
            fm.show_filters = f.value("show_filters", fm.show_filters);
            fm.filter_input = f.value("filter_input", fm.filter_input);
            fm.enlarged = -1;
        }
        if (j.contains("draw")) {
            const nlohmann::json& d = j.at("draw");
            s.draw.brush = std::clamp(d.value("brush", s.draw.brush), 0.01f, 0.2f);
            s.draw.eraser = d.value("eraser", s.draw.eraser);
            s.draw.mnist_index = std::max(0, d.value("mnist_index", s.draw.mnist_index));
        }
        if (j.contains("kernel_lab")) {
            const nlohmann::json& l = j.at("kernel_lab");
            KernelLabState& kl = s.kernel_lab;
            const int k = l.value("k", kl.k);
            const std::vector<float> kernel = l.value("kernel", kl.kernel);
            if (k >= 1 && k <= 7 && int(kernel.size()) == k * k) kl.k = k, kl.kernel = kernel;
            kl.bias = l.value("bias", kl.bias);
            kl.stride = std::clamp(l.value("stride", kl.stride), 1, 4);
            kl.pad = std::clamp(l.value("pad", kl.pad), 0, 3);
            kl.same_pad = l.value("same_pad", kl.same_pad);
            kl.relu = l.value("relu", kl.relu);
            kl.same_scale = l.value("same_scale", kl.same_scale);
            kl.source = l.value("mnist", false) ? KernelLabSource::Mnist : KernelLabSource::Sample;
            kl.sample_digit = std::clamp(l.value("sample_digit", kl.sample_digit), 0, 9);
            kl.mnist_index = std::max(0, l.value("mnist_index", kl.mnist_index));
        }
    } catch (const Error& e) {
        const std::string what = e.what();
        throw Error(what.rfind(path, 0) == 0 ? what : path + ": " + what);
    } catch (const std::exception& e) {
        throw Error(path + ": " + e.what());
    }
    if (!(s.zoom >= 0.5f && s.zoom <= 4.0f)) s.zoom = 1.0f;
    state = s;
}

}  // namespace cl
