// Kernel Lab: where the image comes from. Decoding a file, reading a test image out of the
// shared dataset cache and LeNet's pool1 maps of the image (what its conv2 filters see) run as
// one job; the view shows the previous image until the new one has arrived.
#include <algorithm>
#include <random>

#include "app/views/kernel_lab/kernel_lab.h"
#include "engine/error.h"
#include "engine/io/image.h"
#include "engine/paths.h"

namespace cl {

namespace {
// A photo becomes at most this many cells a side: enough detail, still drawable cell by cell.
constexpr int k_max_file_side = 64;

const char* dataset_spec(KernelLabSource source) {
    return source == KernelLabSource::Fashion ? "fashion-mnist" : "mnist";
}

// What the input job is asked for: a copy of the chosen source's settings.
struct LabInputRequest {
    KernelLabSource source = KernelLabSource::Sample;
    int index = 0;  // test image (MNIST or Fashion), or the sample digit
    std::shared_ptr<const Tensor> drawn;
    std::string path;
    bool rgb = false;
};

std::shared_ptr<const KernelLabView::LabInput> make_lab_input(EngineServices& services,
                                                              const LabInputRequest& r) {
    auto in = std::make_shared<KernelLabView::LabInput>();
    in->index = r.index;
    if (r.source == KernelLabSource::Mnist || r.source == KernelLabSource::Fashion) {
        const bool fashion = r.source == KernelLabSource::Fashion;
        std::shared_ptr<const Dataset> d;
        try {
            d = services.datasets.get(dataset_spec(r.source), "test");
        } catch (const Error& e) {
            throw Error(std::string(fashion ? "Fashion-MNIST" : "MNIST") + " is not available (" +
                        e.what() + "); run scripts/setup.sh to fetch it.");
        }
        in->index = std::clamp(r.index, 0, d->size() - 1);
        const Shape& shape = d->images.shape();
        in->input = Tensor::zeros({1, 1, shape.h, shape.w});  // [1,1,28,28]
        std::copy(d->images.data() + int64_t(in->index) * shape.h * shape.w,
                  d->images.data() + int64_t(in->index + 1) * shape.h * shape.w, in->input.data());
        const int label = d->labels[size_t(in->index)];
        in->label = std::string(fashion ? "Fashion-MNIST" : "MNIST") + " test #" +
                    std::to_string(in->index) + " (" + d->class_names.at(size_t(label)) + ")";
    } else if (r.source == KernelLabSource::DrawPad) {
        if (!r.drawn || r.drawn->shape().c != 1)
            throw Error("Nothing drawn yet: draw a digit in Draw & Classify first.");
        in->input = r.drawn->clone();
        in->label = "the Draw pad's digit";
    } else if (r.source == KernelLabSource::File) {
        if (r.path.empty()) throw Error("No image file chosen: click Open image\xE2\x80\xA6");
        const Image image = image_read(r.path);
        const Tensor grey = r.rgb ? rgb_from_image(image) : grey_from_image(image);
        in->input = shrink_to_fit(grey, k_max_file_side);
        const size_t slash = r.path.find_last_of("/\\");
        in->label = r.path.substr(slash == std::string::npos ? 0 : slash + 1);
        if (in->input.shape().w != grey.shape().w)
            in->label += " (" + std::to_string(grey.shape().w) + "\xC3\x97" +
                         std::to_string(grey.shape().h) + " shrunk to " +
                         std::to_string(in->input.shape().w) + "\xC3\x97" +
                         std::to_string(in->input.shape().h) + ")";
        if (r.rgb) in->label += ", R G B";
    } else {
        const std::string path = asset_path("samples/digit-" + std::to_string(r.index) + ".png");
        in->input = grey_from_image(image_read(path));
        in->label = "sample digit-" + std::to_string(r.index) + ".png";
    }
    // LeNet's conv2 filters see the six pool1 maps of a 28x28 digit: made here, once per image.
    std::shared_ptr<const LoadedModel> lenet = services.models.get("lenet5", "");
    if (in->input.shape() == lenet->graph->input_shape())
        in->pool1 = conv_input(*lenet->graph, "conv2", in->input);  // [1,6,14,14]
    else
        in->pool1_error =
            "LeNet's conv2 filters see the pool1 maps of a 28\xC3\x97"
            "28 digit; this input is not one (choose a digit).";
    return in;
}
}  // namespace

const Graph* KernelLabView::lenet() {
    if (lenet_) return lenet_->graph.get();
    if (!lenet_job_.valid()) {
        JobSpec spec;
        spec.name = "Kernel Lab: loading LeNet-5";
        EngineServices& services = services_;
        lenet_job_ = services_.jobs.submit<LoadedModel>(
            spec, [&services](JobControl&) { return services.models.get("lenet5", ""); });
    }
    if (lenet_job_.finished()) {
        lenet_ = lenet_job_.result();
        if (!lenet_) lenet_error_ = lenet_job_.error();
    }
    return lenet_ ? lenet_->graph.get() : nullptr;
}

void KernelLabView::update_input(AppState& state) {
    KernelLabState& s = state.kernel_lab;
    LabInputRequest r;
    r.source = s.source;
    std::string key = std::to_string(int(s.source)) + ":";
    switch (s.source) {
        case KernelLabSource::Mnist:
            r.index = s.mnist_index;
            break;
        case KernelLabSource::Fashion:
            r.index = s.fashion_index;
            break;
        case KernelLabSource::DrawPad:
            r.drawn = state.request.input_tensor;
            key += std::to_string(reinterpret_cast<uintptr_t>(r.drawn.get()));
            break;
        case KernelLabSource::File:
            r.path = s.image_path;
            r.rgb = s.rgb;
            key += (s.rgb ? "rgb:" : "grey:") + s.image_path;
            break;
        case KernelLabSource::Sample:
            r.index = s.sample_digit;
            break;
    }
    key += ":" + std::to_string(r.index);
    if (key != input_key_) {
        input_key_ = key;
        JobSpec spec;
        spec.name = "Kernel Lab: reading the image";
        spec.key = "kernel-lab input";
        EngineServices& services = services_;
        input_job_ = services_.jobs.submit<LabInput>(
            spec, [&services, r](JobControl&) { return make_lab_input(services, r); });
    }
    // Adopt the job's answer once, when it arrives.
    if (!input_job_.finished() || input_job_.id() == adopted_job_) return;
    adopted_job_ = input_job_.id();
    if (std::shared_ptr<const LabInput> in = input_job_.result()) {
        input_ = in->input;
        input_label_ = in->label;
        input_error_.clear();
        pool1_ = in->pool1;
        pool1_error_ = in->pool1_error;
        // The index the job clamped to the data set's size.
        if (s.source == KernelLabSource::Mnist) s.mnist_index = in->index;
        if (s.source == KernelLabSource::Fashion) s.fashion_index = in->index;
    } else {
        input_error_ = input_job_.error();
        input_ = Tensor::zeros({1, 1, 28, 28});
        input_label_.clear();
        pool1_ = Tensor();
        pool1_error_ = input_error_;
    }
    picked_ = -1;
}

void KernelLabView::browse(AppState& state, int direction) {
    KernelLabState& s = state.kernel_lab;
    if (s.source == KernelLabSource::Sample) {
        s.sample_digit = (s.sample_digit + 10 + direction) % 10;
        return;
    }
    if (s.source != KernelLabSource::Mnist && s.source != KernelLabSource::Fashion) return;
    std::shared_ptr<const Dataset> d = services_.datasets.request(dataset_spec(s.source), "test");
    if (!d) return;  // still loading: the buttons are disabled meanwhile
    int& index = s.source == KernelLabSource::Fashion ? s.fashion_index : s.mnist_index;
    const int n = d->size();
    for (int i = 1; i <= n; ++i) {
        const int j = ((index + direction * i) % n + n) % n;
        if (browse_class_ < 0 || d->labels[size_t(j)] == browse_class_) {
            index = j;
            return;
        }
    }
}

void KernelLabView::random_image(AppState& state) {
    KernelLabState& s = state.kernel_lab;
    std::random_device seed;
    if (s.source == KernelLabSource::Sample) {
        s.sample_digit = int(seed() % 10u);
        return;
    }
    if (s.source != KernelLabSource::Mnist && s.source != KernelLabSource::Fashion) return;
    std::shared_ptr<const Dataset> d = services_.datasets.request(dataset_spec(s.source), "test");
    if (!d) return;
    int& index = s.source == KernelLabSource::Fashion ? s.fashion_index : s.mnist_index;
    index = int(seed() % unsigned(d->size()));
    if (browse_class_ >= 0 && d->labels[size_t(index)] != browse_class_) browse(state, 1);
}

}  // namespace cl
