// One line under a view's model picker that says whether the weights are trained (on what data,
// with what accuracy) or random, the latter in warning colours: a random-weight network's maps
// and predictions teach nothing, and the class should know it.
#pragma once

#include <string>

namespace cl {

// model and weights as the request names them ("" weights: the model's defaults).
void draw_weights_status(const std::string& model, const std::string& weights);

// A banner over feature maps of a random-weight model; draws nothing for trained weights.
void draw_random_weights_banner(const std::string& model, const std::string& weights);

}  // namespace cl
