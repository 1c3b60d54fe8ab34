// What each fuzz target does with one input, shared by the libFuzzer targets (tests/fuzz/*.cpp)
// and by the normal test that replays the committed crash inputs (tests/io/test_fuzz_replay.cpp).
// A reader may accept an input or refuse it with cl::Error; anything else (a crash, a sanitizer
// report, another exception, a hang) is a finding.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/error.h"
#include "engine/io/idx.h"
#include "engine/io/image.h"
#include "engine/io/model_input.h"
#include "engine/io/npy.h"
#include "engine/io/onnx_import.h"
#include "engine/io/safetensors.h"

namespace cl::fuzz {

// The readers take file names: the input goes to a file of this process's own.
inline std::string input_file(const std::string& name, const std::string& bytes) {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("convlens-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), std::streamsize(bytes.size()));
    return path;
}

template <typename Fn>
void refused_or_read(Fn&& fn) {
    try {
        fn();
    } catch (const Error&) {
        // a clear refusal is a correct answer
    }
}

inline void read_onnx(const std::string& bytes) {
    const std::string path = input_file("model.onnx", bytes);
    refused_or_read([&] { onnx_import(path); });
}

inline void read_safetensors(const std::string& bytes) {
    const std::string path = input_file("weights.safetensors", bytes);
    refused_or_read([&] { safetensors_read(path); });
}

inline void read_npy(const std::string& bytes) {
    const std::string path = input_file("array.npy", bytes);
    refused_or_read([&] { npy_read(path); });
    refused_or_read([&] { input_from_file(path, Shape{1, 1, 28, 28}); });
}

inline std::string gzip(const std::string& bytes) {
    uLongf size = compressBound(uLong(bytes.size())) + 32;
    std::string out(size, '\0');
    z_stream z{};
    deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // gzip header
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = uInt(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

// The input as a raw IDX file, the same bytes gzip-compressed (the .gz path with meaningful
// contents), and the bytes themselves as a .gz (broken gzip streams).
inline void read_idx(const std::string& bytes) {
    const std::string raw = input_file("x-idx3-ubyte", bytes);
    refused_or_read([&] { idx_read_images(raw); });
    refused_or_read([&] { idx_read_labels(raw); });
    const std::string gz = input_file("x-idx3-ubyte.gz", gzip(bytes));
    refused_or_read([&] { idx_read_images(gz); });
    refused_or_read([&] { idx_read_labels(gz); });
    const std::string broken = input_file("y-idx3-ubyte.gz", bytes);
    refused_or_read([&] { idx_read_images(broken); });
}

// The project's image path: decode, then the two ways an image becomes a model input.
inline void read_image(const std::string& bytes) {
    const std::string path = input_file("image.png", bytes);
    refused_or_read([&] {
        const Image image = image_read(path);
        mnist_preprocess(image);
        image_to_input(image, Shape{1, 3, 32, 32});
    });
}

}  // namespace cl::fuzz
