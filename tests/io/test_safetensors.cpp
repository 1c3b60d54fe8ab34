// safetensors: round trip, PyTorch loading what ConvLens saves and the reverse (through
// tests/reference/io_formats.py), shape checks against the model, and malformed files.
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/io/npy.h"
#include "engine/io/safetensors.h"
#include "engine/zoo/zoo.h"
#include "io_test_util.h"

namespace cl {
namespace {

using nlohmann::json;
using testing::temp_dir;

// The graph of io_formats.py's TinyNet: 3x8x8 -> conv1 3x3 -> bn1 -> relu -> flatten -> fc(5).
Graph tiny_net() {
    Graph g("tinynet");
    int x = g.add_input("input", {1, 3, 8, 8});
    x = g.add("conv1", make_conv2d(3, conv(4, 3)), {x});  // 4x6x6
    x = g.add("bn1", make_batchnorm2d(4), {x});
    x = g.add("relu", make_relu(), {x});
    x = g.add("flatten", make_flatten(), {x});  // 144
    g.add("fc", make_linear(144, 5), {x});
    return g;
}

// Distinct seeded values in every parameter; running_var positive.
void fill_params(Graph& g, uint32_t seed) {
    for (GraphParam& p : g.params()) {
        const bool positive = p.name.find("running_var") != std::string::npos;
        const Tensor r = testing::random_tensor(p.param.value->shape(), seed++,
                                                positive ? 0.5f : -1.0f, positive ? 2.0f : 1.0f);
        std::memcpy(p.param.value->data(), r.data(), size_t(r.numel()) * sizeof(float));
    }
}

std::vector<float> floats(const json& values) {
    std::vector<float> out;
    for (const json& v : values) out.push_back(float(v.get<double>()));
    return out;
}

std::string file_bytes(const std::filesystem::path& p) {
    return testing::read_text(p);
}

TEST(Safetensors, RoundTripRestoresEveryParameter) {
    const auto dir = temp_dir("st_round_trip");
    Graph a = tiny_net();
    fill_params(a, 100);
    safetensors_save((dir / "w.safetensors").string(), a);
    Graph b = tiny_net();
    safetensors_load((dir / "w.safetensors").string(), b);
    const auto pa = a.params(), pb = b.params();
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i)
        EXPECT_TENSORS_CLOSE(*pb[i].param.value, *pa[i].param.value, 0.0f, 0.0f) << pa[i].name;
}

TEST(Safetensors, FileHasPyTorchNamesShapesAndAlignedData) {
    const auto dir = temp_dir("st_layout");
    Graph g = tiny_net();
    fill_params(g, 1);
    const std::string path = (dir / "w.safetensors").string();
    safetensors_save(path, g);
    const std::string bytes = file_bytes(path);
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= uint64_t(uint8_t(bytes[size_t(i)])) << (8 * i);
    EXPECT_EQ(n % 8, 0u);
    const json header = json::parse(bytes.substr(8, n));
    const std::map<std::string, std::vector<int64_t>> want = {{"conv1.weight", {4, 3, 3, 3}},
                                                              {"conv1.bias", {4}},
                                                              {"bn1.weight", {4}},
                                                              {"bn1.bias", {4}},
                                                              {"bn1.running_mean", {4}},
                                                              {"bn1.running_var", {4}},
                                                              {"fc.weight", {5, 144}},
                                                              {"fc.bias", {5}}};
    EXPECT_EQ(header.size(), want.size() + 1);  // + __metadata__
    for (const auto& [name, shape] : want) {
        ASSERT_TRUE(header.contains(name)) << name;
        EXPECT_EQ(header[name]["dtype"], "F32");
        EXPECT_EQ(header[name]["shape"].get<std::vector<int64_t>>(), shape) << name;
    }
    const auto read = safetensors_read(path);
    EXPECT_EQ(read.at("fc.weight").tensor.shape(), (Shape{5, 144, 1, 1}));  // left-aligned
}

TEST(Safetensors, PyTorchLoadsWhatConvLensSaves) {
    const auto dir = temp_dir("st_to_torch");
    Graph g = tiny_net();
    fill_params(g, 7);
    const std::string path = (dir / "w.safetensors").string();
    safetensors_save(path, g);
    const Tensor input = testing::random_tensor({1, 3, 8, 8}, 9);
    npy_write((dir / "x.npy").string(), input);

    const json j =
        testing::run_io_formats("safetensors-to-torch " + path + " " + (dir / "x.npy").string());
    ASSERT_FALSE(j.is_null());
    for (const GraphParam& p : g.params()) {
        const std::vector<float> mine = p.param.value->to_vector();
        for (const char* side : {"file", "torch"}) {
            ASSERT_TRUE(j[side].contains(p.name)) << side << " " << p.name;
            EXPECT_EQ(floats(j[side][p.name]["values"]), mine) << side << " " << p.name;
        }
    }
    EXPECT_EQ(j["torch"].size(), g.params().size());
    const Tensor ours = g.forward(input).outputs.back();
    EXPECT_TENSORS_CLOSE(ours, Tensor::from_vector({1, 5, 1, 1}, floats(j["output"])), 1e-4f,
                         1e-5f);
}

TEST(Safetensors, ConvLensLoadsWhatPyTorchWrites) {
    const auto dir = temp_dir("st_from_torch");
    const Tensor input = testing::random_tensor({1, 3, 8, 8}, 21);
    npy_write((dir / "x.npy").string(), input);
    const std::string path = (dir / "torch.safetensors").string();
    const json j =
        testing::run_io_formats("torch-to-safetensors " + path + " " + (dir / "x.npy").string());
    ASSERT_FALSE(j.is_null());

    Graph g = tiny_net();
    safetensors_load(path, g);  // also skips the I64 bn1.num_batches_tracked
    for (const GraphParam& p : g.params())
        EXPECT_EQ(p.param.value->to_vector(), floats(j["torch"][p.name]["values"])) << p.name;
    const Tensor ours = g.forward(input).outputs.back();
    EXPECT_TENSORS_CLOSE(ours, Tensor::from_vector({1, 5, 1, 1}, floats(j["output"])), 1e-4f,
                         1e-5f);
}

TEST(Safetensors, ShapeMismatchNamesTensorAndBothShapes) {
    const auto dir = temp_dir("st_mismatch");
    Graph small("net");
    int x = small.add_input("input", {1, 1, 28, 28});
    small.add("conv1", make_conv2d(1, conv(6, 3)), {x});
    const std::string path = (dir / "weights.safetensors").string();
    safetensors_save(path, small);

    Graph lenet = zoo_build("lenet5");
    const std::vector<float> before = lenet.params().front().param.value->to_vector();
    const std::string message = testing::error_of([&] { safetensors_load(path, lenet); });
    EXPECT_EQ(message, path + ": conv1.weight has shape [6,1,3,3], the model expects [6,1,5,5]");
    EXPECT_EQ(lenet.params().front().param.value->to_vector(), before);  // untouched
}

TEST(Safetensors, MissingAndExtraTensorsAreErrors) {
    const auto dir = temp_dir("st_missing_extra");
    Graph g = tiny_net();
    fill_params(g, 3);
    std::map<std::string, NamedTensor> tensors;
    for (GraphParam& p : g.params()) {
        const Shape& s = p.param.value->shape();
        const int64_t all[4] = {s.n, s.c, s.h, s.w};
        tensors[p.name] = {*p.param.value, std::vector<int64_t>(all, all + p.param.rank)};
    }
    auto missing = tensors;
    missing.erase("bn1.running_var");
    const std::string missing_path = (dir / "missing.safetensors").string();
    safetensors_write(missing_path, missing);
    EXPECT_FILE_ERROR(safetensors_load(missing_path, g), missing_path,
                      "bn1.running_var is missing");

    auto extra = tensors;
    extra["head.weight"] = {Tensor::zeros({2, 3, 1, 1}), {2, 3}};
    const std::string extra_path = (dir / "extra.safetensors").string();
    safetensors_write(extra_path, extra);
    EXPECT_FILE_ERROR(safetensors_load(extra_path, g), extra_path,
                      "head.weight [2,3] is not a parameter");
}

// A valid file's bytes with header replaced by `header` (length recomputed).
std::string with_header(const std::string& header, const std::string& data) {
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[size_t(i)] = char((uint64_t(header.size()) >> (8 * i)) & 0xff);
    return bytes + header + data;
}

TEST(Safetensors, MalformedFilesFailNamingTheFile) {
    const auto dir = temp_dir("st_malformed");
    Graph g = tiny_net();
    const std::string good_path = (dir / "good.safetensors").string();
    safetensors_save(good_path, g);
    const std::string good = file_bytes(good_path);
    const std::string four(16, '\0');  // 4 float zeros

    struct Case {
        const char* file;
        std::string bytes;
        const char* part;
    };
    const Case cases[] = {
        {"short.safetensors", "abc", "too short"},
        {"length.safetensors", std::string("\xff\xff\xff\xff\x00\x00\x00\x00", 8) + "{}",
         "bad header length"},
        {"truncated.safetensors", good.substr(0, good.size() - 10), "truncated"},
        {"json.safetensors", with_header("{\"a\": [1, 2", four), "not valid JSON"},
        {"dtype.safetensors",
         with_header(R"({"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", four),
         "dtype F16"},
        {"size.safetensors",
         with_header(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", four),
         "needs 12"},
        {"fields.safetensors", with_header(R"({"a":{"dtype":"F32"}})", four), "lacks"},
        {"rank.safetensors",
         with_header(R"({"a":{"dtype":"F32","shape":[1,1,1,1,4],"data_offsets":[0,16]}})", four),
         "rank 5"},
    };
    for (const Case& c : cases) {
        const std::string path = (dir / c.file).string();
        testing::write_bytes(path, c.bytes);
        EXPECT_FILE_ERROR(safetensors_read(path), path, c.part);
    }
    const std::string missing = (dir / "missing.safetensors").string();
    EXPECT_FILE_ERROR(safetensors_load(missing, g), missing, "no such file");
}

TEST(Safetensors, FailedSaveKeepsTheOldFile) {
    const auto dir = temp_dir("st_failed_save");
    Graph g = tiny_net();
    const std::string path = (dir / "sub" / "w.safetensors").string();
    EXPECT_FILE_ERROR(safetensors_save(path, g), path, "cannot write");
    EXPECT_TRUE(std::filesystem::is_empty(dir));
}

}  // namespace
}  // namespace cl
