// The 1000 ImageNet (ILSVRC-2012) class names in the order torchvision's models use, read from
// assets/imagenet_classes.txt (one name a line, taken from torchvision's own list).
#pragma once

#include <string>
#include <vector>

namespace cl {

constexpr int k_imagenet_classes = 1000;

// Throws cl::Error naming the file when it is missing or does not hold 1000 names.
std::vector<std::string> imagenet_labels();
std::vector<std::string> imagenet_labels_from(const std::string& path);

}  // namespace cl
