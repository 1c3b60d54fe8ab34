// `convlens explain`: where the network looked for one input. Grad-CAM, saliency, gradient x
// input or occlusion as a raw .npy map, optionally drawn over the input as a PNG. Every check
// runs before anything is computed, and nothing is written unless all of it succeeded.
#include <cstdio>
#include <string>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "engine/error.h"
#include "engine/explain/attribution.h"
#include "engine/explain/overlay.h"
#include "engine/io/image.h"
#include "engine/io/npy.h"
#include "engine/model_loader.h"
#include "engine/render.h"

namespace cl {

namespace {

struct ExplainOptions {
    std::string model, input, method, layer, weights, out, png;
    int target_class = k_predicted_class, patch = 0, stride = 0;
    float fill = 0;
    CLI::Option *class_option = nullptr, *layer_option = nullptr, *patch_option = nullptr,
                *stride_option = nullptr, *fill_option = nullptr;
};

const char* const k_methods[] = {"gradcam", "saliency", "gradxinput", "occlusion"};

void check_options(const ExplainOptions& o) {
    bool known = false;
    for (const char* m : k_methods) known = known || o.method == m;
    if (!known)
        throw Error("--method must be gradcam, saliency, gradxinput or occlusion, got '" +
                    o.method + "'");
    if (!has_extension(o.out, ".npy")) throw Error("--out must end in .npy: " + o.out);
    if (!o.png.empty() && !has_extension(o.png, ".png"))
        throw Error("--png must end in .png: " + o.png);
    if (o.layer_option->count() > 0 && o.method != "gradcam")
        throw Error("--layer is for --method gradcam");
    const bool occluding = o.method == "occlusion";
    if (!occluding &&
        (o.patch_option->count() || o.stride_option->count() || o.fill_option->count()))
        throw Error("--patch, --stride and --fill are for --method occlusion");
    if (o.patch_option->count() && o.patch < 1) throw Error("--patch must be at least 1");
    if (o.stride_option->count() && o.stride < 1) throw Error("--stride must be at least 1");
    if (o.class_option->count() && o.target_class < 0)
        throw Error("--class must be 0 or more, got " + std::to_string(o.target_class));
}

// What the command computed: the map as saved, the map as drawn, and how to colour it.
struct Explained {
    Tensor map;                      // saved as is
    std::vector<int64_t> npy_shape;  // the .npy's shape
    Tensor shown;                    // [1,1,h,w] for the PNG
    Colormap colormap = Colormap::Viridis;
    ExplainedClass target;
    std::string detail;  // "layer relu2 (16x10x10)", "patch 4, stride 2, fill 0.13"
};

Explained explain(const Graph& graph, const Tensor& input, const ExplainOptions& o) {
    Explained e;
    const Shape s = input.shape();
    if (o.method == "gradcam") {
        const int layer = o.layer.empty() ? default_grad_cam_layer(graph) : graph.require(o.layer);
        if (layer < 0)
            throw Error(graph.name() +
                        ": no conv layer with a spatial output; pick one with --layer");
        GradCam g = grad_cam(graph, input, layer, o.target_class);
        const Shape m = g.map.shape();
        e.map = g.map;
        e.npy_shape = {m.h, m.w};
        e.shown = g.map;
        e.target = g.target;
        e.detail = "layer " + graph.node(layer).name + " (" + graph.node(layer).shape.chw() + ")";
    } else if (o.method == "occlusion") {
        OcclusionOptions opt;
        opt.patch = o.patch;
        opt.stride = o.stride;
        if (o.fill_option->count()) opt.fill = o.fill;
        Occlusion occ = occlusion(graph, input, o.target_class, opt);
        const Shape m = occ.map.shape();
        e.map = occ.map;
        e.npy_shape = {m.h, m.w};
        e.shown = occ.map;
        e.colormap = Colormap::Diverging;
        e.target = occ.target;
        char buf[96];
        std::snprintf(buf, sizeof buf, "patch %d, stride %d, fill %.4g, %dx%d positions", occ.patch,
                      occ.stride, double(occ.fill), m.h, m.w);
        e.detail = buf;
    } else {
        Attribution a = o.method == "saliency" ? saliency(graph, input, o.target_class)
                                               : gradient_times_input(graph, input, o.target_class);
        e.map = a.map;
        e.npy_shape = {s.n, s.c, s.h, s.w};
        e.shown = sum_channels(a.map);
        e.colormap = Colormap::Diverging;
        e.target = a.target;
        e.detail = "input " + s.chw();
    }
    return e;
}

int run_explain(const ExplainOptions& o) {
    check_options(o);
    Graph graph = load_model(o.model, o.weights);
    const Tensor input = read_model_input(o.input, graph.input_shape());
    const Explained e = explain(graph, input, o);

    RgbImage picture;
    if (!o.png.empty()) {  // drawn before anything is written
        ValueRange range = display_range(e.shown, e.colormap);
        if (e.colormap == Colormap::Viridis) range.lo = 0;
        const int scale = scale_for(std::max(input.shape().h, input.shape().w), 448);
        const RgbImage overlay = render_overlay(input, e.shown, e.colormap, range, scale);
        picture = stack_vertically(overlay, render_colorbar(e.colormap, overlay.width, 16));
    }
    npy_write(o.out, e.map, e.npy_shape);
    if (!o.png.empty()) png_write_rgb(o.png, picture.width, picture.height, picture.rgb);

    const auto names = class_names_for_model(graph, o.weights);
    const std::string name =
        e.target.index < int(names.size()) ? names[size_t(e.target.index)] : "?";
    std::printf("%s %s on %s: class %d (%s), score %.4g, probability %.2f%%; %s; wrote %s%s%s\n",
                graph.name().c_str(), o.method.c_str(), o.input.c_str(), e.target.index,
                name.c_str(), double(e.target.score), 100.0 * e.target.probability,
                e.detail.c_str(), o.out.c_str(), o.png.empty() ? "" : " and ", o.png.c_str());
    return 0;
}

}  // namespace

CommandRunner register_explain(CLI::App& app) {
    auto o = std::make_shared<ExplainOptions>();
    app.add_option("MODEL", o->model, "Built-in model name or .onnx file")->required();
    app.add_option("--input", o->input, "Image (PNG/JPEG/BMP) or .npy of the model's input shape")
        ->required();
    app.add_option("--method", o->method, "gradcam, saliency, gradxinput or occlusion")->required();
    o->layer_option = app.add_option(
        "--layer", o->layer,
        "Grad-CAM's layer, a node name as `infer --dump` writes it (default: the last conv "
        "with a spatial output, or its ReLU)");
    o->class_option =
        app.add_option("--class", o->target_class, "Class to explain (default: the predicted one)");
    app.add_option("--weights", o->weights, "Weights (.safetensors) instead of the shipped ones");
    app.add_option("--out", o->out,
                   "The raw map (.npy): Grad-CAM at the layer's HxW, occlusion's positions, "
                   "saliency and gradient x input in the input's shape")
        ->required();
    app.add_option("--png", o->png, "Also draw the map over the input (.png)");
    o->patch_option =
        app.add_option("--patch", o->patch, "Occlusion: patch side in pixels (default H/7)");
    o->stride_option =
        app.add_option("--stride", o->stride, "Occlusion: patch step in pixels (default patch/2)");
    o->fill_option = app.add_option("--fill", o->fill,
                                    "Occlusion: the patch's value (default: the input's mean)");
    return [o] { return run_explain(*o); };
}

}  // namespace cl
