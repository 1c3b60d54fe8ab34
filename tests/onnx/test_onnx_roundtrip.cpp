// The ONNX round trip is exact: import -> export -> import gives the same graph (node names,
// kinds and inputs in the same order, equal attributes(), bit-identical parameters, and
// bit-identical outputs at every node on a fixed random input), for every zoo model and every
// file PyTorch writes for the test suite; and an AvgPool keeps its count_include_pad.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "engine/io/onnx_export.h"
#include "engine/io/onnx_import.h"
#include "engine/zoo/zoo.h"
#include "onnx_cases.h"
#include "testing.h"

namespace cl {
namespace {

namespace fs = std::filesystem;

// Which OpAttributes alternative each OpKind must return.
template <typename T>
bool holds(const OpAttributes& a) {
    return std::holds_alternative<T>(a);
}
bool attributes_fit_kind(OpKind kind, const OpAttributes& a) {
    switch (kind) {
        case OpKind::Conv2d:
            return holds<Conv2dParams>(a);
        case OpKind::MaxPool2d:
        case OpKind::AvgPool2d:
            return holds<PoolParams>(a);
        case OpKind::Lrn:
            return holds<LrnParams>(a);
        case OpKind::BatchNorm2d:
            return holds<BatchNormParams>(a);
        case OpKind::Linear:
            return holds<LinearParams>(a);
        case OpKind::Dropout:
            return holds<DropoutParams>(a);
        case OpKind::Clip:
            return holds<ClipParams>(a);
        case OpKind::Pad:
            return holds<PadParams>(a);
        case OpKind::ShortcutPad:
            return holds<ShortcutPadParams>(a);
        case OpKind::ChannelPick:
            return holds<ChannelPickParams>(a);
        case OpKind::Add:
        case OpKind::Sub:
        case OpKind::Mul:
        case OpKind::Div:
            return holds<ElementwiseParams>(a);
        default:
            return holds<std::monostate>(a);
    }
}

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), size_t(a.numel()) * sizeof(float)) == 0;
}

bool added_by_export(const Graph& before, const Graph& after, int index);

// Node a_index of graph a against node b_index of graph b: name, kind, attributes, the names of
// its inputs (looking through the nodes the exporter adds when allow_added), its parameters
// bit for bit.
::testing::AssertionResult same_node(const Graph& a, int a_index, const Graph& b, int b_index,
                                     bool allow_added) {
    const Node& x = a.node(a_index);
    const Node& y = b.node(b_index);
    auto fail = [&]() {
        return ::testing::AssertionFailure() << "node " << a_index << " '" << x.name << "': ";
    };
    if (x.name != y.name) return fail() << "the other graph has '" << y.name << "' here";
    if (x.op->kind() != y.op->kind())
        return fail() << op_kind_name(x.op->kind()) << " became " << op_kind_name(y.op->kind());
    const OpAttributes ax = x.op->attributes(), ay = y.op->attributes();
    if (!attributes_fit_kind(x.op->kind(), ax))
        return fail() << op_kind_name(x.op->kind()) << " returns " << op_attributes_str(ax);
    if (!(ax == ay)) return fail() << op_attributes_str(ax) << " became " << op_attributes_str(ay);
    if (x.shape != y.shape) return fail() << x.shape.str() << " became " << y.shape.str();
    if (x.inputs.size() != y.inputs.size()) return fail() << "input count changed";
    for (size_t k = 0; k < x.inputs.size(); ++k) {
        int yi = y.inputs[k];
        if (allow_added && added_by_export(a, b, yi)) yi = b.node(yi).inputs[0];
        if (a.node(x.inputs[k]).name != b.node(yi).name)
            return fail() << "input " << k << " '" << a.node(x.inputs[k]).name << "' became '"
                          << b.node(yi).name << "'";
    }
    const std::vector<NamedParam> px = x.op->read_params(), py = y.op->read_params();
    if (px.size() != py.size()) return fail() << "parameter count changed";
    for (size_t k = 0; k < px.size(); ++k) {
        if (px[k].name != py[k].name) return fail() << px[k].name << " became " << py[k].name;
        if (!same_bits(*px[k].value, *py[k].value))
            return fail() << px[k].name << " is not bit-identical";
    }
    return ::testing::AssertionSuccess();
}

