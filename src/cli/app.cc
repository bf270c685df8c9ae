#include "cli/app.h"

#include <iostream>

#include "CLI/CLI.hpp"
#include "common/version.h"

namespace stigmer::cli {

int Main(int argc, char** argv) {
  CLI::App app{"stigmer: the Stigmer stack on one machine"};
  app.set_version_flag("--version", std::string("stigmer ") + kVersion);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace stigmer::cli
