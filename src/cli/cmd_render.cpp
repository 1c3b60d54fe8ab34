// `convlens render`: one layer's feature maps as a PNG grid with a colour bar, for handouts.
#include <cstdio>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "engine/error.h"
#include "engine/io/image.h"
#include "engine/model_loader.h"
#include "engine/render.h"

namespace cl {

namespace {
struct RenderOptions {
    std::string model, input, layer, out, weights;
};

int run_render(const RenderOptions& o) {
    if (!has_extension(o.out, ".png")) throw Error("--out must end in .png: " + o.out);
    Graph graph = load_model(o.model, o.weights);
    const int index = graph.require(o.layer);
    const Tensor input = read_model_input(o.input, graph.input_shape());
    const Activations acts = graph.forward(input);
    const Tensor& maps = acts.outputs[size_t(index)];
    const Colormap map = colormap_for(maps, index == 0);
    const ValueRange range = display_range(maps, map);
    const int scale =
        scale_for(std::max(maps.shape().w, maps.shape().h), maps.shape().c > 16 ? 48 : 112);
    RgbImage grid = render_grid(maps, map, range, scale);
    RgbImage image = stack_vertically(grid, render_colorbar(map, grid.width, 16));
    png_write_rgb(o.out, image.width, image.height, image.rgb);
    std::printf("%s %s: %s, %s colour map from %.4g to %.4g, wrote %s\n", graph.name().c_str(),
                o.layer.c_str(), maps.shape().chw().c_str(), colormap_name(map), double(range.lo),
                double(range.hi), o.out.c_str());
    return 0;
}
}  // namespace

CommandRunner register_render(CLI::App& app) {
    auto o = std::make_shared<RenderOptions>();
    app.add_option("MODEL", o->model, "Built-in model name or .onnx file")->required();
    app.add_option("--input", o->input, "Image or .npy input")->required();
    app.add_option("--layer", o->layer, "Layer (node) name, as `convlens summary` lists them")
        ->required();
    app.add_option("--out", o->out, "Output PNG")->required();
    app.add_option("--weights", o->weights, "Weights (.safetensors) instead of the shipped ones");
    return [o] { return run_render(*o); };
}

}  // namespace cl