// Nodes of `after` that the exporter adds and the importer keeps: the Flatten "<fc>/flatten"
// before a Linear that reads a 4-D tensor.
bool added_by_export(const Graph& before, const Graph& after, int index) {
    const Node& n = after.node(index);
    const std::string suffix = "/flatten";
    if (n.op->kind() != OpKind::Flatten || n.name.size() <= suffix.size() ||
        n.name.compare(n.name.size() - suffix.size(), suffix.size(), suffix) != 0)
        return false;
    const int fc = before.find(n.name.substr(0, n.name.size() - suffix.size()));
    return fc >= 0 && before.node(fc).op->kind() == OpKind::Linear;
}

// `b` is `a` node for node (but for the exporter's Flatten nodes when allow_added), and with
// outputs, every node's output on the same random input is bit-identical.
void expect_same_graph(const Graph& a, const Graph& b, bool allow_added, bool outputs) {
    std::vector<int> match(size_t(a.size()), -1);  // a's node -> b's node
    int j = 0;
    for (int i = 0; i < a.size(); ++i, ++j) {
        while (allow_added && j < b.size() && added_by_export(a, b, j)) ++j;
        ASSERT_LT(j, b.size()) << "node '" << a.node(i).name << "' is missing";
        ASSERT_TRUE(same_node(a, i, b, j, allow_added));
        match[size_t(i)] = j;
    }
    ASSERT_EQ(j, b.size()) << "nodes added, the first '" << b.node(j).name << "'";
    if (!outputs) return;
    const Tensor x = testing::random_tensor(a.input_shape(), 2024);
    const Activations out_a = a.forward(x), out_b = b.forward(x);
    for (int i = 0; i < a.size(); ++i)
        EXPECT_TRUE(same_bits(out_a.outputs[size_t(i)], out_b.outputs[size_t(match[size_t(i)])]))
            << "output of '" << a.node(i).name << "' is not bit-identical";
}

// import(export(graph)) from a file in dir.
Graph export_and_import(const Graph& graph, const fs::path& dir, const std::string& stem) {
    const fs::path path = dir / (stem + ".onnx");
    onnx_export(graph, path.string());
    Graph back = onnx_import(path.string());
    fs::remove(path);  // a VGG's is 0.5 GB
    return back;
}

// The zoo's ~140-million-parameter VGGs: structure and parameters only; running them four
// times would cost most of this file's time.
bool large(const std::string& name) {
    return name.rfind("vgg", 0) == 0;
}

// The same in memory: a VGG's file is 0.5 GB, and writing it to disk safely (fsync) takes
// seconds.
Graph export_and_import(const Graph& graph, const std::string& name) {
    return onnx_import_bytes(onnx_export_bytes(graph), name + ".onnx");
}

class OnnxRoundTripZoo : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxRoundTripZoo, ExportImportExportImportChangesNothing) {
    const std::string name = GetParam();
    const bool outputs = !large(name);
    Graph built = zoo_build(name);
    Graph first = export_and_import(built, name);
    // Built -> imported: the same but for the Flatten the exporter puts before a Gemm.
    expect_same_graph(built, first, true, outputs);
    built = Graph("freed");
    Graph second = export_and_import(first, name);
    expect_same_graph(first, second, false, outputs);
}

std::vector<std::string> zoo_names() {
    std::vector<std::string> names;
    for (const ZooEntry& e : zoo_list()) names.push_back(e.name);
    return names;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string s = info.param;
    for (char& ch : s)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return s;
}

INSTANTIATE_TEST_SUITE_P(Zoo, OnnxRoundTripZoo, ::testing::ValuesIn(zoo_names()), test_name);

// Has PyTorch write these cases into dir, in one run (loading PyTorch costs 2 s a run).
void export_with_pytorch(const fs::path& dir, const std::vector<std::string>& cases) {
    std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                          "/reference/onnx_export_models.py " + dir.string();
    for (const std::string& c : cases) command += " " + c;
    const fs::path log = dir / "export.log";
    command += " >" + log.string() + " 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << "the PyTorch exporter failed:\n"
                                               << testing::read_text(log);
}

