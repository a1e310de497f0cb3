// What reviewers see besides the steps: sketches of the touched tables, and the dependency graph as DOT.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <set>
#include <sstream>
#include <type_traits>

#include "reconcile/plan.hpp"

namespace reconcile {
namespace {

/// The tables a change touches (both names for a rename).
void touched(const Change& change, std::set<QName>& out) {
  std::visit(
      [&](const auto& c) {
        if constexpr (requires { c.table.name.schema; }) out.insert(c.table.name);
        else if constexpr (requires { c.table.schema; }) out.insert(c.table);
        if constexpr (requires { c.from.schema; }) out.insert(c.from);
        if constexpr (requires { c.columns.front().first.schema; })
          for (const auto& col : c.columns) out.insert(col.first);
        // A sequence's owner: the replay needs the table to give the sequence to it.
        auto owner = [&](const Sequence& s) {
          if (s.owned_by) out.insert(s.owned_by->table);
        };
        if constexpr (requires { owner(c.object); }) owner(c.object);
        if constexpr (requires { owner(c.to); }) owner(c.from), owner(c.to);
        // What a view, function or trigger uses, and a trigger's table: the replay needs them whole.
        auto uses = [&](const auto& o) {
          if constexpr (requires { o.depends_on.front().kind; })
            for (const auto& r : o.depends_on)
              if (r.kind == ObjectKind::table || r.kind == ObjectKind::column) out.insert(r.name);
          if constexpr (requires { o.table.schema; }) out.insert(o.table);
        };
        if constexpr (requires { c.object; }) uses(c.object);
        if constexpr (std::is_same_v<std::decay_t<decltype(c)>, SetGrants>) {  // a table's, or a view's tables
          if (c.on.kind == ObjectKind::table) out.insert(c.on.name);
          uses(c);
        }
        if constexpr (requires { c.to.depends_on; }) uses(c.from), uses(c.to);
      },
      change);
}

std::string keys_of(const Table& t, const std::string& column) {
  std::vector<std::string> keys;
  auto has = [&](ConstraintKind kind) {
    for (const auto& k : t.constraints)
      if (k.kind == kind && std::count(k.columns.begin(), k.columns.end(), column)) return true;
    return false;
  };
  if (has(ConstraintKind::primary_key)) keys.push_back("PK");
  if (has(ConstraintKind::foreign_key)) keys.push_back("FK");
  if (has(ConstraintKind::unique)) keys.push_back("UK");
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

TableSketch sketch(const Table& t, bool dropped) {
  TableSketch s;
  s.name = t.name.str();
  s.dropped = dropped;
  for (const auto& c : t.columns) s.columns.push_back({c.name, c.type, keys_of(t, c.name)});
  std::set<std::string> refs;
  for (const auto& k : t.constraints)
    if (k.kind == ConstraintKind::foreign_key) refs.insert(k.ref_table.str());
  s.references.assign(refs.begin(), refs.end());
  return s;
}

}  // namespace

std::set<QName> touched_tables(const std::vector<Change>& changes) {
  std::set<QName> names;
  for (const auto& c : changes) touched(c, names);
  return names;
}

std::vector<TableSketch> sketch_tables(const std::vector<Change>& changes, const Model& before, const Model& after) {
  std::set<QName> names = touched_tables(changes);
  std::vector<TableSketch> out;
  for (const auto& name : names) {
    if (const Table* t = after.find_table(name)) out.push_back(sketch(*t, false));
    else if (const Table* b = before.find_table(name); b && !after.find_table(name)) {
      bool renamed = false;  // the old name of a renamed table is not a dropped table
      for (const auto& c : changes)
        if (auto* r = std::get_if<RenameTable>(&c); r && r->from == name) renamed = true;
      if (!renamed) out.push_back(sketch(*b, true));
    }
  }
  return out;
}

std::string plan_dot(const Plan& plan) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph g(plan.steps.size());
  for (const auto& s : plan.steps)
    for (int dep : s.depends_on)
      if (dep >= 1 && dep <= static_cast<int>(plan.steps.size())) boost::add_edge(dep - 1, s.id - 1, g);
  auto escape = [](const std::string& text) {
    std::string out;
    for (char c : text) out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    return out;
  };
  auto vertex_writer = [&](std::ostream& out, size_t v) {
    const Step& s = plan.steps[v];
    std::string label = escape(std::to_string(s.id) + ". " + to_string(s.op) + " " + s.object);
    for (const auto& h : hazard_names(s.hazards)) label += "\\n[" + escape(h) + "]";
    if (!s.transactional) label += "\\n(outside the transaction)";
    const char* color = s.op == StepOp::create ? "darkgreen" : s.op == StepOp::drop ? "red3" : s.op == StepOp::rename ? "blue" : "darkorange3";
    out << "[label=\"" << label << "\", color=" << color << (s.hazards.empty() ? "" : ", penwidth=2") << "]";
  };
  auto graph_writer = [](std::ostream& out) { out << "rankdir=TB;\nnode [shape=box, fontname=\"monospace\"];\n"; };
  std::ostringstream out;
  boost::write_graphviz(out, g, vertex_writer, boost::default_writer(), graph_writer);
  return out.str();
}

}  // namespace reconcile
