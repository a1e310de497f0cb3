// SIGINT / SIGTERM: the CLI drops the live temporary shadow databases, then ends the process.
#pragma once

namespace reconcile::cli {

/// Blocks SIGINT and SIGTERM in every thread and waits for them on one of its own, which drops the
/// live temporary shadows and exits 130 / 143. Installed once; later calls do nothing.
void install_signal_guard();
/// True once SIGINT / SIGTERM arrived: the guard is cleaning up and will end the process itself;
/// callers must not exit first.
bool interrupted();

}  // namespace reconcile::cli