// One test for all the cases, not one per case, so that PyTorch starts once.
void expect_pytorch_files_round_trip(bool slow) {
    std::vector<std::string> cases;
    for (const OnnxCase& c : k_onnx_cases)
        if (c.slow == slow) cases.push_back(c.name);
    const fs::path dir = testing::temp_dir(slow ? "onnx_roundtrip_slow" : "onnx_roundtrip_pytorch");
    export_with_pytorch(dir, cases);
    for (const std::string& name : cases) {
        SCOPED_TRACE(name);
        std::ifstream map_file(dir / name / "map.json");
        ASSERT_TRUE(map_file.good());
        const nlohmann::json map = nlohmann::json::parse(map_file);
        const fs::path file = dir / map["onnx"].get<std::string>();
        Graph first = onnx_import(file.string());
        fs::remove(file);
        fs::remove_all(dir / name);
        const Graph second = export_and_import(first, dir, name + "_again");
        expect_same_graph(first, second, false, !slow);
    }
}

TEST(OnnxRoundTrip, EveryPytorchExportImportsExportsAndImportsTheSame) {
    expect_pytorch_files_round_trip(false);
}

TEST(OnnxRoundTrip, SlowPytorchExports) {
    const char* slow = std::getenv("CONVLENS_ONNX_SLOW");
    if (!(slow && std::string(slow) == "1"))
        GTEST_SKIP() << "VGG-size models: CONVLENS_ONNX_SLOW=1";
    expect_pytorch_files_round_trip(true);
}

// 1..16 in a 4x4 map. Window (0, 0) of a 3x3 stride-2 pool padded by 1 covers 1, 2, 5, 6 and
// five padding cells: 14/4 without them, 14/9 with them.
Graph two_average_pools() {
    Graph g("avgpools");
    const int x = g.add_input("x", {1, 1, 4, 4});
    const int a =
        g.add("avg_excluding_pad", make_avgpool2d(pool(3, 2).with_pad(1).excluding_pad()), {x});
    const int b = g.add("avg_including_pad", make_avgpool2d(pool(3, 2).with_pad(1)), {x});
    g.add("both", make_concat(), {a, b});
    return g;
}

TEST(OnnxRoundTrip, AveragePoolKeepsCountIncludePad) {
    const fs::path dir = testing::temp_dir("onnx_roundtrip_avgpool");
    const Graph built = two_average_pools();
    const Graph first = export_and_import(built, dir, "first");
    const Graph second = export_and_import(first, dir, "second");
    expect_same_graph(built, second, false, true);
    Tensor x = Tensor::zeros({1, 1, 4, 4});
    for (int i = 0; i < 16; ++i) x[i] = float(i + 1);
    for (const Graph* g : {&built, &first, &second}) {
        const Activations acts = g->forward(x);
        const int excluding = g->find("avg_excluding_pad"),
                  including = g->find("avg_including_pad");
        ASSERT_GE(excluding, 0);
        ASSERT_GE(including, 0);
        EXPECT_FALSE(std::get<PoolParams>(g->node(excluding).op->attributes()).count_include_pad);
        EXPECT_TRUE(std::get<PoolParams>(g->node(including).op->attributes()).count_include_pad);
        EXPECT_FLOAT_EQ(acts.outputs[size_t(excluding)].at(0, 0, 0, 0), 14.0f / 4.0f);
        EXPECT_FLOAT_EQ(acts.outputs[size_t(including)].at(0, 0, 0, 0), 14.0f / 9.0f);
    }
}

