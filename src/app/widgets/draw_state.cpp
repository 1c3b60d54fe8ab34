// The Draw view's part of the session JSON.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "app/widgets/draw_pad.h"

namespace cl {

void to_json(nlohmann::json& j, const DrawState& s) {
    j = {{"brush", s.brush}, {"eraser", s.eraser}, {"mnist_index", s.mnist_index}};
}

void from_json(const nlohmann::json& d, DrawState& s) {
    s.brush = std::clamp(d.value("brush", s.brush), 0.01f, 0.2f);
    s.eraser = d.value("eraser", s.eraser);
    s.mnist_index = std::max(0, d.value("mnist_index", s.mnist_index));
}

}  // namespace cl
