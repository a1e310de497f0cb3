// Orders step drafts through a Boost.Graph dependency graph: deterministic topological order.
#include <boost/graph/adjacency_list.hpp>
#include <algorithm>
#include <map>
#include <queue>

#include "draft.hpp"

namespace reconcile {
namespace {

using Graph = boost::adjacency_list<boost::setS, boost::vecS, boost::bidirectionalS>;

/// Key -> the drafts that create / drop / use / release it.
struct KeyIndex {
  std::map<ObjectRef, std::vector<size_t>> creators, droppers;
};

KeyIndex index_keys(const std::vector<StepDraft>& drafts) {
  KeyIndex ix;
  for (size_t i = 0; i < drafts.size(); ++i) {
    for (const auto& k : drafts[i].creates) ix.creators[k].push_back(i);
    for (const auto& k : drafts[i].drops) ix.droppers[k].push_back(i);
  }
  return ix;
}

Graph build_graph(const std::vector<StepDraft>& drafts) {
  Graph g(drafts.size());
  KeyIndex ix = index_keys(drafts);
  auto edge = [&](size_t from, size_t to) {
    if (from != to) boost::add_edge(from, to, g);
  };
  auto each = [](const std::map<ObjectRef, std::vector<size_t>>& m, const ObjectRef& k, auto f) {
    auto it = m.find(k);
    if (it != m.end())
      for (size_t v : it->second) f(v);
  };
  for (size_t s = 0; s < drafts.size(); ++s) {
    const StepDraft& d = drafts[s];
    for (const auto& k : d.uses) {
      if (d.is_drop) {
        each(ix.droppers, k, [&](size_t dropper) { edge(s, dropper); });
        // A renamed object is known by its new name only after the rename, to drops too.
        each(ix.creators, k, [&](size_t creator) {
          if (drafts[creator].step.op == StepOp::rename) edge(creator, s);
        });
      } else {
        each(ix.creators, k, [&](size_t creator) { edge(creator, s); });
      }
    }
    for (const auto& k : d.releases) each(ix.droppers, k, [&](size_t dropper) { edge(s, dropper); });
    for (const auto& k : d.creates) each(ix.droppers, k, [&](size_t dropper) { edge(dropper, s); });
  }
  return g;
}

/// Names the objects of one cycle among the vertices that could not be ordered.
std::string describe_cycle(const Graph& g, const std::vector<StepDraft>& drafts, const std::vector<int>& indegree) {
  size_t start = 0;
  while (indegree[start] == 0) ++start;
  // Walk backwards along unordered in-edges until a vertex repeats: that is a cycle.
  std::vector<int> seen(drafts.size(), -1);
  std::vector<size_t> path;
  size_t v = start;
  while (seen[v] < 0) {
    seen[v] = static_cast<int>(path.size());
    path.push_back(v);
    for (auto [e, end] = boost::in_edges(v, g); e != end; ++e) {
      size_t u = boost::source(*e, g);
      if (indegree[u] > 0) { v = u; break; }
    }
  }
  std::string out;
  for (size_t i = path.size(); i-- > static_cast<size_t>(seen[v]);) out += drafts[path[i]].step.object + " -> ";
  return out + drafts[v].step.object;
}

/// Three parts, each in topological order: the leading steps (committed one by one before the
/// transaction), the transaction, and the steps that cannot run in one together with every step
/// that depends on one of them.
std::vector<Step> transactional_first(const std::vector<size_t>& order, const Graph& g, std::vector<StepDraft>& drafts) {
  enum Part { before = 0, inside = 1, after = 2 };
  std::vector<int> part(drafts.size(), inside);
  for (size_t v : order) {
    if (drafts[v].leads) {  // leads only when everything it needs leads too (not a label a rename makes)
      bool alone = true;
      for (auto [e, end] = boost::in_edges(v, g); e != end; ++e) alone = alone && part[boost::source(*e, g)] == before;
      if (alone) {
        part[v] = before;
        continue;
      }
    }
    part[v] = drafts[v].step.transactional || drafts[v].leads ? inside : after;
    for (auto [e, end] = boost::in_edges(v, g); e != end; ++e)
      if (part[boost::source(*e, g)] == after) part[v] = after;
  }
  std::vector<Step> out;
  std::vector<int> id_of(drafts.size());
  for (int p : {before, inside, after})
    for (size_t v : order)
      if (part[v] == p) {
        out.push_back(std::move(drafts[v].step));
        out.back().transactional = p == inside;
        out.back().id = id_of[v] = static_cast<int>(out.size());
      }
  for (size_t v = 0; v < drafts.size(); ++v) {
    auto& deps = out[id_of[v] - 1].depends_on;
    for (auto [e, end] = boost::in_edges(v, g); e != end; ++e) deps.push_back(id_of[boost::source(*e, g)]);
    std::sort(deps.begin(), deps.end());
  }
  return out;
}

}  // namespace

std::vector<Step> order_drafts(std::vector<StepDraft> drafts) {
  Graph g = build_graph(drafts);
  std::vector<int> indegree(drafts.size());
  for (size_t v = 0; v < drafts.size(); ++v) indegree[v] = static_cast<int>(boost::in_degree(v, g));
  auto later = [&](size_t a, size_t b) {  // priority_queue pops the "largest": invert
    const auto& x = drafts[a];
    const auto& y = drafts[b];
    return std::tie(x.rank, x.step.object, x.step.sql) > std::tie(y.rank, y.step.object, y.step.sql);
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> ready(later);
  for (size_t v = 0; v < drafts.size(); ++v)
    if (indegree[v] == 0) ready.push(v);
  std::vector<size_t> out;
  while (!ready.empty()) {
    size_t v = ready.top();
    ready.pop();
    out.push_back(v);
    for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
      size_t w = boost::target(*e, g);
      if (--indegree[w] == 0) ready.push(w);
    }
  }
  if (out.size() != drafts.size())
    throw Error("dependency cycle between planned steps: " + describe_cycle(g, drafts, indegree));
  return transactional_first(out, g, drafts);
}

std::vector<Step> plan_steps(const std::vector<Change>& changes, const RenderOptions& options) {
  std::vector<StepDraft> drafts;
  for (const auto& c : changes) drafts.push_back(render(c, options));
  return order_drafts(std::move(drafts));
}

}  // namespace reconcile
