#ifndef STIGMER_CLI_APP_H_
#define STIGMER_CLI_APP_H_

namespace stigmer::cli {

// Parses the command line and runs the command; returns the process exit code.
int Main(int argc, char** argv);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_APP_H_
