#include "cli/app.h"

int main(int argc, char** argv) { return stigmer::cli::Main(argc, argv); }
