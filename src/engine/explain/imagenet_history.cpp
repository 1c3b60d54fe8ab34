// ILSVRC classification results (see imagenet_history.h). Figures from Russakovsky et al. 2015,
// Table 7 and Section 6.4 (human estimate); the 2015 figure from He et al. 2016.
#include "engine/explain/imagenet_history.h"

#include <algorithm>

namespace cl {

namespace {
const char* k_russakovsky = "Russakovsky et al. 2015";
const char* k_he = "He et al. 2016";
}  // namespace

const std::vector<IlsvrcEntry>& ilsvrc_history() {
    static const std::vector<IlsvrcEntry> k_entries = {
        {2010, "NEC-UIUC", "", 28.2, 0, true, "", "", k_russakovsky},
        {2011, "XRCE", "", 25.8, 0, true, "", "", k_russakovsky},
        {2012, "SuperVision", "AlexNet", 16.4, 8, true, "alexnet", "", k_russakovsky},
        {2013, "Clarifai", "ZFNet", 11.7, 8, true, "", "", k_russakovsky},
        {2014, "VGG", "VGG", 7.3, 19, false, "vgg19", "", k_russakovsky},
        {2014, "GoogLeNet", "GoogLeNet", 6.7, 22, true, "googlenet", "", k_russakovsky},
        {2015, "MSRA", "ResNet", 3.57, 152, true, "resnet18",
         "the winner had 152 layers; the zoo has the same design with 18 and 34", k_he},
    };
    return k_entries;
}

double ilsvrc_human_top5_error() {
    return 5.1;
}

const char* ilsvrc_citation() {
    return "O. Russakovsky, J. Deng, H. Su, et al. ImageNet Large Scale Visual Recognition "
           "Challenge. IJCV 115(3):211-252, 2015.\n"
           "K. He, X. Zhang, S. Ren, J. Sun. Deep Residual Learning for Image Recognition. "
           "CVPR 2016 (ILSVRC 2015).";
}

std::vector<int> weight_layer_depths(const Graph& graph) {
    std::vector<int> depth(size_t(graph.size()), 0);
    for (int i = 0; i < graph.size(); ++i) {
        const Node& n = graph.node(i);
        int d = 0;
        for (int in : n.inputs) d = std::max(d, depth[size_t(in)]);
        const bool weight_layer =
            n.op && (n.op->kind() == OpKind::Conv2d || n.op->kind() == OpKind::Linear);
        depth[size_t(i)] = d + (weight_layer ? 1 : 0);
    }
    return depth;
}

int weight_layer_depth(const Graph& graph) {
    const std::vector<int> depth = weight_layer_depths(graph);
    return depth.empty() ? 0 : *std::max_element(depth.begin(), depth.end());
}

}  // namespace cl
