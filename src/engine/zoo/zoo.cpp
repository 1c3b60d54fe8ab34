// The zoo's one table: name, one-line description, builder.
#include "engine/zoo/zoo.h"

#include "engine/error.h"

namespace cl {

const std::vector<ZooEntry>& zoo_list() {
    static const std::vector<ZooEntry> k_zoo = {
        {"lenet5", "LeNet-5 (LeCun 1998), 1x28x28 digits, conv 5x5 padded by 2, ReLU, max-pool",
         build_lenet5},
        {"alexnet", "AlexNet (Krizhevsky 2012), one tower on 3x227x227, the paper's LRN optional",
         build_alexnet},
        {"vgg11", "VGG-11 (Simonyan 2014), configuration A: 8 conv 3x3 + 3 FC", build_vgg11},
        {"vgg16",
         "VGG-16 (Simonyan 2014), configuration D; a well-known table's 138,423,208 has a "
         "typo (65,664 params on a max-pool)",
         build_vgg16},
        {"vgg19", "VGG-19 (Simonyan 2014), configuration E: 16 conv 3x3 + 3 FC", build_vgg19},
        {"googlenet",
         "GoogLeNet (Szegedy 2014), Table 1 widths, bias on every conv, no aux "
         "classifiers, LRN optional",
         build_googlenet},
        {"inception3a", "GoogLeNet's inception 3a on 192x28x28, with 1x1 reductions",
         build_inception3a},
        {"inception3a-naive", "Inception 3a without 1x1 reductions (naive module), 192x28x28",
         build_inception3a_naive},
        {"resnet18",
         "ResNet-18 (He 2015) as torchvision builds it: BatchNorm, no conv bias, 1x1 "
         "projection shortcuts",
         build_resnet18},
        {"resnet18-plain-count",
         "ResNet-18 as lecture tables count it: conv bias, no BatchNorm, "
         "identity/zero-pad shortcuts (option A)",
         build_resnet18_plain_count},
        {"resnet34", "ResNet-34 (He 2015) as torchvision builds it: BatchNorm, 1x1 projections",
         build_resnet34},
        {"tinyvgg", "TinyVGG (CNN Explainer): 3x64x64, 4 conv 10@3x3, 2 max-pools, fc",
         build_tinyvgg},
        {"alexnet-mini",
         "AlexNet at classroom scale: 1x28x28, strided 5x5 conv1, LRN, overlapping pools, "
         "dropout",
         build_alexnet_mini},
        {"vgg-mini",
         "VGG at classroom scale: 1x28x28, 3x3 convs only, blocks of 1-2-2, 16-32-64 channels",
         build_vgg_mini},
        {"googlenet-mini",
         "GoogLeNet at classroom scale: 1x28x28, three inception modules, global average pool",
         build_googlenet_mini},
        {"resnet-mini",
         "ResNet at classroom scale: 1x28x28, three BatchNorm basic blocks, 1x1 projections",
         build_resnet_mini},
    };
    return k_zoo;
}

const ZooEntry* zoo_find(const std::string& name) {
    for (const ZooEntry& e : zoo_list())
        if (name == e.name) return &e;
    return nullptr;
}

Graph zoo_build(const std::string& name, const ZooOptions& options) {
    const ZooEntry* entry = zoo_find(name);
    if (!entry) {
        std::string known;
        for (const ZooEntry& e : zoo_list())
            known += (known.empty() ? "" : ", ") + std::string(e.name);
        throw Error("unknown model '" + name + "' (built-in models: " + known + ")");
    }
    return entry->build(options);
}

}  // namespace cl
