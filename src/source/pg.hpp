// libpqxx-facing helpers shared by the inspector, the shadow database and apply.
#pragma once
#include <memory>
#include <pqxx/pqxx>

#include "reconcile/db.hpp"

namespace reconcile {

/// Opens a connection with reconcile's session settings (search_path = public). Errors are
/// reconcile::Error with the redacted target named and no password.
std::unique_ptr<pqxx::connection> connect(const std::string& conninfo);

/// Reads the live schema into the model inside `tx`, with a fixed number of bulk catalog queries.
Model inspect(pqxx::transaction_base& tx, const InspectScope& scope);

}  // namespace reconcile
