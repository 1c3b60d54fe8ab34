// The two directories the build fixes (see paths.h); only this file sees the definitions.
#include "engine/paths.h"

namespace cl {

const std::string& assets_dir() {
    static const std::string dir = CONVLENS_ASSETS_DIR;
    return dir;
}

std::string asset_path(const std::string& relative) {
    return assets_dir() + "/" + relative;
}

const std::string& default_data_dir() {
    static const std::string dir = CONVLENS_DATA_DIR;
    return dir;
}

}  // namespace cl
