// Attribution maps (engine/explain/attribution.h): saliency and Grad-CAM against PyTorch's
// autograd (tests/reference/attribution_torch.py) on the trained LeNet-5 and on an imported
// torchvision ResNet-18; occlusion against a naive loop; finite differences, inference mode,
// the refusals and their messages; and the backward pass that stops at Grad-CAM's layer.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_runner.h"
#include "engine/error.h"
#include "engine/explain/activation_max.h"
#include "engine/explain/attribution.h"
#include "engine/io/model_input.h"
#include "engine/io/npy.h"
#include "engine/io/onnx_import.h"
#include "engine/model_loader.h"
#include "engine/paths.h"
#include "engine/threading.h"
#include "engine/train/backprop.h"
#include "engine/train/loss.h"
#include "engine/zoo/zoo.h"
#include "testing.h"

namespace cl {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int k_exit_no_torch = 77;

// The largest max |got - want| / max |want| seen, for the summary line.
double g_worst = 0;

// max |got - want| <= rel * max |want|: the criterion of the ONNX tests, as an element-wise
// relative one fails on gradients that cross zero.
::testing::AssertionResult close_to_reference(const Tensor& got, const Tensor& want, double rel) {
    if (got.numel() != want.numel())
        return ::testing::AssertionFailure()
               << "sizes differ: " << got.shape().str() << " vs " << want.shape().str();
    double max_ref = 0, max_diff = 0;
    for (int64_t i = 0; i < want.numel(); ++i) {
        max_ref = std::max(max_ref, double(std::fabs(want[i])));
        const double d = std::fabs(double(got[i]) - double(want[i]));
        if (!(d <= max_diff)) max_diff = d;  // NaN sticks
    }
    if (max_ref > 0) g_worst = std::max(g_worst, max_diff / max_ref);
    if (max_diff <= rel * max_ref && max_ref > 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "max |diff| " << max_diff << " vs " << rel << " x max |reference| " << max_ref;
}

Tensor digit(const std::string& file) {
    return input_from_file(asset_path("samples/" + file), {1, 1, 28, 28}).tensor;
}

// Runs the oracle for one model; nullopt when PyTorch is missing (the test skips).
std::optional<json> torch_oracle(const fs::path& dir, const std::string& model,
                                 const std::string& extra = "") {
    const fs::path log = dir / (model + ".log");
    const std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                "/reference/attribution_torch.py " + dir.string() + " " + model +
                                " " + extra + " >" + log.string() + " 2>&1";
    const int status = std::system(command.c_str());
    if (WIFEXITED(status) && WEXITSTATUS(status) == k_exit_no_torch) return std::nullopt;
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "attribution_torch.py failed:\n"
                                                               << testing::read_text(log);
    std::ifstream in(dir / (model + ".json"));
    return json::parse(in, nullptr, false);
}

// Every case of the oracle against ConvLens on the same graph and input.
void check_against_torch(Graph& graph, const Tensor& input, const json& cases,
                         const fs::path& dir) {
    ASSERT_FALSE(cases.is_discarded());
    g_worst = 0;
    int checked = 0;
    for (const json& c : cases["cases"]) {
        const int k = c["class"];
        const std::string method = c["method"];
        SCOPED_TRACE(method + " class " + std::to_string(k) +
                     (c.contains("layer") ? " at " + c["layer"].get<std::string>() : ""));
        const Tensor want = npy_read((dir / c["map"].get<std::string>()).string());
        if (method == "saliency") {
            const Attribution a = saliency(graph, input, k);
            EXPECT_EQ(a.target.predicted, c["predicted"].get<int>());
            EXPECT_NEAR(a.target.score, c["score"].get<double>(),
                        1e-4 * std::fabs(double(c["score"])));
            EXPECT_TRUE(close_to_reference(a.map, want, 1e-4));
        } else {
            const int layer = graph.require(c["layer"].get<std::string>());
            const GradCam g = grad_cam(graph, input, layer, k);
            EXPECT_EQ(g.map.shape(),
                      Shape({1, 1, graph.node(layer).shape.h, graph.node(layer).shape.w}));
            EXPECT_TRUE(close_to_reference(g.map, want, 1e-4)) << "map";
            const Tensor alphas = npy_read((dir / c["alphas"].get<std::string>()).string());
            EXPECT_TRUE(close_to_reference(
                Tensor::from_vector({1, int(g.alphas.size()), 1, 1}, g.alphas), alphas, 1e-4))
                << "alphas";
        }
        ++checked;
    }
    EXPECT_GT(checked, 0);
    std::printf("%s: %d maps against PyTorch (float64), worst max|diff| / max|reference| %.2g\n",
                graph.name().c_str(), checked, g_worst);
}

TEST(AttributionTorch, LeNet5TrainedWeights) {
    const fs::path dir = testing::temp_dir("attribution_lenet5_" + std::to_string(getpid()));
    const Tensor input = digit("digit-7.png");
    npy_write((dir / "lenet5_input.npy").string(), input);
    const auto cases = torch_oracle(dir, "lenet5", asset_path("lenet5-mnist.safetensors"));
    if (!cases) GTEST_SKIP() << "PyTorch is not importable by " << CONVLENS_PYTHON;
    Graph graph = load_model("lenet5");
    check_against_torch(graph, input, *cases, dir);
    if (!HasFailure()) fs::remove_all(dir);
}

TEST(AttributionTorch, ResNet18FromOnnx) {
    const fs::path dir = testing::temp_dir("attribution_resnet18_" + std::to_string(getpid()));
    const auto cases = torch_oracle(dir, "resnet18");
    if (!cases) GTEST_SKIP() << "PyTorch is not importable by " << CONVLENS_PYTHON;
    ASSERT_FALSE(cases->is_discarded());
    Graph graph = onnx_import((dir / (*cases)["onnx"].get<std::string>()).string());
    const Tensor input = npy_read((dir / (*cases)["input"].get<std::string>()).string());
    check_against_torch(graph, input, *cases, dir);
    if (!HasFailure()) fs::remove_all(dir);
}

// A small graph with every kind of op the gradient passes through: BatchNorm (whose running
// statistics inference must use), a conv whose ReLU the forward fuses, max and average pooling,
// a residual Add, dropout and a final softmax.
Graph small_net() {
    ZooOptions zo;
    zo.seed = 3;
    GraphBuilder b("small", zo);
    int x = b.input("input", {1, 2, 12, 12});
    x = b.conv2d("conv1", x, conv(4, 3).with_pad(1));
    x = b.batchnorm("bn1", x);
    const int r1 = b.relu("relu1", x);
    x = b.conv2d("conv2", r1, conv(4, 3).with_pad(1));
    x = b.relu("relu2", x);  // fused into conv2 by the forward
    x = b.add("add", x, r1);
    x = b.maxpool("pool", x, pool(2, 2));
    x = b.avgpool("avg", x, pool(2, 2));
    x = b.flatten("flatten", x);
    x = b.dropout("drop", x, 0.5f);
    x = b.linear("fc", x, 5);
    b.softmax("softmax", x);
    Graph g = b.finish();
    // Running statistics away from 0 and 1, so that batch statistics would give other numbers.
    for (GraphParam& p : g.params())
        if (p.name == "bn1.running_mean" || p.name == "bn1.running_var")
            for (int64_t i = 0; i < p.param.value->numel(); ++i)
                (*p.param.value)[i] =
                    p.name == "bn1.running_var" ? 2.0f + 0.5f * float(i) : 0.3f * float(i) - 0.4f;
    return g;
}

double logit(const Graph& g, const Tensor& x, int k) {
    return g.forward(x).outputs[size_t(logits_node(g))][k];
}

TEST(Attribution, SaliencyMatchesFiniteDifferencesInInferenceMode) {
    Graph g = small_net();
    const Tensor x = testing::random_tensor(g.input_shape(), 11);
    g.set_training(true);  // BatchNorm would use batch statistics, dropout would drop
    EXPECT_THROW(saliency(g, x, 2), Error);
    EXPECT_THROW(occlusion(g, x, 2), Error);
    g.set_training(false);
    const Attribution a = saliency(g, x, 2);
    ASSERT_EQ(a.map.shape(), x.shape());
    EXPECT_EQ(a.target.index, 2);
    double worst = 0, largest = 0;
    for (int64_t i = 0; i < x.numel(); i += 7) {
        Tensor plus = x.clone(), minus = x.clone();
        const float h = 1e-2f;
        plus[i] += h;
        minus[i] -= h;
        const double numeric = (logit(g, plus, 2) - logit(g, minus, 2)) / (2.0 * h);
        worst = std::max(worst, std::fabs(numeric - a.map[i]));
        largest = std::max(largest, std::fabs(numeric));
    }
    EXPECT_GT(largest, 0.0);
    EXPECT_LT(worst, 2e-3 * std::max(1.0, largest));
}

TEST(Attribution, GradientTimesInputIsSaliencyTimesInput) {
    Graph g = small_net();
    const Tensor x = testing::random_tensor(g.input_shape(), 12);
    const Attribution s = saliency(g, x, 1);
    const Attribution gx = gradient_times_input(g, x, 1);
    for (int64_t i = 0; i < x.numel(); ++i) EXPECT_FLOAT_EQ(gx.map[i], s.map[i] * x[i]);
}

TEST(Attribution, GradCamIsTheTextbookFormula) {
    Graph g = small_net();
    const Tensor x = testing::random_tensor(g.input_shape(), 13);
    const int layer = g.require("relu1");
    const GradCam cam = grad_cam(g, x, layer);
    EXPECT_EQ(cam.target.index, cam.target.predicted);
    // The gradient at relu1 from a full backward pass (parameters included), by hand.
    const Activations acts = g.forward(x);
    const int logits = logits_node(g);
    Tensor seed = Tensor::zeros(acts.outputs[size_t(logits)].shape());
    seed[cam.target.index] = 1.0f;
    Graph copy = g.clone();
    const NodeGradients grads = graph_backward(copy, copy.forward(x), logits, seed, true);
    const Tensor& d = grads.grads[size_t(layer)];
    const Tensor& a = acts.outputs[size_t(layer)];
    const Shape s = a.shape();
    ASSERT_EQ(int(cam.alphas.size()), s.c);
    for (int y = 0; y < s.h; ++y)
        for (int xx = 0; xx < s.w; ++xx) {
            double sum = 0;
            for (int c = 0; c < s.c; ++c) {
                double alpha = 0;
                for (int i = 0; i < s.h * s.w; ++i) alpha += d.plane(0, c)[i];
                alpha /= s.h * s.w;
                if (y == 0 && xx == 0) {
                    EXPECT_NEAR(cam.alphas[size_t(c)], alpha, 1e-6);
                }
                sum += alpha * a.at(0, c, y, xx);
            }
            EXPECT_NEAR(cam.map.at(0, 0, y, xx), std::max(0.0, sum), 1e-5);
        }
}

TEST(Attribution, NoParameterGradientIsTouched) {
    Graph g = small_net();
    const Tensor x = testing::random_tensor(g.input_shape(), 14);
    saliency(g, x);
    grad_cam(g, x, g.require("conv2"));
    for (const GraphParam& p : g.params()) {
        if (p.param.grad) {
            EXPECT_TRUE(p.param.grad->empty()) << p.name;
        }
    }
}

// The graph is shared read-only: explanations on two threads at once give what one gives.
TEST(Attribution, ConcurrentCallsOnOneGraph) {
    const Graph g = load_model("lenet5");
    const Tensor x = digit("digit-5.png");
    const Attribution alone = saliency(g, x);
    const GradCam cam_alone = grad_cam(g, x, g.require("conv2"));
    std::vector<Attribution> sal(4);
    std::vector<GradCam> cams(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            sal[size_t(t)] = saliency(g, x);
            cams[size_t(t)] = grad_cam(g, x, g.require("conv2"));
        });
    for (std::thread& t : threads) t.join();
    for (int t = 0; t < 4; ++t) {
        EXPECT_TENSORS_CLOSE(sal[size_t(t)].map, alone.map, 1e-6f, 1e-9f);
        EXPECT_TENSORS_CLOSE(cams[size_t(t)].map, cam_alone.map, 1e-6f, 1e-9f);
    }
}

TEST(Attribution, BackwardStopsAtTheWantedLayer) {
    Graph g = small_net();
    const Tensor x = testing::random_tensor(g.input_shape(), 15);
    const Activations acts = g.forward(x);
    const int logits = logits_node(g), layer = g.require("add");
    BackwardOptions o;
    o.wanted = layer;
    o.param_grads = false;
    const NodeGradients grads =
        graph_backward(g, acts, logits, Tensor::filled(acts.outputs[size_t(logits)].shape(), 1), o);
    EXPECT_FALSE(grads.grads[size_t(layer)].empty());
    for (int i = 0; i < layer; ++i) EXPECT_TRUE(grads.grads[size_t(i)].empty()) << g.node(i).name;
}

TEST(Attribution, RefusalsNameTheProblem) {
    Graph g = load_model("lenet5");
    const Tensor x = digit("digit-3.png");
    auto message = [](const std::function<void()>& f) {
        try {
            f();
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    EXPECT_NE(message([&] { grad_cam(g, x, g.require("fc1")); }).find("spatial output"),
              std::string::npos);
    EXPECT_NE(message([&] { grad_cam(g, x, g.require("softmax")); }).find("does not feed"),
              std::string::npos);
    EXPECT_NE(message([&] { saliency(g, x, 10); }).find("class 10 is out of range"),
              std::string::npos);
    EXPECT_NE(message([&] {
                  occlusion(g, x, 0, [] {
                      OcclusionOptions o;
                      o.patch = 29;
                      return o;
                  }());
              }).find("does not fit"),
              std::string::npos);
    Tensor two = Tensor::zeros({2, 1, 28, 28});
    EXPECT_NE(message([&] { saliency(g, two); }).find("one input"), std::string::npos);
}

// An op without a backward. Every engine op has one today; one added for inference only (an
// importer's new operator, say) must not make the gradient methods fail half-way.
class ForwardOnlyDouble final : public Op {
public:
    OpKind kind() const override { return OpKind::Mul; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<ForwardOnlyDouble>(); }
    Shape infer_shape(const std::vector<Shape>& inputs) const override { return inputs.at(0); }
    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        for (int64_t i = 0; i < output.numel(); ++i) output[i] = 2.0f * (*inputs[0])[i];
    }
};

// The forward-only op below conv2: gradient methods that must cross it refuse up front, naming
// node and op; Grad-CAM above it and occlusion still work.
TEST(Attribution, ForwardOnlyOpIsNamedUpFront) {
    const Graph lenet = load_model("lenet5");
    for (const Node& node : lenet.nodes())
        EXPECT_TRUE(node.op->kind() == OpKind::Input || node.op->has_backward()) << node.name;
    ZooOptions zo;
    GraphBuilder b("scaled", zo);
    int x = b.input("input", {1, 1, 10, 10});
    x = b.conv2d("conv1", x, conv(3, 3));
    x = b.graph().add("scale", std::make_unique<ForwardOnlyDouble>(), {x});
    x = b.conv2d("conv2", x, conv(4, 3));
    x = b.relu("relu2", x);
    x = b.flatten("flatten", x);
    b.linear("fc", x, 3);
    const Graph g = b.finish();
    const int scale = g.require("scale");
    EXPECT_EQ(first_without_backward(g, logits_node(g), 0), scale);
    EXPECT_EQ(first_without_backward(g, logits_node(g), g.require("conv2")), -1);
    const Tensor in = testing::random_tensor(g.input_shape(), 16, 0.0f, 1.0f);
    try {
        saliency(g, in);
        ADD_FAILURE() << "saliency ran through an op without backward";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("'scale' (Mul)"), std::string::npos) << m;
        EXPECT_NE(m.find("occlusion"), std::string::npos) << m;
    }
    EXPECT_THROW(grad_cam(g, in, g.require("conv1")), Error);
    ActivationMaxOptions o;
    o.node = g.require("relu2");
    EXPECT_THROW(ActivationMaximizer(g, o), Error);
    EXPECT_NO_THROW(grad_cam(g, in, g.require("relu2")));
    EXPECT_FALSE(occlusion(g, in).map.empty());
}

TEST(Attribution, DefaultGradCamLayer) {
    const Graph lenet = load_model("lenet5");
    EXPECT_EQ(lenet.node(default_grad_cam_layer(lenet)).name, "relu2");
    const Graph resnet = zoo_build("resnet18", [] {
        ZooOptions o;
        o.initialize = false;
        return o;
    }());
    EXPECT_EQ(resnet.node(default_grad_cam_layer(resnet)).name, "layer4.1.relu_out");
}

// Occlusion against the plainest loop: one forward pass per patch position.
TEST(Attribution, OcclusionEqualsNaiveLoop) {
    const Graph g = load_model("lenet5");
    const Tensor x = digit("digit-4.png");
    OcclusionOptions o;
    o.patch = 5;
    o.stride = 3;
    o.batch = 7;  // chunks that do not divide the 64 positions
    int calls = 0, last_done = 0;
    ExplainControl control;
    control.progress = [&](int done, int total) {
        ++calls;
        EXPECT_EQ(total, 64);
        EXPECT_GT(done, last_done);
        last_done = done;
    };
    const Occlusion occ = occlusion(g, x, 4, o, control);
    EXPECT_EQ(occ.map.shape(), Shape({1, 1, 8, 8}));  // (28 - 5) / 3 + 1
    EXPECT_EQ(last_done, 64);
    EXPECT_GE(calls, 1);
    double mean = 0;
    for (int64_t i = 0; i < x.numel(); ++i) mean += x[i];
    mean /= double(x.numel());
    EXPECT_NEAR(occ.fill, mean, 1e-6);
    auto p4 = [&](const Tensor& in) {
        const Tensor& y = g.forward(in).outputs[size_t(logits_node(g))];
        double top = y[0], sum = 0;
        for (int k = 1; k < 10; ++k) top = std::max(top, double(y[k]));
        for (int k = 0; k < 10; ++k) sum += std::exp(double(y[k]) - top);
        return std::exp(double(y[4]) - top) / sum;
    };
    const double p0 = p4(x);
    EXPECT_NEAR(occ.target.probability, p0, 1e-6);
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j) {
            Tensor hidden = x.clone();
            for (int y = i * 3; y < i * 3 + 5; ++y)
                for (int xx = j * 3; xx < j * 3 + 5; ++xx) hidden.at(0, 0, y, xx) = occ.fill;
            EXPECT_NEAR(occ.map.at(0, 0, i, j), p0 - p4(hidden), 1e-6) << i << "," << j;
        }
}

