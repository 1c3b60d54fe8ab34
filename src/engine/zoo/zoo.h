// The built-in architectures: one table (zoo.cpp), one builder function per model, each
// reading like the slide it comes from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace cl {

struct ZooOptions {
    uint64_t seed = 42;      // He initialisation seed, used when no trained weights are loaded
    bool lrn = false;        // AlexNet, GoogLeNet: LocalResponseNorm where the paper puts it
    bool initialize = true;  // false: parameters stay zero (structure only: summaries, listings)
};

struct ZooEntry {
    const char* name;
    const char* description;  // one line, shown by `convlens models` and the GUI
    Graph (*build)(const ZooOptions& options);
};

const std::vector<ZooEntry>& zoo_list();
const ZooEntry* zoo_find(const std::string& name);                         // nullptr if absent
Graph zoo_build(const std::string& name, const ZooOptions& options = {});  // throws cl::Error

// Builds graphs layer by layer with readable names; returns node ids.
class GraphBuilder {
public:
    GraphBuilder(std::string name, const ZooOptions& options);
    int input(const std::string& name, Shape shape);
    int conv2d(const std::string& name, int x, const Conv2dParams& params);
    int maxpool(const std::string& name, int x, const PoolParams& params);
    int avgpool(const std::string& name, int x, const PoolParams& params);
    int global_avgpool(const std::string& name, int x);
    int relu(const std::string& name, int x);
    int tanh(const std::string& name, int x);
    int sigmoid(const std::string& name, int x);
    int lrn(const std::string& name, int x, const LrnParams& params = {});
    int batchnorm(const std::string& name, int x);
    int linear(const std::string& name, int x, int out_features, bool bias = true);
    int flatten(const std::string& name, int x);
    int dropout(const std::string& name, int x, float p);
    int concat(const std::string& name, const std::vector<int>& xs);
    int add(const std::string& name, int a, int b);
    int softmax(const std::string& name, int x);
    // ResNet option A: stride-s subsample, zero channels up to out_channels (no parameters)
    int shortcut_pad(const std::string& name, int x, int out_channels, int stride);
    const Shape& shape(int x) const { return graph_.node(x).shape; }
    Graph& graph() { return graph_; }
    Graph finish();  // initialises every parameter (He, fixed seed) and returns the graph

private:
    Graph graph_;
    ZooOptions options_;
};

// He-normal weights for conv/linear (std = sqrt(2 / fan_in)), zero biases, BatchNorm
// gamma 1 / beta 0 / mean 0 / var 1. Deterministic for a seed on every platform.
void init_he(Graph& graph, uint64_t seed);

Graph build_lenet5(const ZooOptions& options);
Graph build_alexnet(const ZooOptions& options);
Graph build_vgg11(const ZooOptions& options);
Graph build_vgg16(const ZooOptions& options);
Graph build_vgg19(const ZooOptions& options);
Graph build_googlenet(const ZooOptions& options);
Graph build_resnet18(const ZooOptions& options);
Graph build_resnet18_plain_count(const ZooOptions& options);
Graph build_resnet34(const ZooOptions& options);
Graph build_tinyvgg(const ZooOptions& options);
// Classroom scale (mini.cpp): 1x28x28 grey input, 10 classes, trained weights in assets/.
Graph build_alexnet_mini(const ZooOptions& options);
Graph build_vgg_mini(const ZooOptions& options);
Graph build_googlenet_mini(const ZooOptions& options);
Graph build_resnet_mini(const ZooOptions& options);

// The six widths of one inception module, in the column order of the GoogLeNet paper's table.
struct InceptionWidths {
    int c1x1 = 0, c3x3_reduce = 0, c3x3 = 0, c5x5_reduce = 0, c5x5 = 0, pool_proj = 0;
};
// Adds inception module `name` ("inception3a") on x and returns its output (concat) node. naive:
// the module without 1x1 reductions (1x1, 3x3, 5x5 convs and the 3x3 max-pool straight on x).
int add_inception_module(GraphBuilder& b, const std::string& name, int x, const InceptionWidths& w,
                         bool naive);
// One inception module on its own, to compare the naive and the reduced module's params and MACs.
Graph build_inception_block(Shape input, const InceptionWidths& widths, bool naive,
                            const ZooOptions& options = {});
Graph build_inception3a(const ZooOptions& options);        // on 192x28x28, the paper's widths
Graph build_inception3a_naive(const ZooOptions& options);  // same widths, no 1x1 reductions

}  // namespace cl
