// Where the shipped files live: assets/ (weights, samples, class names) and data/ (the MNIST
// digits that scripts/setup.sh converts). The build fixes both to the source tree; keeping the
// paths in one .cpp means a checkout elsewhere recompiles one file, not every file.
#pragma once

#include <string>

namespace cl {

const std::string& assets_dir();                      // ".../assets", no trailing slash
std::string asset_path(const std::string& relative);  // assets_dir() + "/" + relative
const std::string& default_data_dir();  // ".../data" as built; $CONVLENS_DATA_DIR overrides at use

}  // namespace cl
