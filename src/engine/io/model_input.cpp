// Files, drawings and tensors as a model's input (see model_input.h); the built-in samples are
// in default_input.cpp.
#include "engine/io/model_input.h"

#include <stb_image.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <memory>

#include "engine/error.h"
#include "engine/io/npy.h"
#include "engine/util/strings.h"

namespace cl {

namespace {
const int k_max_side = 2048;                      // larger images are box-downscaled first
const int64_t k_max_pixels = int64_t(150) << 20;  // refused beyond this (memory)

std::string file_name(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

std::string dims_text(const std::vector<int64_t>& dims) {
    std::string out = "[";
    for (size_t i = 0; i < dims.size(); ++i) out += (i ? "," : "") + std::to_string(dims[i]);
    return out + "]";
}

// "[28,28], [1,28,28] or [1,1,28,28]"
std::string forms_text(const std::vector<std::vector<int64_t>>& forms) {
    std::string out;
    for (size_t i = 0; i < forms.size(); ++i)
        out += (i == 0 ? "" : i + 1 == forms.size() ? " or " : ", ") + dims_text(forms[i]);
    return out;
}

// A colour image cannot fill a model of other than 1 (as grey) or 3 channels.
void check_channels(const Image& image, Shape input_shape, const std::string& what) {
    if (image.channels == 3 && input_shape.c != 1 && input_shape.c != 3)
        throw Error(what + ": the model expects " + std::to_string(input_shape.c) +
                    " input channels; a colour image gives 1 (as grey) or 3 (RGB)");
}

// Averages s x s blocks of an 8-bit image with n channels into a float Image in [0,1], with
// transparent pixels over white as image_read composites them.
Image box_downscale(const unsigned char* px, int w, int h, int n, int s) {
    Image img;
    img.width = w / s;
    img.height = h / s;
    img.channels = n <= 2 ? 1 : 3;
    img.pixels.assign(size_t(img.width) * img.height * img.channels, 0.0f);
    const bool alpha = n == 2 || n == 4;
    const float norm = 1.0f / (float(s) * float(s));
    for (int y = 0; y < img.height * s; ++y)
        for (int x = 0; x < img.width * s; ++x) {
            const unsigned char* p = px + (size_t(y) * w + x) * n;
            const float a = alpha ? p[n - 1] / 255.0f : 1.0f;
            float* out = &img.pixels[(size_t(y / s) * img.width + x / s) * img.channels];
            for (int c = 0; c < img.channels; ++c)
                out[c] += (p[c] / 255.0f * a + (1.0f - a)) * norm;
        }
    return img;
}

// The image at `path`, box-downscaled when huge (`notice` says so).
Image read_image(const std::string& path, std::string& notice) {
    int w = 0, h = 0, n = 0;
    // Not an image stb recognises (or no file): image_read says which, naming the file.
    if (!stbi_info(path.c_str(), &w, &h, &n)) return image_read(path);
    if (int64_t(w) * h > k_max_pixels)
        throw Error(path + ": " + std::to_string(w) + "x" + std::to_string(h) +
                    " pixels is too large to open");
    if (std::max(w, h) <= k_max_side) return image_read(path);
    std::unique_ptr<stbi_uc, void (*)(void*)> px(stbi_load(path.c_str(), &w, &h, &n, 0),
                                                 stbi_image_free);
    if (!px) throw Error(path + ": cannot read image (" + stbi_failure_reason() + ")");
    const int s = (std::max(w, h) + k_max_side - 1) / k_max_side;
    Image img = box_downscale(px.get(), w, h, n, s);
    notice = file_name(path) + ": " + std::to_string(w) + "x" + std::to_string(h) +
             " downscaled to " + std::to_string(img.width) + "x" + std::to_string(img.height) +
             " before use";
    return img;
}
}  // namespace

std::vector<std::vector<int64_t>> npy_input_forms(Shape s) {
    const std::vector<int64_t> full = {s.n, s.c, s.h, s.w};
    std::vector<std::vector<int64_t>> forms;
    auto add = [&](std::vector<int64_t> dims) {
        if (std::find(forms.begin(), forms.end(), dims) == forms.end())
            forms.push_back(std::move(dims));
    };
    if (s.h == 1 && s.w == 1) {  // [N,F]: features, as PyTorch's Linear takes them
        if (s.n == 1) add({s.c});
        add({s.n, s.c});
    }
    // Right-aligned: the leading axes a shorter array leaves out are 1.
    for (std::ptrdiff_t dropped = 3; dropped >= 0; --dropped) {
        const auto first = full.begin() + dropped;
        if (std::all_of(full.begin(), first, [](int64_t d) { return d == 1; }))
            add(std::vector<int64_t>(first, full.end()));
    }
    return forms;
}

Tensor array_as_input(const Tensor& values, const std::vector<int64_t>& file_shape,
                      Shape input_shape, const std::string& what) {
    const auto forms = npy_input_forms(input_shape);
    if (std::find(forms.begin(), forms.end(), file_shape) != forms.end()) {
        CL_ASSERT(values.numel() == input_shape.numel());
        return values.reshaped(input_shape);  // same values, same order: only 1s inserted
    }
    // A batch ([N,C,H,W], or [N,F] for a features model): say so rather than list shapes that
    // look alike. A rank-3 array's first axis is channels, not samples.
    const bool features = input_shape.h == 1 && input_shape.w == 1;
    const bool batched = file_shape.size() == 4 || (file_shape.size() == 2 && features);
    if (batched && file_shape[0] > 1 && input_shape.n == 1) {
        std::vector<int64_t> one = file_shape;
        one[0] = 1;
        if (std::find(forms.begin(), forms.end(), one) != forms.end())
            throw Error(what + ": array " + dims_text(file_shape) + " holds " +
                        std::to_string(file_shape[0]) +
                        " samples; the model takes one at a time, " + dims_text(one));
    }
    throw Error(what + ": array " + dims_text(file_shape) + " does not match the model's input " +
                input_shape.str() + " (give " + forms_text(forms) + ")");
}

ModelInput input_from_file(const std::string& path, Shape input_shape) {
    ModelInput in;
    in.label = file_name(path);
    if (ends_with_nocase(path, ".npy")) {
        std::vector<int64_t> file_shape;
        const Tensor values = npy_read(path, &file_shape);
        in.tensor = array_as_input(values, file_shape, input_shape, path);
        return in;
    }
    const Image image = read_image(path, in.notice);
    check_channels(image, input_shape, path);
    in.tensor = image_to_input(image, input_shape);
    return in;
}

ModelInput input_from_image(const Image& image, Shape input_shape, const std::string& label) {
    check_channels(image, input_shape, label);
    ModelInput in;
    in.tensor = image_to_input(image, input_shape);
    in.label = label;
    return in;
}

ModelInput input_from_tensor(const Tensor& tensor, Shape input_shape, const std::string& label) {
    const Shape& s = tensor.shape();
    if (s == input_shape) return {tensor, label, ""};
    if (s.n != 1 || (s.c != 1 && s.c != 3))
        throw Error(label + ": a " + s.str() + " tensor does not match the model's input " +
                    input_shape.str());
    Image image;  // [1,C,H,W] -> H*W*C, values clamped into an image's [0,1]
    image.width = s.w;
    image.height = s.h;
    image.channels = s.c;
    image.pixels.resize(size_t(s.w) * s.h * s.c);
    for (int y = 0; y < s.h; ++y)
        for (int x = 0; x < s.w; ++x)
            for (int c = 0; c < s.c; ++c)
                image.pixels[(size_t(y) * s.w + x) * s.c + c] =
                    std::clamp(tensor.at(0, c, y, x), 0.0f, 1.0f);
    return input_from_image(image, input_shape, label);
}

}  // namespace cl
