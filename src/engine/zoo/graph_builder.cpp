// GraphBuilder: one method per layer kind so that zoo builders read like the slides.
#include "engine/error.h"
#include "engine/zoo/zoo.h"

namespace cl {

GraphBuilder::GraphBuilder(std::string name, const ZooOptions& options)
    : graph_(std::move(name)), options_(options) {}

int GraphBuilder::input(const std::string& name, Shape shape) {
    return graph_.add_input(name, shape);
}

int GraphBuilder::conv2d(const std::string& name, int x, const Conv2dParams& params) {
    return graph_.add(name, make_conv2d(shape(x).c, params), {x});
}
int GraphBuilder::maxpool(const std::string& name, int x, const PoolParams& params) {
    return graph_.add(name, make_maxpool2d(params), {x});
}
int GraphBuilder::avgpool(const std::string& name, int x, const PoolParams& params) {
    return graph_.add(name, make_avgpool2d(params), {x});
}
int GraphBuilder::global_avgpool(const std::string& name, int x) {
    return graph_.add(name, make_global_avgpool(), {x});
}
int GraphBuilder::relu(const std::string& name, int x) {
    return graph_.add(name, make_relu(), {x});
}
int GraphBuilder::tanh(const std::string& name, int x) {
    return graph_.add(name, make_tanh(), {x});
}
int GraphBuilder::sigmoid(const std::string& name, int x) {
    return graph_.add(name, make_sigmoid(), {x});
}
int GraphBuilder::lrn(const std::string& name, int x, const LrnParams& params) {
    return graph_.add(name, make_lrn(params), {x});
}
int GraphBuilder::batchnorm(const std::string& name, int x) {
    return graph_.add(name, make_batchnorm2d(shape(x).c), {x});
}
int GraphBuilder::linear(const std::string& name, int x, int out_features, bool bias) {
    const Shape& s = shape(x);
    const int in_features = int(s.per_sample());
    return graph_.add(name, make_linear(in_features, out_features, bias), {x});
}
int GraphBuilder::flatten(const std::string& name, int x) {
    return graph_.add(name, make_flatten(), {x});
}
int GraphBuilder::dropout(const std::string& name, int x, float p) {
    return graph_.add(name, make_dropout(p), {x});
}
int GraphBuilder::concat(const std::string& name, const std::vector<int>& xs) {
    return graph_.add(name, make_concat(), xs);
}
int GraphBuilder::add(const std::string& name, int a, int b) {
    return graph_.add(name, make_add(), {a, b});
}
int GraphBuilder::softmax(const std::string& name, int x) {
    return graph_.add(name, make_softmax(), {x});
}
int GraphBuilder::shortcut_pad(const std::string& name, int x, int out_channels, int stride) {
    return graph_.add(name, make_shortcut_pad(out_channels, stride), {x});
}

Graph GraphBuilder::finish() {
    if (options_.initialize) init_he(graph_, options_.seed);
    return std::move(graph_);
}

}  // namespace cl
