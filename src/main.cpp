#include "reconcile/cli.hpp"

int main(int argc, char** argv) { return reconcile::run(argc, argv); }
