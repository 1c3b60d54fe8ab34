// The structural table: every number comes from the graph (node shapes, the ops' params(),
// attributes(), geometry() and macs()); the formulas are checked against those numbers before
// they are shown.
#include "engine/summary.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cl {

namespace {

std::string num(int64_t v) {
    return std::to_string(v);
}

// ⌊(in − k + 2·p)/s⌋ + 1 = out for one axis, or ⌈…⌉ when the op rounds up (ceil_mode). Empty
// when neither reproduces the node's size (asymmetric padding): better no formula than a wrong one.
std::string axis_formula(int in, const LayerGeometry& g, int out) {
    const int span = g.dilation * (g.kernel - 1) + 1;
    const int room = in - span + 2 * g.pad;
    if (room < 0 || g.stride < 1) return "";
    const std::string k = g.dilation == 1
                              ? num(g.kernel)
                              : "(" + num(g.dilation) + "·(" + num(g.kernel) + " − 1) + 1)";
    const std::string inner =
        "(" + num(in) + " − " + k + " + 2·" + num(g.pad) + ")/" + num(g.stride);
    if (room / g.stride + 1 == out) return "⌊" + inner + "⌋ + 1 = " + num(out);
    if ((room + g.stride - 1) / g.stride + 1 == out) return "⌈" + inner + "⌉ + 1 = " + num(out);
    return "";
}

std::string output_formula(const LayerGeometry& g, const Shape& in, const Shape& out) {
    if (g.kernel <= 0) return "";
    if (in.h == in.w && out.h == out.w) return axis_formula(in.h, g, out.h);
    const std::string h = axis_formula(in.h, g, out.h), w = axis_formula(in.w, g, out.w);
    if (h.empty() || w.empty()) return "";
    return "H: " + h + "; W: " + w;
}

// Built from the weight tensor's own shape; shown only when it adds up to the counted params.
std::string param_formula(const Node& node, int64_t params) {
    const Tensor* weight = nullptr;
    bool bias = false;
    for (const NamedParam& p : node.op->read_params()) {
        if (p.name == "weight") weight = p.value;
        if (p.name == "bias" && p.trainable) bias = true;
    }
    if (!weight || params == 0) return "";
    const Shape& w = weight->shape();
    std::string text;
    int64_t value = 0;
    switch (node.op->kind()) {
        case OpKind::Conv2d: {  // [Cout, Cin/groups, K, K]
            const std::string fan_in = num(w.h) + "·" + num(w.w) + "·" + num(w.c);
            text = bias ? "(" + fan_in + " + 1)·" + num(w.n) : fan_in + "·" + num(w.n);
            value = (int64_t(w.h) * w.w * w.c + (bias ? 1 : 0)) * w.n;
            break;
        }
        case OpKind::Linear:  // [out, in]
            text = bias ? "(" + num(w.c) + " + 1)·" + num(w.n) : num(w.c) + "·" + num(w.n);
            value = (int64_t(w.c) + (bias ? 1 : 0)) * w.n;
            break;
        case OpKind::BatchNorm2d:  // gamma and beta per channel
            text = (bias ? "2·" : "") + num(w.numel());
            value = w.numel() * (bias ? 2 : 1);
            break;
        default:
            return "";
    }
    if (value != params) return "";
    return text + " = " + format_thousands(value);
}

// Counts UTF-8 code points: the formulas' ⌊ ⌋ · − are one column each.
size_t display_width(const std::string& s) {
    return size_t(std::count_if(s.begin(), s.end(), [](char ch) {
        return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }));
}

std::string pad_to(const std::string& s, size_t width, bool right_align) {
    const size_t w = display_width(s);
    if (w >= width) return s;
    const std::string fill(width - w, ' ');
    return right_align ? fill + s : s + fill;
}

std::string hwc(const Shape& s) {
    return num(s.h) + "x" + num(s.w) + "x" + num(s.c);
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string quoted = "\"";
    for (char ch : s) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return quoted + "\"";
}

std::string with_unit(double value) {  // 15470264320 -> "15.5 G"
    const char* units[] = {"", " K", " M", " G", " T"};
    int u = 0;
    while (value >= 1000.0 && u < 4) {
        value /= 1000.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f%s" : "%.2f%s", value, units[u]);
    return buf;
}

}  // namespace

std::string format_thousands(int64_t value) {
    const std::string digits = std::to_string(value < 0 ? -value : value);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return value < 0 ? "-" + out : out;
}

std::string format_bytes(int64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB"};
    double value = double(bytes);
    int u = 0;
    while (value >= 1024.0 && u < 3) {
        value /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f %s" : "%.1f %s", value, units[u]);
    return buf;
}

ModelSummary summarize(const Graph& graph) {
    ModelSummary s;
    s.model = graph.name();
    s.input = graph.input_shape();
    for (int i = 0; i < graph.size(); ++i) {
        const Node& node = graph.node(i);
        const std::vector<Shape> inputs = graph.input_shapes(i);
        LayerSummary row;
        row.name = node.name;
        row.op = op_kind_name(node.op->kind());
        row.input = inputs.empty() ? node.shape : inputs[0];
        row.output = node.shape;
        const LayerGeometry g = node.op->geometry();
        if (g.kernel > 0) {
            row.kernel = g.kernel;
            row.stride = g.stride;
            row.pad = g.pad;
        }
        row.in_channels = row.input.c;
        const OpAttributes attributes = node.op->attributes();
        if (const auto* fc = std::get_if<LinearParams>(&attributes))
            row.in_channels = fc->in_features;
        if (node.op->kind() == OpKind::Concat) {
            row.in_channels = 0;
            for (const Shape& in : inputs) row.in_channels += in.c;
        }
        row.out_channels = node.shape.c;
        for (const NamedParam& p : node.op->read_params()) {
            s.weight_bytes += p.value->numel() * int64_t(sizeof(float));
            if (!p.trainable) continue;
            (p.name == "bias" ? row.bias_params : row.weight_params) += p.value->numel();
        }
        row.params = row.weight_params + row.bias_params;
        row.macs = node.op->macs(inputs, node.shape);
        row.activation_bytes = node.shape.numel() * int64_t(sizeof(float));
        row.output_formula = output_formula(g, row.input, row.output);
        row.param_formula = param_formula(node, row.params);
        s.total_params += row.params;
        s.total_macs += row.macs;
        s.total_activation_bytes += row.activation_bytes;
        s.layers.push_back(std::move(row));
    }
    return s;
}

std::string summary_table(const ModelSummary& summary) {
    const std::vector<std::string> header = {
        "layer", "op",  "input HxWxC", "output HxWxC", "kernel", "stride", "pad",
        "in",    "out", "weights",     "bias",         "params", "MACs",   "act. memory"};
    const size_t left_aligned = 4;  // layer, op, input, output; the rest are numbers
    std::vector<std::vector<std::string>> rows;
    for (const LayerSummary& l : summary.layers) {
        const bool spatial = l.kernel > 0;
        rows.push_back({l.name, l.op, hwc(l.input), hwc(l.output),
                        spatial ? num(l.kernel) + "x" + num(l.kernel) : "-",
                        spatial ? num(l.stride) : "-", spatial ? num(l.pad) : "-",
                        num(l.in_channels), num(l.out_channels), format_thousands(l.weight_params),
                        format_thousands(l.bias_params), format_thousands(l.params),
                        format_thousands(l.macs), format_bytes(l.activation_bytes)});
    }
    std::vector<size_t> width(header.size());
    for (size_t c = 0; c < header.size(); ++c) {
        width[c] = display_width(header[c]);
        for (const auto& r : rows) width[c] = std::max(width[c], display_width(r[c]));
    }
    std::ostringstream out;
    auto print_row = [&](const std::vector<std::string>& r) {
        std::string line;
        for (size_t c = 0; c < r.size(); ++c)
            line += (c ? "  " : "") + pad_to(r[c], width[c], c >= left_aligned);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << "\n";
    };
    size_t total_width = 0;
    for (size_t w : width) total_width += w + 2;
    const std::string rule(total_width - 2, '-');

    int64_t weights = 0, bias = 0;
    for (const LayerSummary& l : summary.layers) {
        weights += l.weight_params;
        bias += l.bias_params;
    }
    out << summary.model << " (input " << summary.input.chw() << ")\n";
    print_row(header);
    out << rule << "\n";
    for (const auto& r : rows) print_row(r);
    out << rule << "\n";
    out << "total params: " << format_thousands(summary.total_params) << " (weights "
        << format_thousands(weights) << " + bias " << format_thousands(bias) << "), "
        << format_bytes(summary.weight_bytes) << " of float32 parameters and buffers\n";
    out << "total MACs:   " << format_thousands(summary.total_macs) << " ("
        << with_unit(double(summary.total_macs)) << ")\n";
    out << "activations:  " << format_bytes(summary.total_activation_bytes)
        << " (float32, batch 1, every node's output kept)\n";

    size_t name_width = 0, formula_width = 0;
    for (const LayerSummary& l : summary.layers) {
        if (l.output_formula.empty() && l.param_formula.empty()) continue;
        name_width = std::max(name_width, display_width(l.name));
        formula_width = std::max(formula_width, display_width(l.output_formula));
    }
    if (name_width == 0) return out.str();
    out << "\noutput size ⌊(W − K + 2P)/S⌋ + 1, parameters (K·K·Cin + 1)·Cout:\n";
    for (const LayerSummary& l : summary.layers) {
        if (l.output_formula.empty() && l.param_formula.empty()) continue;
        std::string line = pad_to(l.name, name_width, false) + "  " +
                           pad_to(l.output_formula, formula_width, false) + "  " + l.param_formula;
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << "\n";
    }
    return out.str();
}

std::string summary_csv(const ModelSummary& summary) {
    std::ostringstream out;
    out << "name,op,input_c,input_h,input_w,output_c,output_h,output_w,kernel,stride,pad,"
           "in_channels,out_channels,weights,bias,params,macs,activation_bytes,output_formula,"
           "param_formula\n";
    for (const LayerSummary& l : summary.layers) {
        out << csv_field(l.name) << ',' << l.op << ',' << l.input.c << ',' << l.input.h << ','
            << l.input.w << ',' << l.output.c << ',' << l.output.h << ',' << l.output.w << ','
            << l.kernel << ',' << l.stride << ',' << l.pad << ',' << l.in_channels << ','
            << l.out_channels << ',' << l.weight_params << ',' << l.bias_params << ',' << l.params
            << ',' << l.macs << ',' << l.activation_bytes << ',' << csv_field(l.output_formula)
            << ',' << csv_field(l.param_formula) << "\n";
    }
    return out.str();
}

std::string summary_json(const ModelSummary& summary) {
    auto chw = [](const Shape& s) { return nlohmann::ordered_json::array({s.c, s.h, s.w}); };
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const LayerSummary& l : summary.layers) {
        layers.push_back({{"name", l.name},
                          {"op", l.op},
                          {"input", chw(l.input)},
                          {"output", chw(l.output)},
                          {"kernel", l.kernel},
                          {"stride", l.stride},
                          {"pad", l.pad},
                          {"in_channels", l.in_channels},
                          {"out_channels", l.out_channels},
                          {"weights", l.weight_params},
                          {"bias", l.bias_params},
                          {"params", l.params},
                          {"macs", l.macs},
                          {"activation_bytes", l.activation_bytes},
                          {"output_formula", l.output_formula},
                          {"param_formula", l.param_formula}});
    }
    nlohmann::ordered_json j = {{"model", summary.model},
                                {"input", chw(summary.input)},
                                {"layers", std::move(layers)},
                                {"total_params", summary.total_params},
                                {"total_macs", summary.total_macs},
                                {"total_activation_bytes", summary.total_activation_bytes},
                                {"weight_bytes", summary.weight_bytes}};
    return j.dump(2) + "\n";
}

std::vector<std::string> lecture_columns() {
    return {"layer",  "op", "input HxWxC", "output HxWxC", "stride", "pad",
            "kernel", "in", "out",         "# params",     "MACs"};
}

std::vector<std::string> lecture_cells(const LayerSummary& l) {
    const bool spatial = l.kernel > 0;
    return {l.name,
            l.op,
            hwc(l.input),
            hwc(l.output),
            spatial ? num(l.stride) : "-",
            spatial ? num(l.pad) : "-",
            spatial ? num(l.kernel) + "x" + num(l.kernel) : "-",
            num(l.in_channels),
            num(l.out_channels),
            format_thousands(l.params),
            format_thousands(l.macs)};
}

std::string summary_markdown(const ModelSummary& summary) {
    // A '|' inside a cell (never in the zoo, possible in an ONNX node name) would split it.
    auto cell = [](const std::string& s) {
        std::string out;
        for (char ch : s) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
        return out;
    };
    const std::vector<std::string> header = lecture_columns();
    const size_t left_aligned = 4;
    std::ostringstream out;
    out << "# " << cell(summary.model) << " (input " << summary.input.chw() << ")\n\n|";
    for (const std::string& h : header) out << ' ' << h << " |";
    out << "\n|";
    for (size_t c = 0; c < header.size(); ++c) out << (c < left_aligned ? " --- |" : " ---: |");
    out << "\n";
    for (const LayerSummary& l : summary.layers) {
        out << '|';
        for (const std::string& v : lecture_cells(l)) out << ' ' << cell(v) << " |";
        out << "\n";
    }
    out << "\nTotal: " << format_thousands(summary.total_params) << " parameters, "
        << format_thousands(summary.total_macs) << " MACs ("
        << with_unit(double(summary.total_macs)) << "), "
        << format_bytes(summary.total_activation_bytes) << " of activations (float32, batch 1).\n";
    bool any = false;
    for (const LayerSummary& l : summary.layers) {
        if (l.output_formula.empty() && l.param_formula.empty()) continue;
        if (!any) out << "\n| layer | output size | parameters |\n| --- | --- | --- |\n";
        any = true;
        out << "| " << cell(l.name) << " | " << l.output_formula << " | " << l.param_formula
            << " |\n";
    }
    return out.str();
}

}  // namespace cl
