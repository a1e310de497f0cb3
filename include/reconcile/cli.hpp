// The command line: parses arguments, runs a command, returns the exit code.
#pragma once

namespace reconcile {

/// Runs `reconcile` with the given arguments. Exit codes: 0 success, 1 error, 2 changes pending
/// (plan with --detailed-exitcode). Never throws.
int run(int argc, char** argv);

}  // namespace reconcile
