// libpqxx-facing helpers shared by the inspector, the shadow database and apply.
#pragma once
#include <memory>
#include <pqxx/pqxx>

#include "reconcile/db.hpp"

namespace reconcile {

/// Opens a connection with reconcile's session settings (search_path = public). Errors are
/// reconcile::Error with the redacted target named and no password.
std::unique_ptr<pqxx::connection> connect(const std::string& conninfo);

/// `conninfo` ready for libpq: checked (validate_conninfo), its secrets remembered, and
/// `application_name` reconcile unless the string names one.
std::string libpq_conninfo(const std::string& conninfo);

/// The first line of a server error, without libpq's "ERROR:  " prefix.
std::string server_message(const std::exception& e);

/// Reads the live schema into the model inside `tx`, with a fixed number of bulk catalog queries.
Model inspect(pqxx::transaction_base& tx, const InspectScope& scope);

}  // namespace reconcile
