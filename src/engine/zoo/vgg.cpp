// VGG (Simonyan & Zisserman 2014), configurations A (vgg11), D (vgg16) and E (vgg19) of the
// paper's Table 1, on 3x224x224: 3x3 convs with pad 1, five 2x2 max-pools, three FC layers.
#include <string>
#include <vector>

#include "engine/zoo/zoo.h"

namespace cl {

namespace {

// Convolutions per stage and their width; a max-pool closes every stage.
struct VggStage {
    int convs, channels;
};

Graph build_vgg(const std::string& name, const std::vector<VggStage>& stages,
                const ZooOptions& options) {
    GraphBuilder b(name, options);
    int x = b.input("input", {1, 3, 224, 224});
    for (size_t s = 0; s < stages.size(); ++s) {
        const std::string stage = std::to_string(s + 1);
        for (int i = 1; i <= stages[s].convs; ++i) {
            const std::string id = stage + "_" + std::to_string(i);
            x = b.conv2d("conv" + id, x, conv(stages[s].channels, 3).with_pad(1));  // same size
            x = b.relu("relu" + id, x);
        }
        x = b.maxpool("maxpool" + stage, x, pool(2, 2));  // halves H and W
    }
    x = b.flatten("flatten", x);  // 512x7x7 -> 25088
    x = b.linear("fc6", x, 4096);
    x = b.relu("relu6", x);
    x = b.dropout("dropout6", x, 0.5f);
    x = b.linear("fc7", x, 4096);
    x = b.relu("relu7", x);
    x = b.dropout("dropout7", x, 0.5f);
    b.linear("fc8", x, 1000);
    return b.finish();
}

}  // namespace

Graph build_vgg11(const ZooOptions& options) {  // configuration A
    return build_vgg("vgg11", {{1, 64}, {1, 128}, {2, 256}, {2, 512}, {2, 512}}, options);
}

Graph build_vgg16(const ZooOptions& options) {  // configuration D
    return build_vgg("vgg16", {{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}}, options);
}

Graph build_vgg19(const ZooOptions& options) {  // configuration E
    return build_vgg("vgg19", {{2, 64}, {2, 128}, {4, 256}, {4, 512}, {4, 512}}, options);
}

}  // namespace cl
