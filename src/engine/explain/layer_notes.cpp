// The Walkthrough's words and structure (layer_notes.h). Everything is read from the graph: op
// kinds, shapes, geometry and parameter counts, so an imported ONNX model gets the same notes.
#include "engine/explain/layer_notes.h"

#include <algorithm>

#include "engine/summary.h"

namespace cl {

namespace {

const char* k_times = "\xC3\x97";  // ×
const char* k_arrow = " \xE2\x86\x92 ";
const char* k_dash = " \xE2\x80\x94 ";

// 4096 as the slides write it; 102,764,544 grouped. (A comma in a short number also invites
// the word wrap to break "4,|096" across lines.)
std::string n(int64_t v) {
    return v < 100000 ? std::to_string(v) : format_thousands(v);
}

std::string hw(const Shape& s) {
    return std::to_string(s.h) + k_times + std::to_string(s.w);
}

std::string chw(const Shape& s) {
    return std::to_string(s.c) + k_times + hw(s);
}

OpKind kind_of(const Graph& graph, int node) {
    return graph.node(node).op->kind();
}

bool is_elementwise(OpKind k) {
    return k == OpKind::Relu || k == OpKind::Tanh || k == OpKind::Sigmoid || k == OpKind::Lrn ||
           k == OpKind::BatchNorm2d || k == OpKind::Dropout || k == OpKind::Flatten ||
           k == OpKind::Mul || k == OpKind::Sub || k == OpKind::Div || k == OpKind::Clip ||
           k == OpKind::ChannelPick;
}

bool has_bias(const Node& node) {
    for (const NamedParam& p : node.op->read_params())
        if (p.name == "bias" && p.trainable) return true;
    return false;
}

// Walks back through element-wise layers to the layer that made this node's input.
int previous_layer(const Graph& graph, int node) {
    const std::vector<int>& in = graph.node(node).inputs;
    int x = in.empty() ? -1 : in[0];
    while (x >= 0 && is_elementwise(kind_of(graph, x)) && !graph.node(x).inputs.empty())
        x = graph.node(x).inputs[0];
    return x;
}

bool is_plain_3x3(const Graph& graph, int node) {
    const Node& nd = graph.node(node);
    if (nd.op->kind() != OpKind::Conv2d) return false;
    const LayerGeometry g = nd.op->geometry();
    const std::vector<Shape> in = graph.input_shapes(node);
    return g.kernel == 3 && g.stride == 1 && g.dilation == 1 && !in.empty() &&
           in[0].c == nd.shape.c;
}

bool is_first_conv(const Graph& graph, int node) {
    for (int i = 0; i < node; ++i)
        if (kind_of(graph, i) == OpKind::Conv2d) return false;
    return true;
}

int64_t total_params(const Graph& graph) {
    int64_t total = 0;
    for (const LayerSummary& l : summarize(graph).layers) total += l.params;
    return total;
}

std::string conv_note(const Graph& graph, int node) {
    const Node& nd = graph.node(node);
    const LayerGeometry g = nd.op->geometry();
    const Shape in = graph.input_shapes(node)[0], out = nd.shape;
    const std::string k = std::to_string(g.kernel) + k_times + std::to_string(g.kernel);
    const std::vector<MergeModule> modules = find_merge_modules(graph);
    const int m = module_of(modules, node);
    const bool in_residual = m >= 0 && kind_of(graph, modules[size_t(m)].merge) == OpKind::Add;
    const bool shortcut_branch =
        in_residual &&
        std::any_of(modules[size_t(m)].branches.begin(), modules[size_t(m)].branches.end(),
                    [&](const auto& b) { return b.size() <= 2 && !b.empty() && b[0] == node; });
    std::string text;
    if (g.kernel == 1) {
        text = "A 1" + std::string(k_times) +
               "1 convolution looks at one pixel at a time but at all " + std::to_string(in.c) +
               " channels: it mixes channels and sees no neighbours. ";
        if (shortcut_branch)
            text += "This is ResNet's projection shortcut: the shape changes here (" + chw(in) +
                    k_arrow + chw(out) + "), so x is projected with stride " +
                    std::to_string(g.stride) + " to fit F(x) before the two are added.";
        else if (out.c < in.c)
            text += "Here it cuts " + std::to_string(in.c) + " channels to " +
                    std::to_string(out.c) +
                    " before the expensive convolution that follows: GoogLeNet's 1" + k_times +
                    "1 reduction, the reason its inception modules are affordable.";
        else
            text += "Here it turns " + std::to_string(in.c) + " channels into " +
                    std::to_string(out.c) +
                    " new combinations of them, a cheap way to add depth and a non-linearity.";
        return text;
    }
    // "an 11x11", "an 8x8", "a 5x5"
    const bool vowel = g.kernel == 8 || g.kernel == 11 || g.kernel == 18 || g.kernel / 10 == 8;
    text = std::string(vowel ? "An " : "A ") + k + " convolution: each of the " +
           std::to_string(out.c) + " filters (" + k + k_times + std::to_string(in.c) +
           ") slides over the input and makes one output map, a weighted sum of a " + k +
           " window" +
           (in.c == 1 ? std::string(" of the one input channel. ")
                      : " across all " + std::to_string(in.c) + " input channels. ");
    if (is_first_conv(graph, node) && g.kernel >= 7 && g.stride >= 2) {
        text += "The first layer sees raw pixels: a large kernel with stride " +
                std::to_string(g.stride) + " shrinks " + hw(in) + " to " + hw(out) + " at once";
        if (g.stride >= 4)
            text += std::string(k_dash) + "why stride 4: on AlexNet's 227" + k_times +
                    "227 image every later layer would otherwise be huge; stride 4 leaves 1/16 "
                    "of the positions a stride 1 would give, while the 11" +
                    k_times + "11 window still sees enough for edges and colour blobs.";
        else
            text += ", so the expensive layers after it work on far fewer positions.";
        return text;
    }
    if (stacked_3x3(graph, node).convs >= 2) {
        const StackedConvs s = stacked_3x3(graph, node);
        text += "Stacked on the 3" + std::string(k_times) + "3 before it, it sees a " +
                std::to_string(s.receptive) + k_times + std::to_string(s.receptive) +
                " patch of that layer's input with fewer parameters than one " +
                std::to_string(s.receptive) + k_times + std::to_string(s.receptive) +
                " kernel and an extra ReLU in between: VGG's design.";
    } else if (g.stride >= 2) {
        text += "Stride " + std::to_string(g.stride) + " shrinks " + hw(in) + " to " + hw(out) +
                " while the channels grow to " + std::to_string(out.c) +
                ", so each layer costs about the same.";
    } else if (g.pad * 2 == g.kernel - 1) {
        text += "Padding " + std::to_string(g.pad) + " keeps the size at " + hw(out) +
                ", so only pooling (or stride) shrinks the maps.";
    } else {
        text += "Without enough padding the maps shrink by " + std::to_string(g.kernel - 1) + ": " +
                hw(in) + k_arrow + hw(out) + ".";
    }
    return text;
}

std::string pool_note(const Graph& graph, int node) {
    const Node& nd = graph.node(node);
    const LayerGeometry g = nd.op->geometry();
    const Shape in = graph.input_shapes(node)[0], out = nd.shape;
    const bool max = nd.op->kind() == OpKind::MaxPool2d;
    const std::string k = std::to_string(g.kernel) + k_times + std::to_string(g.kernel);
    std::string text = std::string(max ? "Max pooling keeps the largest"
                                       : "Average pooling keeps "
                                         "the mean") +
                       " value of each " + k + " window, stride " + std::to_string(g.stride) +
                       ": " + hw(in) + k_arrow + hw(out) + ", the " + std::to_string(out.c) +
                       " channels unchanged, no parameters. ";
    if (g.stride == 1)
        text +=
            "With stride 1 and padding it keeps the size: the pooling branch of an inception "
            "module, whose output can be stacked with the convolutions' outputs.";
    else if (g.kernel > g.stride)
        text +=
            "The windows overlap (AlexNet's overlapping pooling); shrinking the maps makes "
            "later layers cheaper and a little tolerant of small shifts.";
    else if (max)
        text +=
            "It keeps the strongest response of each region, so later layers are cheaper "
            "and a little tolerant of small shifts.";
    else
        text += "LeNet's subsampling: half the resolution, the average response kept.";
    return text;
}

std::string linear_note(const Graph& graph, int node) {
    const Node& nd = graph.node(node);
    const Shape in = graph.input_shapes(node)[0];
    const int64_t in_features = in.per_sample(), out_features = nd.shape.c;
    const int64_t params = (in_features + (has_bias(nd) ? 1 : 0)) * out_features;
    const int64_t total = total_params(graph);
    std::string text = "Fully connected: each of the " + n(out_features) +
                       " outputs is a weighted sum of all " + n(in_features) + " inputs, " +
                       n(params) + " parameters";
    if (total > 0 && params * 5 >= total) {
        const int pct = int(100.0 * double(params) / double(total) + 0.5);
        text += std::string(k_dash) + std::to_string(pct) +
                "% of the whole network's parameters in one layer, which is why later networks "
                "replaced these layers with global average pooling.";
    } else {
        text += ".";
    }
    if (node == graph.output_index() || (node + 1 == graph.output_index() &&
                                         kind_of(graph, graph.output_index()) == OpKind::Softmax))
        text += " The last layer gives one score per class.";
    return text;
}

std::string merge_note(const Graph& graph, int node) {
    const Node& nd = graph.node(node);
    const std::vector<Shape> in = graph.input_shapes(node);
    if (nd.op->kind() == OpKind::Concat) {
        std::string sum;
        for (const Shape& s : in) sum += (sum.empty() ? "" : " + ") + std::to_string(s.c);
        return "Depth concatenation: the " + std::to_string(in.size()) + " branch outputs, all " +
               hw(nd.shape) + ", are stacked along the channel axis: " + sum + " = " +
               std::to_string(nd.shape.c) + " channels. The inception module puts 1" + k_times +
               "1, 3" + k_times + "3, 5" + k_times +
               "5 filters and pooling side by side and lets training decide which "
               "matter.";
    }
    std::string text =
        "Residual connection: the output is F(x) + x, value by value. The block only has to learn "
        "the change F(x) to its input, and the gradient flows through the + unchanged, which is "
        "why 18, 34 or 152 layers still train.";
    const std::vector<MergeModule> modules = find_merge_modules(graph);
    const int m = module_of(modules, node);
    if (m >= 0) {
        const MergeModule& mod = modules[size_t(m)];
        const Shape x = graph.node(mod.input).shape;
        if (x != nd.shape)
            text += " The shape changes here (" + chw(x) + k_arrow + chw(nd.shape) +
                    "), so x takes a projection shortcut to fit.";
    }
    return text;
}

}  // namespace

std::vector<MergeModule> find_merge_modules(const Graph& graph) {
    std::vector<MergeModule> modules;
    for (int m = 0; m < graph.size(); ++m) {
        const Node& nd = graph.node(m);
        const OpKind k = nd.op->kind();
        if ((k != OpKind::Concat && k != OpKind::Add) || nd.inputs.size() < 2) continue;
        // Each branch's chain back to the graph's input, along first inputs.
        std::vector<std::vector<int>> chains;
        for (int x : nd.inputs) {
            std::vector<int> chain;
            for (int hops = 0; x >= 0 && hops < 64; ++hops) {
                chain.push_back(x);
                x = graph.node(x).inputs.empty() ? -1 : graph.node(x).inputs[0];
            }
            chains.push_back(std::move(chain));
        }
        int start = -1;
        for (int candidate : chains[0]) {
            const bool everywhere = std::all_of(chains.begin(), chains.end(), [&](const auto& c) {
                return std::find(c.begin(), c.end(), candidate) != c.end();
            });
            if (everywhere) {
                start = candidate;
                break;
            }
        }
        if (start < 0) continue;
        MergeModule mod;
        mod.input = start;
        mod.merge = m;
        for (const std::vector<int>& c : chains) {
            const auto end = std::find(c.begin(), c.end(), start);
            mod.branches.emplace_back(std::make_reverse_iterator(end), c.rend());
        }
        modules.push_back(std::move(mod));
    }
    return modules;
}

int module_of(const std::vector<MergeModule>& modules, int node) {
    for (size_t i = 0; i < modules.size(); ++i) {
        if (modules[i].merge == node) return int(i);
        for (const std::vector<int>& b : modules[i].branches)
            if (std::find(b.begin(), b.end(), node) != b.end()) return int(i);
    }
    return -1;
}

std::vector<int> walkthrough_steps(const Graph& graph, bool main_only) {
    std::vector<int> steps;
    for (int i = 0; i < graph.size(); ++i)
        if (!main_only || !is_elementwise(kind_of(graph, i)) || i == graph.output_index())
            steps.push_back(i);
    return steps;
}

StackedConvs stacked_3x3(const Graph& graph, int node) {
    StackedConvs s;
    if (!is_plain_3x3(graph, node)) return s;
    int count = 1;
    for (int x = previous_layer(graph, node); x >= 0 && is_plain_3x3(graph, x);
         x = previous_layer(graph, x))
        ++count;
    // The first conv of a VGG block changes the channels (64 -> 128) but still sees 3x3 of its
    // input: it counts as part of the run.
    const int before = [&] {
        int x = node;
        for (int i = 0; i < count; ++i) x = previous_layer(graph, x);
        return x;
    }();
    if (before >= 0 && kind_of(graph, before) == OpKind::Conv2d) {
        const LayerGeometry g = graph.node(before).op->geometry();
        if (g.kernel == 3 && g.stride == 1 && g.dilation == 1) ++count;
    }
    if (count < 2) return s;
    const Node& nd = graph.node(node);
    const int64_t c = nd.shape.c, r = 2 * count + 1, hw_out = int64_t(nd.shape.h) * nd.shape.w;
    const int bias = has_bias(nd) ? 1 : 0;
    s.convs = count;
    s.channels = int(c);
    s.receptive = int(r);
    s.stacked_params = count * (9 * c + bias) * c;
    s.single_params = (r * r * c + bias) * c;
    s.stacked_macs = count * 9 * c * c * hw_out;
    s.single_macs = r * r * c * c * hw_out;
    const std::string cs = std::to_string(c), rs = std::to_string(r);
    const std::string fan = bias ? "(3·3·" + cs + " + 1)·" + cs : "3·3·" + cs + "·" + cs;
    const std::string rfan =
        bias ? "(" + rs + "·" + rs + "·" + cs + " + 1)·" + cs : rs + "·" + rs + "·" + cs + "·" + cs;
    s.stacked_formula =
        std::to_string(count) + "·" + fan + " = " + format_thousands(s.stacked_params);
    s.single_formula = rfan + " = " + format_thousands(s.single_params);
    return s;
}

bool inception_widths(const Graph& graph, const MergeModule& m, InceptionWidths& w) {
    if (m.branches.size() != 4) return false;
    std::vector<std::vector<int>> convs;
    for (const std::vector<int>& b : m.branches) {
        convs.emplace_back();
        for (int i : b)
            if (kind_of(graph, i) == OpKind::Conv2d) convs.back().push_back(i);
    }
    const bool pool_first =
        !m.branches[3].empty() && kind_of(graph, m.branches[3][0]) == OpKind::MaxPool2d;
    if (convs[0].size() != 1 || convs[1].size() != 2 || convs[2].size() != 2 ||
        convs[3].size() != 1 || !pool_first)
        return false;
    auto width = [&](int node) { return graph.node(node).shape.c; };
    w.c1x1 = width(convs[0][0]);
    w.c3x3_reduce = width(convs[1][0]);
    w.c3x3 = width(convs[1][1]);
    w.c5x5_reduce = width(convs[2][0]);
    w.c5x5 = width(convs[2][1]);
    w.pool_proj = width(convs[3][0]);
    return true;
}

std::string layer_note(const Graph& graph, int node) {
    const Node& nd = graph.node(node);
    const Shape out = nd.shape;
    switch (nd.op->kind()) {
        case OpKind::Input:
            return "The input: " + hw(out) + " pixels with " + std::to_string(out.c) +
                   (out.c == 1   ? " channel (grey)"
                    : out.c == 3 ? " channels (red, green, blue)"
                                 : " channels") +
                   ". Every size in the table follows from it, layer by layer.";
        case OpKind::Conv2d:
            return conv_note(graph, node);
        case OpKind::MaxPool2d:
        case OpKind::AvgPool2d:
            return pool_note(graph, node);
        case OpKind::GlobalAvgPool:
            return "Global average pooling: each " + hw(graph.input_shapes(node)[0]) +
                   " map becomes its mean, " + std::to_string(out.c) + " maps" + k_arrow +
                   std::to_string(out.c) +
                   " numbers, with no parameters. It replaces the huge fully connected layers of "
                   "AlexNet and VGG (VGG16's fc6 alone has 102,764,544 parameters).";
        case OpKind::Linear:
            return linear_note(graph, node);
        case OpKind::Relu:
            return "ReLU: max(0, x) for every value, so negative responses become 0. Without a "
                   "non-linearity between them, stacked layers would collapse into one linear "
                   "map. No parameters, same shape.";
        case OpKind::Tanh:
        case OpKind::Sigmoid:
            return "A squashing non-linearity, as in LeNet's time. ReLU replaced it: it does not "
                   "saturate, so deep networks train much faster.";
        case OpKind::Lrn:
            return "Local response normalisation (AlexNet): each value is divided by the activity "
                   "of neighbouring channels at the same pixel, so strong responses suppress "
                   "their neighbours. Later networks use batch normalisation instead.";
        case OpKind::BatchNorm2d:
            return "Batch normalisation: each of the " + std::to_string(out.c) +
                   " channels is brought to mean 0 and variance 1 with statistics from training, "
                   "then scaled and shifted by two learned numbers. It lets deep networks such "
                   "as ResNet train quickly and stably.";
        case OpKind::Flatten:
            return "Flatten: the " + chw(graph.input_shapes(node)[0]) +
                   " maps are laid out as one vector of " + n(out.per_sample()) +
                   " numbers for the fully connected layers; the spatial layout ends here.";
        case OpKind::Dropout:
            return "Dropout: during training it zeroes a random part of the values so that no "
                   "unit can rely on another (AlexNet's cure for overfitting). At inference, as "
                   "here, it passes the values through unchanged.";
        case OpKind::Concat:
        case OpKind::Add:
            return merge_note(graph, node);
        case OpKind::ShortcutPad:
            return "Parameter-free shortcut: x subsampled with the block's stride and padded with "
                   "zero channels to " +
                   std::to_string(out.c) + ", so it can be added to F(x).";
        case OpKind::Softmax:
            return "Softmax turns the " + std::to_string(out.c) +
                   " scores into probabilities: e^z / sum of e^z, all positive, summing to 1. "
                   "The largest is the network's answer.";
        default:
            return std::string(op_kind_name(nd.op->kind())) +
                   ": an element-wise step with no parameters; the shape stays " + chw(out) + ".";
    }
}

}  // namespace cl
