// The zoo's one table: name, one-line description, builder.
#include "engine/zoo/zoo.h"

#include "engine/error.h"

namespace cl {

const std::vector<ZooEntry>& zoo_list() {
    static const std::vector<ZooEntry> k_zoo = {
        {"lenet5", "LeNet-5 (LeCun 1998), 1x28x28 digits, conv 5x5 padded by 2, ReLU, max-pool",
         build_lenet5},
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
        for (const ZooEntry& e : zoo_list()) known += (known.empty() ? "" : ", ") + std::string(e.name);
        throw Error("unknown model '" + name + "' (built-in models: " + known + ")");
    }
    return entry->build(options);
}

}  // namespace cl
