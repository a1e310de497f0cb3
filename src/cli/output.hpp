// Rendering plans and models for people and machines: text, JSON, SQL, Markdown.
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
/// Markdown for a PR comment: summary, hazards first, a table of steps, the SQL in a collapsible
/// block, and a Mermaid erDiagram of the tables the plan touches.
std::string render_markdown(const Plan& plan);
/// A JSON string literal.
std::string json_string(const std::string& s);

}  // namespace reconcile::cli
