// Rendering plans and models for people and machines: text, JSON, SQL.
#pragma once
#include <string>

#include "reconcile/plan.hpp"

namespace reconcile::cli {

/// Whether stdout gets ANSI colors: a terminal, and NO_COLOR unset.
bool use_color();
/// Terraform-style text: summary line, then one line per step (`+ ~ - >`), hazards marked.
std::string render_text(const Plan& plan, bool color, bool with_sql);
/// The plan as JSON (format_version 1).
std::string render_json(const Plan& plan);
/// The plan's SQL, in order, with a comment per step.
std::string render_sql(const Plan& plan);
/// A JSON string literal.
std::string json_string(const std::string& s);

}  // namespace reconcile::cli
