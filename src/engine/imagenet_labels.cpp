// Reads the ImageNet class names shipped in assets/.
#include "engine/imagenet_labels.h"

#include <fstream>

#include "engine/error.h"
#include "engine/paths.h"

namespace cl {

std::vector<std::string> imagenet_labels_from(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Error(path + ": cannot open the ImageNet class names");
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) names.push_back(line);
    }
    if (int(names.size()) != k_imagenet_classes)
        throw Error(path + ": expected " + std::to_string(k_imagenet_classes) +
                    " ImageNet class names, found " + std::to_string(names.size()));
    return names;
}

std::vector<std::string> imagenet_labels() {
    return imagenet_labels_from(assets_dir() + "/imagenet_classes.txt");
}

}  // namespace cl