// ONNX's default is count_include_pad = 0: an AveragePool without the attribute leaves the
// padding out (as onnxruntime computes it), and the export then says so explicitly.
TEST(OnnxRoundTrip, AveragePoolWithoutTheAttributeExcludesPadding) {
    const fs::path dir = testing::temp_dir("onnx_roundtrip_avgpool_default");
    const fs::path path = dir / "default.onnx";
    const std::string script =
        "import onnx, sys\n"
        "from onnx import helper, TensorProto\n"
        "n = helper.make_node('AveragePool', ['x'], ['y'], kernel_shape=[3, 3], strides=[2, 2], "
        "pads=[1, 1, 1, 1])\n"
        "g = helper.make_graph([n], 'g', [helper.make_tensor_value_info('x', TensorProto.FLOAT, "
        "[1, 1, 4, 4])], [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 1, 2, 2])])\n"
        "onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)]), "
        "sys.argv[1])\n";
    const fs::path script_file = dir / "write.py";
    std::ofstream(script_file) << script;
    const std::string command = std::string(CONVLENS_PYTHON) + " " + script_file.string() + " " +
                                path.string() + " >" + (dir / "log.txt").string() + " 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << testing::read_text(dir / "log.txt");
    const Graph first = onnx_import(path.string());
    const Graph second = export_and_import(first, dir, "again");
    Tensor x = Tensor::zeros({1, 1, 4, 4});
    for (int i = 0; i < 16; ++i) x[i] = float(i + 1);
    for (const Graph* g : {&first, &second}) {
        const int y = g->find("y");
        ASSERT_GE(y, 0);
        EXPECT_FLOAT_EQ(g->forward(x).outputs[size_t(y)].at(0, 0, 0, 0), 14.0f / 4.0f);
    }
}

// A BatchNorm's momentum survives ONNX's complementary convention exactly (0.1 -> 0.9 -> 0.1),
// as do the attributes no zoo model varies.
TEST(OnnxRoundTrip, AttributesTheZooLeavesAtTheirDefaults) {
    const fs::path dir = testing::temp_dir("onnx_roundtrip_attributes");
    Graph g("attributes");
    int x = g.add_input("x", {1, 4, 9, 9});
    PadParams pad;
    pad.top = 1;
    pad.left = 2;
    pad.bottom = 0;
    pad.right = 3;
    pad.value = -0.5f;
    x = g.add("pad", make_pad(pad), {x});
    x = g.add("conv", make_conv2d(4, conv(8, 3).with_groups(2).with_dilation(2).with_stride(2)),
              {x});
    x = g.add("bn", make_batchnorm2d(8, 1e-3f, 0.3f), {x});
    x = g.add("clip", make_clip(-0.25f, 0.75f), {x});
    LrnParams lrn;
    lrn.size = 3;
    lrn.alpha = 2e-4f;
    lrn.beta = 0.5f;
    lrn.k = 1.5f;
    x = g.add("lrn", make_lrn(lrn), {x});
    x = g.add("maxpool", make_maxpool2d(pool(2, 2).with_ceil()), {x});
    const int pick = g.add("pick", make_channel_pick(3), {x});
    const int scaled = g.add(
        "scaled",
        make_elementwise_constant(OpKind::Div, Tensor::from_vector({1, 1, 1, 1}, {4.0f}), true),
        {pick});
    x = g.add("sub", make_elementwise(OpKind::Sub), {pick, scaled});
    x = g.add("wide", make_shortcut_pad(5, 2), {x});
    x = g.add("flat", make_flatten(), {x});
    x = g.add("drop", make_dropout(0.25f), {x});
    x = g.add("fc", make_linear(int(g.node(x).shape.per_sample()), 3, false), {x});
    init_he(g, 7);
    const Graph first = export_and_import(g, dir, "first");
    expect_same_graph(g, first, false, true);
    const Graph second = export_and_import(first, dir, "second");
    expect_same_graph(first, second, false, true);
    EXPECT_EQ(std::get<BatchNormParams>(second.node(second.find("bn")).op->attributes()).momentum,
              0.3f);
}

TEST(OpAttributes, EqualityLooksAtEveryField) {
    EXPECT_EQ(OpAttributes(pool(3, 2)), OpAttributes(pool(3, 2)));
    EXPECT_FALSE(OpAttributes(pool(3, 2)) == OpAttributes(pool(3, 2).excluding_pad()));
    EXPECT_FALSE(OpAttributes(pool(3, 2)) == OpAttributes(pool(3, 2).with_ceil()));
    EXPECT_FALSE(OpAttributes(conv(8, 3)) == OpAttributes(conv(8, 3).with_groups(2)));
    EXPECT_FALSE(OpAttributes(std::monostate{}) == OpAttributes(ElementwiseParams()));
    EXPECT_EQ(make_conv2d(3, conv(8, 3))->attributes(),
              make_conv2d(conv(8, 3).with_in_channels(3))->attributes());
}

}  // namespace
}  // namespace cl
