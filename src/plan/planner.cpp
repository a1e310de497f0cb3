// Plan-level helpers: hazards and summary, destructive steps, file slugs.
#include <algorithm>
#include <set>

#include "reconcile/plan.hpp"

namespace reconcile {

SourceLoc Step::origin_at(size_t offset) const {
  SourceLoc best = origin;
  for (const auto& o : sql_origins)
    if (o.offset <= offset && o.loc.known()) best = o.loc;
  return best;
}

std::string to_string(StepOp op) {
  switch (op) {
    case StepOp::create: return "create";
    case StepOp::alter: return "alter";
    case StepOp::drop: return "drop";
    case StepOp::rename: return "rename";
  }
  return "?";
}

std::optional<StepOp> parse_step_op(const std::string& text) {
  return enum_named(text, {StepOp::create, StepOp::alter, StepOp::drop, StepOp::rename});
}

std::string to_string(Hazard hazard) {
  switch (hazard) {
    case Hazard::destructive: return "destructive";
    case Hazard::irreversible: return "irreversible";
    case Hazard::locks: return "locks";
    case Hazard::may_fail: return "may-fail";
    case Hazard::rewrite: return "rewrite";
  }
  return "?";
}

std::optional<Hazard> parse_hazard(const std::string& text) {
  return enum_named(text, {Hazard::destructive, Hazard::irreversible, Hazard::locks, Hazard::may_fail, Hazard::rewrite});
}

std::vector<std::string> hazard_names(const Hazards& hazards) {
  std::vector<std::string> out;
  for (Hazard h : hazards) out.push_back(to_string(h));
  return out;
}

void summarize(Plan& plan) {
  plan.hazards.clear();
  plan.summary.clear();
  for (StepOp op : kStepOps) plan.summary[op] = 0;
  for (const auto& s : plan.steps) {
    plan.summary[s.op]++;
    plan.hazards.insert(s.hazards.begin(), s.hazards.end());
  }
}

std::vector<const Step*> destructive_steps(const Plan& plan) {
  std::vector<const Step*> out;
  for (const auto& s : plan.steps)
    if (s.hazards.count(Hazard::destructive)) out.push_back(&s);
  return out;
}

std::string slugify(const std::string& text, size_t max_length) {
  std::string out;
  for (unsigned char c : text) {
    char ch = std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
    if (ch == '_' && (out.empty() || out.back() == '_')) continue;
    out += ch;
  }
  if (out.size() > max_length) out.resize(max_length);
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string plan_slug(const Plan& plan) {
  if (plan.steps.empty()) return "no_changes";
  const Step& first = plan.steps.front();
  std::string out = slugify(to_string(first.op) + "_" + step_name(first), 40);
  if (plan.steps.size() > 1) out += "_and_more";
  return out;
}

void mark_irreversible(const std::vector<Step>& forward, std::vector<Step>& reverse) {
  for (auto& r : reverse) {
    if (r.op == StepOp::drop) continue;
    for (const auto& f : forward)
      if (f.hazards.count(Hazard::destructive) && same_object(f, r)) r.hazards.insert(Hazard::irreversible);
  }
}

bool same_object(const Step& a, const Step& b) {
  if (a.ref && b.ref) return *a.ref == *b.ref;
  return a.object == b.object;  // a plan file from before steps recorded their object's identity
}

std::string step_path(const Step& step) {
  if (!step.ref) return step.object.substr(step.object.find(' ') + 1);
  const ObjectRef& r = *step.ref;
  std::string out = r.name.schema.empty() ? r.name.name : r.name.str();
  return r.sub.empty() || r.sub[0] == '(' ? out : out + "." + r.sub;
}

std::string step_name(const Step& step) {
  if (step.ref) return leaf_name(*step.ref);
  std::string obj = step.object.substr(step.object.find(' ') + 1);
  auto dot = obj.rfind('.');
  return dot == std::string::npos ? obj : obj.substr(dot + 1);
}

int leading_steps(const Plan& plan) {
  int n = 0;
  while (n < static_cast<int>(plan.steps.size()) && !plan.steps[n].transactional) ++n;
  return n == static_cast<int>(plan.steps.size()) ? 0 : n;
}

}  // namespace reconcile
