// `convlens convolve`: the lecture's "convolve an MNIST image" on the command line. The image
// is read as grey values in [0,1] (no MNIST re-centring: the pixels are convolved as they are).
#include <cstdio>
#include <sstream>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "engine/error.h"
#include "engine/io/image.h"
#include "engine/io/npy.h"
#include "engine/kernel_lab.h"
#include "engine/render.h"

namespace cl {

namespace {
struct ConvolveOptions {
    std::string input, kernel, out;
    int stride = 1, pad = 0;
};

// "a,b,c;d,e,f;g,h,i" -> K*K values, row by row.
std::vector<float> parse_kernel(const std::string& text, int* size) {
    std::vector<std::vector<float>> rows;
    std::stringstream row_stream(text);
    std::string row;
    while (std::getline(row_stream, row, ';')) {
        std::vector<float> values;
        std::stringstream value_stream(row);
        std::string item;
        while (std::getline(value_stream, item, ',')) {
            size_t used = 0;
            float v = 0;
            try {
                v = std::stof(item, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            while (used < item.size() && std::isspace(static_cast<unsigned char>(item[used])))
                ++used;
            if (used == 0 || used != item.size())
                throw Error("kernel: '" + item +
                            "' is not a number (expected \"a,b,c;d,e,f;g,h,i\")");
            values.push_back(v);
        }
        rows.push_back(values);
    }
    const int k = int(rows.size());
    if (k == 0) throw Error("kernel: empty (expected rows separated by ';', values by ',')");
    for (const auto& r : rows)
        if (int(r.size()) != k)
            throw Error("kernel: must be square, got " + std::to_string(k) + " rows and a row of " +
                        std::to_string(r.size()) + " values");
    std::vector<float> flat;
    for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
    *size = k;
    return flat;
}

Tensor read_grey(const std::string& path) {
    if (has_extension(path, ".npy")) {
        Tensor t = npy_read(path);
        if (t.shape().n != 1 || t.shape().c != 1)
            throw Error(path + ": expected a 2-D array (HxW) or 1x1xHxW, got " + t.shape().str());
        return t;
    }
    return grey_from_image(image_read(path));
}

int run_convolve(const ConvolveOptions& o) {
    if (o.stride < 1) throw Error("--stride must be at least 1, got " + std::to_string(o.stride));
    if (o.pad < 0) throw Error("--pad must not be negative, got " + std::to_string(o.pad));
    const bool to_png = has_extension(o.out, ".png"), to_npy = has_extension(o.out, ".npy");
    if (!to_png && !to_npy) throw Error("--out must end in .png or .npy: " + o.out);
    int k = 0;
    const std::vector<float> kernel = parse_kernel(o.kernel, &k);
    const Tensor input = read_grey(o.input);

    const Tensor output = convolve_single(input, kernel, k, o.stride, o.pad, 0.0f);
    const Shape out_shape = output.shape();

    if (to_npy) {
        npy_write(o.out, output, {out_shape.h, out_shape.w});
    } else {
        const Colormap map = Colormap::Diverging;
        const ValueRange range = display_range(output, map);
        const int scale = scale_for(std::max(out_shape.w, out_shape.h), 280);
        RgbImage grid = render_grid(output, map, range, scale, 0);
        RgbImage image = stack_vertically(grid, render_colorbar(map, grid.width, 16));
        png_write_rgb(o.out, image.width, image.height, image.rgb);
        std::printf("colour scale: blue = %.4g, white = 0, red = %.4g (bar under the map)\n",
                    double(range.lo), double(range.hi));
    }
    std::printf("%s: %dx%d -> %dx%d (kernel %dx%d, stride %d, pad %d), wrote %s\n", o.input.c_str(),
                input.shape().h, input.shape().w, out_shape.h, out_shape.w, k, k, o.stride, o.pad,
                o.out.c_str());
    return 0;
}
}  // namespace

CommandRunner register_convolve(CLI::App& app) {
    auto o = std::make_shared<ConvolveOptions>();
    app.add_option("--input", o->input, "Image (PNG/JPEG/BMP, read as grey) or HxW .npy")
        ->required();
    app.add_option("--kernel", o->kernel, "Square kernel, rows by ';', values by ','")->required();
    app.add_option("--stride", o->stride, "Stride (>= 1)");
    app.add_option("--pad", o->pad, "Zero padding (>= 0)");
    app.add_option("--out", o->out, "Output .png (diverging colour map) or .npy (raw values)")
        ->required();
    return [o] { return run_convolve(*o); };
}

}  // namespace cl
