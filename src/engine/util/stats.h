// Summary statistics of timing runs (bench, the GUI's frame times, Compare's latency).
#pragma once

#include <algorithm>
#include <vector>

namespace cl {

// The median; for an even count the mean of the two middle values. 0 for no values.
inline double median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The q-quantile (0..1) by nearest rank: percentile(v, 0.99) of frame times.
inline double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const double rank = q * double(v.size() - 1);
    return v[size_t(rank + 0.5)];
}

}  // namespace cl
