// OpenCV DNN's forward latency on an ONNX model with EVERY layer's output requested (what
// ConvLens keeps), for bench/compare.py. Prints one JSON line: median_ms, min_ms, max_ms, runs.
//   opencv_dnn_bench MODEL.onnx C H W [--threads N] [--runs N] [--warmup N]
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr,
                     "usage: opencv_dnn_bench MODEL.onnx C H W [--threads N] [--runs N] "
                     "[--warmup N]\n");
        return 2;
    }
    const std::string model = argv[1];
    const int c = std::atoi(argv[2]), h = std::atoi(argv[3]), w = std::atoi(argv[4]);
    int threads = 1, runs = 20, warmup = 3;
    for (int i = 5; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const int value = std::atoi(argv[i + 1]);
        if (flag == "--threads")
            threads = value;
        else if (flag == "--runs")
            runs = value;
        else if (flag == "--warmup")
            warmup = value;
        else {
            std::fprintf(stderr, "opencv_dnn_bench: unknown option %s\n", flag.c_str());
            return 2;
        }
    }
    try {
        cv::setNumThreads(threads);
        cv::dnn::Net net = cv::dnn::readNetFromONNX(model);
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        const int shape[] = {1, c, h, w};
        cv::Mat input(4, shape, CV_32F);
        cv::randu(input, 0.0f, 1.0f);
        const std::vector<std::string> names = net.getLayerNames();  // every layer's output
        std::vector<cv::Mat> outputs;
        std::vector<double> times;
        for (int r = 0; r < warmup + runs; ++r) {
            const auto start = std::chrono::steady_clock::now();
            net.setInput(input);
            net.forward(outputs, names);
            const auto stop = std::chrono::steady_clock::now();
            if (r >= warmup)
                times.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
        }
        std::sort(times.begin(), times.end());
        const size_t n = times.size();
        const double median = n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
        std::printf(
            "{\"median_ms\": %.6f, \"min_ms\": %.6f, \"max_ms\": %.6f, \"runs\": %d, "
            "\"outputs\": %zu, \"threads\": %d}\n",
            median, times.front(), times.back(), runs, outputs.size(), cv::getNumThreads());
    } catch (const cv::Exception& e) {
        std::fprintf(stderr, "opencv_dnn_bench: %s: %s\n", model.c_str(), e.what());
        return 1;
    }
    return 0;
}
