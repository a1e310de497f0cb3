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

void summarize(Plan& plan) {
  std::set<std::string> hazards;
  plan.summary = {{"create", 0}, {"alter", 0}, {"drop", 0}, {"rename", 0}};
  for (const auto& s : plan.steps) {
    plan.summary[s.op]++;
    hazards.insert(s.hazards.begin(), s.hazards.end());
  }
  plan.hazards.assign(hazards.begin(), hazards.end());
}

std::vector<const Step*> destructive_steps(const Plan& plan) {
  std::vector<const Step*> out;
  for (const auto& s : plan.steps)
    if (std::find(s.hazards.begin(), s.hazards.end(), "destructive") != s.hazards.end()) out.push_back(&s);
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
  std::string obj = first.object.substr(first.object.find(' ') + 1);
  auto dot = obj.rfind('.');
  if (dot != std::string::npos) obj = obj.substr(dot + 1);
  std::string out = slugify(first.op + "_" + obj, 40);
  if (plan.steps.size() > 1) out += "_and_more";
  return out;
}

void mark_irreversible(const std::vector<Step>& forward, std::vector<Step>& reverse) {
  std::set<std::string> destroyed;
  for (const auto& s : forward)
    if (std::count(s.hazards.begin(), s.hazards.end(), "destructive")) destroyed.insert(s.object);
  for (auto& s : reverse)
    if (s.op != "drop" && destroyed.count(s.object) && !std::count(s.hazards.begin(), s.hazards.end(), "irreversible")) {
      s.hazards.push_back("irreversible");
      std::sort(s.hazards.begin(), s.hazards.end());
    }
}

int leading_steps(const Plan& plan) {
  int n = 0;
  while (n < static_cast<int>(plan.steps.size()) && !plan.steps[n].transactional) ++n;
  return n == static_cast<int>(plan.steps.size()) ? 0 : n;
}

}  // namespace reconcile
