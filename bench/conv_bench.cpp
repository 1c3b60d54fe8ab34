// Google Benchmark: Conv2d forward on the zoo's convolution shapes, at 1 and 2 threads, with a
// GFLOP/s counter (direct-convolution FLOPs = 2 x MACs, whatever algorithm runs).
// Run: build/bench/conv_bench [--benchmark_filter=vgg16]
#include <benchmark/benchmark.h>
#include <immintrin.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/ops/gemm.h"
#include "engine/ops/im2col.h"
#include "engine/ops/op.h"
#include "engine/ops/winograd.h"
#include "engine/threading.h"

namespace cl {
namespace {

struct ConvShape {
    const char* name;
    int cin, h, w;
    Conv2dParams params;
};

Conv2dParams shape(int cout, int k, int stride, int pad) {
    return conv(cout, k).with_stride(stride).with_pad(pad);
}

const ConvShape k_shapes[] = {
    {"lenet5/conv1", 1, 28, 28, shape(6, 5, 1, 2)},
    {"lenet5/conv2", 6, 14, 14, shape(16, 5, 1, 0)},
    {"tinyvgg/conv_1_2", 10, 62, 62, shape(10, 3, 1, 0)},
    {"alexnet/conv1", 3, 227, 227, shape(96, 11, 4, 0)},
    {"alexnet/conv2", 96, 27, 27, shape(256, 5, 1, 2)},
    {"vgg16/conv1_2", 64, 224, 224, shape(64, 3, 1, 1)},
    {"vgg16/conv2_2", 128, 112, 112, shape(128, 3, 1, 1)},
    {"vgg16/conv3_1", 128, 56, 56, shape(256, 3, 1, 1)},
    {"vgg16/conv3_2", 256, 56, 56, shape(256, 3, 1, 1)},
    {"vgg16/conv4_2", 512, 28, 28, shape(512, 3, 1, 1)},
    {"vgg16/conv5_3", 512, 14, 14, shape(512, 3, 1, 1)},
    {"resnet18/conv1", 3, 224, 224, shape(64, 7, 2, 3)},
    {"resnet18/layer1_3x3", 64, 56, 56, shape(64, 3, 1, 1)},
    {"resnet18/layer2_3x3_s2", 64, 56, 56, shape(128, 3, 2, 1)},
    {"resnet18/layer2_3x3", 128, 28, 28, shape(128, 3, 1, 1)},
    {"resnet18/layer3_3x3", 256, 14, 14, shape(256, 3, 1, 1)},
    {"resnet18/layer4_3x3", 512, 7, 7, shape(512, 3, 1, 1)},
    {"googlenet/3a_1x1", 192, 28, 28, shape(64, 1, 1, 0)},
    {"googlenet/4a_1x1", 480, 14, 14, shape(192, 1, 1, 0)},
    {"googlenet/5b_1x1", 832, 7, 7, shape(384, 1, 1, 0)},
};

Tensor random_tensor(Shape s, uint32_t seed) {
    Tensor t = Tensor::zeros(s);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (int64_t i = 0; i < t.numel(); ++i) t[i] = dist(rng);
    return t;
}

void bench_conv(benchmark::State& state, const ConvShape& c) {
    set_thread_count(int(state.range(0)));
    auto op = make_conv2d(c.cin, c.params);
    for (NamedParam& p : op->params()) *p.value = random_tensor(p.value->shape(), 7);
    const Shape in{1, c.cin, c.h, c.w};
    const Tensor x = random_tensor(in, 1);
    const Shape out_shape = op->infer_shape({in});
    Tensor out = Tensor::zeros(out_shape);
    for (auto _ : state) {
        op->forward({&x}, out);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    const double gflop = 2.0 * double(op->macs({in}, out_shape)) * 1e-9;
    // Shown as "GFLOP=123/s": the rate of direct-convolution GFLOPs.
    state.counters["GFLOP"] =
        benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
}

// Output height and width of a shape's layer (no dilation).
std::pair<int, int> output_size(const ConvShape& c) {
    const Conv2dParams& p = c.params;
    return {conv_output_size(c.h, p.kernel, p.stride, p.pad),
            conv_output_size(c.w, p.kernel, p.stride, p.pad)};
}

// The same 3x3 stride-1 layer through im2col + GEMM in bands, which Conv2d runs where it does
// not pick Winograd: the A/B for winograd_tile_for.
void bench_im2col(benchmark::State& state, const ConvShape& c) {
    set_thread_count(int(state.range(0)));
    const Conv2dParams& p = c.params;
    ConvWindow win;
    win.channels = c.cin;
    win.height = c.h;
    win.width = c.w;
    win.kernel = p.kernel;
    win.stride = p.stride;
    win.pad = p.pad;
    std::tie(win.out_h, win.out_w) = output_size(c);
    const int kdim = c.cin * p.kernel * p.kernel, cols = win.out_h * win.out_w;
    // Bands of output rows with a 2 MB column buffer, as Conv2d does.
    const int band = std::clamp(int((1 << 19) / (int64_t(kdim) * win.out_w)), 1, win.out_h);
    const Tensor x = random_tensor({1, c.cin, c.h, c.w}, 1);
    const Tensor w = random_tensor({p.out_channels, c.cin, p.kernel, p.kernel}, 7);
    Tensor columns = Tensor::zeros({1, 1, kdim, band * win.out_w});  // [Cin*K*K, rows*OW]
    Tensor out = Tensor::zeros({1, p.out_channels, win.out_h, win.out_w});
    for (auto _ : state) {
        for (int oh = 0; oh < win.out_h; oh += band) {
            const int rows = std::min(band, win.out_h - oh);
            im2col_rows(x.data(), win, oh, oh + rows, columns.data());
            GemmArgs g;
            g.m = p.out_channels;
            g.n = rows * win.out_w;
            g.k = kdim;
            g.a = w.data();
            g.lda = kdim;
            g.b = columns.data();
            g.ldb = g.n;
            g.c = out.data() + int64_t(oh) * win.out_w;
            g.ldc = cols;
            gemm(g);
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    const double gflop = 2.0 * double(p.out_channels) * kdim * cols * 1e-9;
    state.counters["GFLOP"] =
        benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
}

// The same 3x3 stride-1 layer through Winograd F(tile x tile, 3x3) with the weights transformed
// beforehand (as Conv2d caches them), whichever tile Conv2d would pick: the A/B for the tiles.
void bench_winograd(benchmark::State& state, const ConvShape& c, int tile) {
    set_thread_count(int(state.range(0)));
    const Conv2dParams& p = c.params;
    WinogradShape s;
    s.cin = c.cin;
    s.cout = p.out_channels;
    s.height = c.h;
    s.width = c.w;
    s.pad = p.pad;
    std::tie(s.out_h, s.out_w) = output_size(c);
    s.tile = tile;
    const Tensor x = random_tensor({1, c.cin, c.h, c.w}, 1);
    const Tensor w = random_tensor({p.out_channels, c.cin, 3, 3}, 7);
    const std::vector<float> u = winograd_weights(w.data(), s.cout, s.cin, tile);
    Tensor out = Tensor::zeros({1, s.cout, s.out_h, s.out_w});
    for (auto _ : state) {
        winograd_conv3x3(x.data(), u.data(), nullptr, out.data(), nullptr, s);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    const double gflop = 2.0 * double(s.cout) * s.cin * 9 * s.out_h * s.out_w * 1e-9;
    state.counters["GFLOP"] =
        benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
}

// The machine's FMA peak: each thread runs 12 independent chains of vector FMAs (enough to
// cover the FMA latency on both pipes), the ceiling the conv kernels are measured against.
float fma_chains(int64_t steps) {
#if defined(__AVX512F__)
    using Vec = __m512;
    auto fma = [](Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); };
    auto set = [](float v) { return _mm512_set1_ps(v); };
    auto sum = [](Vec v) {  // not _mm512_reduce_add_ps: GCC 12 warns inside its header
        alignas(64) float f[16];
        _mm512_store_ps(f, v);
        float total = 0;
        for (float x : f) total += x;
        return total;
    };
    constexpr int k_lanes = 16;
#else
    using Vec = __m256;
    auto fma = [](Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); };
    auto set = [](float v) { return _mm256_set1_ps(v); };
    auto sum = [](Vec v) {
        alignas(32) float f[8];
        _mm256_store_ps(f, v);
        return f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
    };
    constexpr int k_lanes = 8;
#endif
    (void)k_lanes;
    constexpr int k_chains = 12;
    Vec acc[k_chains];
    for (int i = 0; i < k_chains; ++i) acc[i] = set(float(i) * 1e-3f);
    const Vec a = set(0.999999f), b = set(1e-7f);
    for (int64_t s = 0; s < steps; ++s)
        for (int i = 0; i < k_chains; ++i) acc[i] = fma(acc[i], a, b);
    float total = 0;
    for (int i = 0; i < k_chains; ++i) total += sum(acc[i]);
    return total;
}

void bench_peak(benchmark::State& state) {
    const int threads = int(state.range(0));
    constexpr int64_t k_steps = 1 << 20;
#if defined(__AVX512F__)
    constexpr int k_lanes = 16;
#else
    constexpr int k_lanes = 8;
#endif
    for (auto _ : state) {
        // Plain threads, one chain set each: the hardware's peak, not the pool's hand-out.
        std::vector<float> totals(static_cast<size_t>(threads), 0.0f);
        std::vector<std::thread> others;
        for (int t = 1; t < threads; ++t)
            others.emplace_back([&totals, t] { totals[size_t(t)] = fma_chains(k_steps); });
        totals[0] = fma_chains(k_steps);
        for (std::thread& t : others) t.join();
        benchmark::DoNotOptimize(totals.data());
    }
    const double gflop = 2.0 * double(k_steps) * 12 * k_lanes * threads * 1e-9;
    state.counters["GFLOP"] =
        benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

void register_all() {
    benchmark::RegisterBenchmark("peak/fma", bench_peak)
        ->ArgName("threads")
        ->Arg(1)
        ->Arg(2)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    for (const ConvShape& c : k_shapes)
        benchmark::RegisterBenchmark(c.name, bench_conv, c)
            ->ArgName("threads")
            ->Arg(1)
            ->Arg(2)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    for (const ConvShape& c : k_shapes)
        if (c.params.kernel == 3 && c.params.stride == 1)
            benchmark::RegisterBenchmark((std::string(c.name) + "/im2col_gemm").c_str(),
                                         bench_im2col, c)
                ->ArgName("threads")
                ->Arg(1)
                ->Arg(2)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
    for (const ConvShape& c : k_shapes)
        if (c.params.kernel == 3 && c.params.stride == 1)
            for (int tile : {2, 4})
                benchmark::RegisterBenchmark(
                    (std::string(c.name) + "/winograd" + std::to_string(tile)).c_str(),
                    bench_winograd, c, tile)
                    ->ArgName("threads")
                    ->Arg(1)
                    ->Arg(2)
                    ->Unit(benchmark::kMillisecond)
                    ->UseRealTime();
}

}  // namespace cl

int main(int argc, char** argv) {
    cl::register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
