// The one list of views: add a view here and it appears in the View menu, the tab bar and --view.
#include "app/views/compare/compare.h"
#include "app/views/draw_classify/draw_classify.h"
#include "app/views/feature_maps/feature_maps.h"
#include "app/views/kernel_lab/kernel_lab.h"
#include "app/views/patterns/patterns.h"
#include "app/views/view.h"
#include "app/views/walkthrough/walkthrough.h"

namespace cl {

ViewList make_views(EngineServices& services) {
    ViewList views;
    views.push_back(std::make_unique<DrawClassifyView>(services));  // first: the default view
    views.push_back(std::make_unique<FeatureMapsView>(services));
    views.push_back(std::make_unique<KernelLabView>(services));
    views.push_back(std::make_unique<WalkthroughView>(services));
    views.push_back(std::make_unique<CompareView>(services));
    views.push_back(std::make_unique<PatternsView>(services));
    return views;
}

View* find_view(const ViewList& views, const std::string& id) {
    for (const auto& v : views)
        if (id == v->id()) return v.get();
    return nullptr;
}

std::string view_ids(const ViewList& views) {
    std::string ids;
    for (const auto& v : views) ids += (ids.empty() ? "" : ", ") + std::string(v->id());
    return ids;
}

}  // namespace cl
