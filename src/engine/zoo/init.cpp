// Deterministic He initialisation. Our own generator and Box-Muller, so that a seed gives
// the same weights with every standard library.
#include <cmath>
#include <cstdint>

#include "engine/zoo/zoo.h"

namespace cl {

namespace {
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }  // [0,1)
    double normal() {
        const double u1 = 1.0 - uniform(), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

private:
    uint64_t state_;
};

uint64_t hash_name(const std::string& name) {  // FNV-1a: each tensor gets its own stream
    uint64_t h = 1469598103934665603ull;
    for (unsigned char ch : name) h = (h ^ ch) * 1099511628211ull;
    return h;
}
}  // namespace

void init_he(Graph& graph, uint64_t seed) {
    for (int i = 0; i < graph.size(); ++i) {
        Node& node = graph.node(i);
        const bool is_batchnorm = node.op->kind() == OpKind::BatchNorm2d;
        for (NamedParam& p : node.op->params()) {
            Tensor& t = *p.value;
            if (p.name == "running_var" || (is_batchnorm && p.name == "weight")) {
                t.fill(1.0f);
            } else if (p.name == "bias" || p.name == "running_mean") {
                t.fill(0.0f);
            } else {
                // Conv weight [Cout, Cin/g, K, K], Linear weight [out, in, 1, 1]: fan_in per row.
                SplitMix64 rng(seed ^ hash_name(node.name + "." + p.name));
                const double std_dev = std::sqrt(2.0 / double(t.shape().per_sample()));
                for (int64_t k = 0; k < t.numel(); ++k) t[k] = float(rng.normal() * std_dev);
            }
        }
    }
}

}  // namespace cl
