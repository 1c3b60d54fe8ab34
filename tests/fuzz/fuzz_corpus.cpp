// Writes the fuzz targets' seed corpora with the project's own writers (ONNX export,
// safetensors, .npy, PNG, session JSON) and a few hand-made IDX files, scripts and kernels:
// `fuzz_corpus DIR` makes DIR/<target>/seed-*. The committed tests/fuzz/corpus was made so.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "app/app_state.h"
#include "engine/io/atomic_file.h"
#include "engine/io/image.h"
#include "engine/io/npy.h"
#include "engine/io/onnx_export.h"
#include "engine/io/safetensors.h"
#include "engine/zoo/zoo.h"

namespace {

using namespace cl;

// Small enough that each mutation is cheap: every op kind the importer meets in the zoo.
Graph tiny_cnn() {
    GraphBuilder b("tiny", ZooOptions{});
    int x = b.input("input", {1, 1, 8, 8});
    x = b.conv2d("conv1", x, conv(2, 3).with_pad(1));
    x = b.batchnorm("bn1", x);
    x = b.relu("relu1", x);
    x = b.maxpool("pool1", x, pool(2, 2));
    x = b.avgpool("pool2", x, pool(2, 2));
    x = b.flatten("flatten", x);
    x = b.linear("fc", x, 3);
    b.softmax("prob", x);
    return b.finish();
}

Graph tiny_mlp() {
    GraphBuilder b("mlp", ZooOptions{});
    int x = b.input("input", {1, 4, 1, 1});
    x = b.linear("fc1", x, 3);
    x = b.tanh("tanh", x);
    b.linear("fc2", x, 2);
    return b.finish();
}

std::string be32(uint32_t v) {
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

void write(const std::filesystem::path& dir, const std::string& name, const std::string& bytes) {
    write_file_atomic((dir / name).string(), bytes);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_corpus DIR\n");
        return 2;
    }
    const std::filesystem::path root = argv[1];
    auto dir = [&](const char* target) {
        std::filesystem::create_directories(root / target);
        return root / target;
    };
    try {
        Graph cnn = tiny_cnn(), mlp = tiny_mlp();
        onnx_export(cnn, (dir("onnx") / "seed-cnn.onnx").string());
        onnx_export(mlp, (dir("onnx") / "seed-mlp.onnx").string());
        safetensors_save((dir("safetensors") / "seed-cnn.safetensors").string(), cnn);
        safetensors_save((dir("safetensors") / "seed-mlp.safetensors").string(), mlp);

        Tensor t = Tensor::zeros({1, 1, 4, 4});
        for (int64_t i = 0; i < t.numel(); ++i) t[i] = float(i) / 16.0f;
        npy_write((dir("npy") / "seed-4x4.npy").string(), t, {4, 4});
        npy_write((dir("npy") / "seed-1x1x4x4.npy").string(), t);
        npy_write((dir("npy") / "seed-16.npy").string(), t, {16});

        std::vector<uint8_t> gray(36), rgb(4 * 3 * 3);
        for (size_t i = 0; i < gray.size(); ++i) gray[i] = uint8_t(i * 7);
        for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = uint8_t(255 - i * 5);
        png_write_gray((dir("image") / "seed-gray.png").string(), 6, 6, gray);
        png_write_rgb((dir("image") / "seed-rgb.png").string(), 4, 3, rgb);

        std::string images = be32(0x00000803) + be32(2) + be32(3) + be32(3);
        for (int i = 0; i < 18; ++i) images += char(i * 14);
        write(dir("idx"), "seed-images", images);
        write(dir("idx"), "seed-labels", be32(0x00000801) + be32(3) + std::string("\x01\x07\x09"));

        AppState state;
        session_save((dir("session") / "seed-default.json").string(), state);
        state.view = "kernel-lab";
        state.presenter = true;
        state.zoom = 2.0f;
        session_save((dir("session") / "seed-changed.json").string(), state);

        write(dir("script"), "seed-all",
              "# every command\nmove 10 20\ndown\nup right\nclick 30 40\nclick 5 5 right\n"
              "drag 1 2 30 40\nkey ctrl+s\nkey F5\nkey shift+Tab\ntext \"7\"\n"
              "drop \"digit.png\"\nwait-idle\nframes 3\nview kernel-lab\nresize 800 600\n");
        write(dir("kernel"), "seed-sobel", "1,0,-1;2,0,-2;1,0,-1");
        write(dir("kernel"), "seed-one", "0.5");
        write(dir("kernel"), "seed-2x2", "1e-3, 2 ;-3.5,4");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz_corpus: %s\n", e.what());
        return 1;
    }
    return 0;
}
