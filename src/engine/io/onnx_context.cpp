// The ONNX importer's bookkeeping: tensor protos to constants, attribute readers, and the
// map from ONNX tensor names to ConvLens nodes or folded constants.
#include <cmath>
#include <cstring>

#include "engine/io/onnx_context.h"

#include "engine/io/limits.h"

namespace cl::onnx_detail {

int64_t OnnxConstant::numel() const {
    // Every constant's dims were bounded when it was made (tensor_to_constant, reshape), so this
    // cannot overflow; a bug that let one through is caught here rather than wrapping around.
    const int64_t n = bounded_product(dims, k_max_tensor_elements);
    CL_ASSERT(n >= 0);
    return n;
}

std::vector<int64_t> OnnxConstant::as_ints() const {
    if (integer) return ints;
    std::vector<int64_t> out;
    for (float f : floats) out.push_back(int64_t(f));
    return out;
}

std::vector<float> OnnxConstant::as_floats() const {
    if (!integer) return floats;
    std::vector<float> out;
    for (int64_t v : ints) out.push_back(float(v));
    return out;
}

namespace {
std::string dims_text(const std::vector<int64_t>& dims) {
    std::string s = "[";
    for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
    return s + "]";
}

template <typename T>
std::vector<T> raw_values(const std::string& raw, int64_t count, const std::string& what) {
    if (int64_t(raw.size()) != count * int64_t(sizeof(T)))
        throw Error(what + " holds " + std::to_string(raw.size()) + " bytes, expected " +
                    std::to_string(count * int64_t(sizeof(T))));
    std::vector<T> out(static_cast<size_t>(count));
    if (count > 0) std::memcpy(out.data(), raw.data(), raw.size());  // little-endian, as ONNX says
    return out;
}
}  // namespace

OnnxConstant tensor_to_constant(const onnx::TensorProto& t, const std::string& file) {
    const std::string what = file + ": tensor '" + t.name() + "'";
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
        throw Error(what + " is stored in an external file, which ConvLens does not read");
    OnnxConstant c;
    for (int64_t d : t.dims()) {
        if (d < 0) throw Error(what + " has a negative dimension");
        c.dims.push_back(d);
    }
    // Checked before any value is copied: a 10^12-element shape is refused, not allocated.
    const int64_t n = bounded_product(c.dims, k_max_tensor_elements);
    if (n < 0)
        throw Error(what + " has shape " + dims_text(c.dims) +
                    ", more values than ConvLens reads (" + std::to_string(k_max_tensor_elements) +
                    ")");
    const bool raw = t.has_raw_data();
    auto check = [&](int64_t got) {
        if (got != n)
            throw Error(what + " holds " + std::to_string(got) + " values, its shape says " +
                        std::to_string(n));
    };
    switch (t.data_type()) {
        case onnx::TensorProto::FLOAT:
            if (raw) {
                c.floats = raw_values<float>(t.raw_data(), n, what);
            } else {
                check(t.float_data_size());
                c.floats.assign(t.float_data().begin(), t.float_data().end());
            }
            break;
        case onnx::TensorProto::DOUBLE: {
            std::vector<double> d;
            if (raw) {
                d = raw_values<double>(t.raw_data(), n, what);
            } else {
                check(t.double_data_size());
                d.assign(t.double_data().begin(), t.double_data().end());
            }
            for (double v : d) c.floats.push_back(float(v));
            break;
        }
        case onnx::TensorProto::INT64:
            c.integer = true;
            if (raw) {
                c.ints = raw_values<int64_t>(t.raw_data(), n, what);
            } else {
                check(t.int64_data_size());
                c.ints.assign(t.int64_data().begin(), t.int64_data().end());
            }
            break;
        case onnx::TensorProto::INT32:
        case onnx::TensorProto::BOOL:
        case onnx::TensorProto::INT8:
        case onnx::TensorProto::UINT8: {
            c.integer = true;
            if (raw && t.data_type() == onnx::TensorProto::INT32) {
                for (int32_t v : raw_values<int32_t>(t.raw_data(), n, what)) c.ints.push_back(v);
            } else if (raw) {
                for (int8_t v : raw_values<int8_t>(t.raw_data(), n, what)) c.ints.push_back(v);
            } else {
                check(t.int32_data_size());
                c.ints.assign(t.int32_data().begin(), t.int32_data().end());
            }
            break;
        }
        default:
            throw Error(what + " has data type " + std::to_string(t.data_type()) +
                        ", which ConvLens does not read (float32, float64, int64, int32 only)");
    }
    return c;
}

ImportContext::ImportContext(std::string file, int64_t opset)
    : file_(std::move(file)), opset_(opset), graph_("onnx") {}

Error ImportContext::error(const std::string& message) const {
    if (!node_) return Error(file_ + ": " + message);
    const std::string name = node_->name().empty() ? node_->output(0) : node_->name();
    return Error(file_ + ": node '" + name + "' (" + node_->op_type() + "): " + message);
}

bool ImportContext::has_input(int i) const {
    return i < node_->input_size() && !node_->input(i).empty();
}

const OnnxValue& ImportContext::input(int i) const {
    if (!has_input(i)) throw error("input " + std::to_string(i) + " is missing");
    const OnnxValue* v = find(node_->input(i));
    // The graph walk checked every reference before importing, so this is a bug.
    CL_ASSERT(v != nullptr);
    return *v;
}

const OnnxConstant& ImportContext::constant_input(int i) const {
    const OnnxValue& v = input(i);
    if (!v.is_constant)
        throw error("input '" + node_->input(i) +
                    "' must be a constant (an initializer) but is computed at run time");
    return v.constant;
}

int ImportContext::runtime_input(int i) const {
    const OnnxValue& v = input(i);
    if (v.is_constant)
        throw error("input '" + node_->input(i) +
                    "' is a constant where ConvLens expects an activation");
    return v.node;
}

Shape ImportContext::runtime_shape(int i) const {
    return graph_.node(runtime_input(i)).shape;
}

void ImportContext::release_constant(int i) {
    if (!has_input(i)) return;
    auto users = consumers.find(node_->input(i));
    if (users != consumers.end() && users->second.size() > 1) return;
    auto it = values_.find(node_->input(i));
    if (it == values_.end() || !it->second.is_constant) return;
    std::vector<float>().swap(it->second.constant.floats);
    std::vector<int64_t>().swap(it->second.constant.ints);
}

void ImportContext::define(const std::string& name, OnnxValue value) {
    values_[name] = std::move(value);
}

const OnnxValue* ImportContext::find(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? nullptr : &it->second;
}

int ImportContext::add(std::unique_ptr<Op> op, std::vector<int> inputs, int rank,
                       const std::string& name) {
    const std::string node_name = name.empty() ? node_->output(0) : name;
    int index = -1;
    try {
        index = graph_.add(node_name, std::move(op), std::move(inputs));
    } catch (const Error& e) {
        throw error(e.what());
    }
    // Activations are allocated when the model runs: one that could never be is refused now.
    const Shape s = graph_.node(index).shape;
    const int64_t dims[4] = {s.n, s.c, s.h, s.w};
    if (bounded_product(dims, 4, k_max_tensor_elements) <= 0)
        throw error("its output " + s.str() + " is empty or larger than ConvLens computes (" +
                    std::to_string(k_max_tensor_elements) + " values)");
    if (name.empty()) {
        OnnxValue v;
        v.node = index;
        v.rank = rank;
        define(node_->output(0), v);
    }
    return index;
}

void ImportContext::set_constant(OnnxConstant constant) {
    OnnxValue v;
    v.is_constant = true;
    v.constant = std::move(constant);
    define(node_->output(0), std::move(v));
}

void ImportContext::alias(int input_index, int rank) {
    OnnxValue v = input(input_index);
    if (rank > 0) v.rank = rank;
    define(node_->output(0), std::move(v));
}

void set_param(ImportContext& ctx, Op& op, const std::string& name,
               const std::vector<float>& values) {
    for (NamedParam& p : op.params()) {
        if (p.name != name) continue;
        if (int64_t(values.size()) != p.value->numel())
            throw ctx.error(name + " has " + std::to_string(values.size()) + " values, expected " +
                            std::to_string(p.value->numel()));
        std::copy(values.begin(), values.end(), p.value->data());
        return;
    }
    CL_ASSERT(false);  // the importer asked for a parameter the op does not have
}

namespace {
const onnx::AttributeProto* attr(const onnx::NodeProto& node, const std::string& name) {
    for (const auto& a : node.attribute())
        if (a.name() == name) return &a;
    return nullptr;
}
}  // namespace

bool has_attr(const onnx::NodeProto& node, const std::string& name) {
    return attr(node, name) != nullptr;
}

int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
    const auto* a = attr(node, name);
    return a ? a->i() : fallback;
}

float attr_float(const onnx::NodeProto& node, const std::string& name, float fallback) {
    const auto* a = attr(node, name);
    return a ? a->f() : fallback;
}

std::string attr_string(const onnx::NodeProto& node, const std::string& name,
                        const std::string& fallback) {
    const auto* a = attr(node, name);
    return a ? a->s() : fallback;
}

std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name) {
    const auto* a = attr(node, name);
    if (!a) return {};
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::vector<float> attr_floats(const onnx::NodeProto& node, const std::string& name) {
    const auto* a = attr(node, name);
    if (!a) return {};
    return std::vector<float>(a->floats().begin(), a->floats().end());
}

const onnx::TensorProto* attr_tensor(const onnx::NodeProto& node, const std::string& name) {
    const auto* a = attr(node, name);
    return a && a->has_t() ? &a->t() : nullptr;
}

}  // namespace cl::onnx_detail