TEST(Attribution, OcclusionStopsWhenAsked) {
    const Graph g = load_model("lenet5");
    ExplainControl control;
    int asked = 0;
    control.keep_going = [&] { return ++asked < 2; };
    OcclusionOptions o;
    o.patch = 2;
    o.stride = 1;
    o.batch = 4;
    const Occlusion occ = occlusion(g, digit("digit-1.png"), k_predicted_class, o, control);
    EXPECT_TRUE(occ.cancelled);
    EXPECT_TRUE(occ.map.empty());
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double millis(const std::function<void()>& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

// A measurement, not an assertion (the machine may be busy): Grad-CAM at ResNet-18's usual
// layer against one forward pass, and saliency (a backward pass all the way to the input);
// medians of 7.
TEST(AttributionSpeed, ResNet18GradCamAgainstForward) {
    const int threads = thread_count();
    set_thread_count(2);
    Graph g = zoo_build("resnet18");
    const Tensor x = testing::random_tensor(g.input_shape(), 17, 0.0f, 1.0f);
    const int layer = default_grad_cam_layer(g);
    g.forward(x);  // warm-up: the arena's first block
    grad_cam(g, x, layer);
    // Interleaved, so that a change in the machine's load hits the three alike.
    std::vector<double> forwards, cams, saliencies;
    for (int r = 0; r < 7; ++r) {
        forwards.push_back(millis([&] { g.forward(x); }));
        cams.push_back(millis([&] { grad_cam(g, x, layer); }));
        saliencies.push_back(millis([&] { saliency(g, x); }));
    }
    const double forward = median(forwards), cam = median(cams), sal = median(saliencies);
    std::printf(
        "resnet18, 2 threads: forward %.1f ms, Grad-CAM at %s %.1f ms (%.2fx), saliency "
        "%.1f ms (%.2fx)\n",
        forward, g.node(layer).name.c_str(), cam, cam / forward, sal, sal / forward);
    set_thread_count(threads);
    EXPECT_GT(forward, 0.0);
}

}  // namespace
}  // namespace cl
