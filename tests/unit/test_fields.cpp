// Each kind lists its fields once; equality, fingerprint and cache codec walk that list. These
// tests change every listed field in turn and check that each walker sees the change.
#include <catch2/catch.hpp>

#include "reconcile/model.hpp"
#include "reconcile/object_ref.hpp"
#include "reconcile/table_codec.hpp"

using namespace reconcile;

namespace {

void change(std::string& v) { v += "x"; }
void change(bool& v) { v = !v; }
void change(std::optional<std::string>& v) { v = v ? *v + "x" : "x"; }
void change(std::vector<std::string>& v) { v.push_back("x"); }
void change(std::map<std::string, std::string>& v) { v["x"] = "1"; }
void change(QName& v) { v.name += "x"; }
void change(ConstraintKind& v) { v = v == ConstraintKind::check ? ConstraintKind::unique : ConstraintKind::check; }
void change(std::vector<QName>& v) { v.push_back({"public", "x"}); }
void change(Identity& v) { v = v == Identity::always ? Identity::by_default : Identity::always; }
void change(std::vector<ObjectRef>& v) { v.push_back(table_ref({"public", "x"})); }
void change(std::vector<Grant>& v) { v.push_back(Grant{"r", {"select"}, {}, false}); }
void change(FkAction& v) { v = v == FkAction::cascade ? FkAction::restrict : FkAction::cascade; }

Table sample() {
  Table t;
  t.name = {"public", "t"};
  Column c;
  c.name = "c";
  c.type = "integer";
  t.columns = {c};
  Constraint k;
  k.name = "k";
  k.expression = "c > 0";
  t.constraints = {k};
  Index i;
  i.name = "i";
  i.keys = {"c"};
  t.indexes = {i};
  Trigger g;
  g.name = "g";
  g.table = t.name;
  g.events = {"insert"};
  g.execute = "f()";
  t.triggers = {g};
  return t;
}

/// Calls `check(table, label)` once per field of the part `pick` selects, that field changed.
template <class Part, class Pick, class Check>
void each_changed_field(Pick pick, Check check) {
  size_t n = std::tuple_size_v<decltype(Part::fields(std::declval<Part&>()))>;
  for (size_t which = 0; which < n; ++which) {
    Table t = sample();
    size_t i = 0;
    std::string key;
    each_field(Part::fields(pick(t)), [&](const auto& f) {
      if (i++ == which) change(f.value), key = f.key;
      (void)f;
    });
    check(t, key, Part::fields(pick(t)));
  }
}

template <class Fields>
FieldRole role_of(const Fields& fields, const std::string& key) {
  FieldRole role = FieldRole::definition;
  each_field(fields, [&](const auto& f) {
    if (key == f.key) role = f.role;
  });
  return role;
}

}  // namespace

TEST_CASE("every field a kind lists is fingerprinted (but state), cached and compared by its role") {
  const Table base = sample();
  auto walk = [&](const Table& t, const std::string& key, FieldRole role) {
    INFO(key);
    auto back = decode_table(encode_table(t));
    REQUIRE(back);
    CHECK(encode_table(*back) == encode_table(t));
    CHECK(encode_table(t) != encode_table(base));
    Model a, b;
    a.tables[base.name] = base;
    b.tables[base.name] = t;
    if (role != FieldRole::state) CHECK(canonical_text(a) != canonical_text(b));
  };
  each_changed_field<Table>([](Table& t) -> Table& { return t; }, [&](const Table& t, const std::string& key, const auto& fields) {
    walk(t, key, role_of(fields, key));
  });
  each_changed_field<Column>([](Table& t) -> Column& { return t.columns[0]; }, [&](const Table& t, const std::string& key, const auto& fields) {
    FieldRole role = role_of(fields, key);
    walk(t, key, role);
    CHECK(t.columns[0].same_definition(base.columns[0]) == (role == FieldRole::state));
  });
  each_changed_field<Constraint>([](Table& t) -> Constraint& { return t.constraints[0]; },
                                 [&](const Table& t, const std::string& key, const auto& fields) {
                                   FieldRole role = role_of(fields, key);
                                   walk(t, key, role);
                                   CHECK(t.constraints[0].same_definition(base.constraints[0]) == (role != FieldRole::definition));
                                 });
  each_changed_field<Index>([](Table& t) -> Index& { return t.indexes[0]; }, [&](const Table& t, const std::string& key, const auto& fields) {
    FieldRole role = role_of(fields, key);
    walk(t, key, role);
    CHECK(t.indexes[0].same_definition(base.indexes[0]) == (role != FieldRole::definition));
  });
  each_changed_field<Trigger>([](Table& t) -> Trigger& { return t.triggers[0]; }, [&](const Table& t, const std::string& key, const auto& fields) {
    FieldRole role = role_of(fields, key);
    walk(t, key, role);
    auto in_place = [](FieldRole r) { return r == FieldRole::definition || r == FieldRole::comment; };
    CHECK(same_fields(t.triggers[0], base.triggers[0], in_place) == (role == FieldRole::state || role == FieldRole::name));
  });
}

TEST_CASE("schemas, enums, extensions and sequences go through the cache codec whole") {
  Model m;
  m.schemas["app"] = Schema{"app", "the app", {}};
  m.enums[{"app", "mood"}] = Enum{{"app", "mood"}, {"ok", "sad"}, "how it feels", {}, {}};
  m.extensions["pg_trgm"] = Extension{"pg_trgm", "app", {}};
  Sequence seq;
  seq.name = {"app", "ticket no"};
  seq.type = "integer";
  seq.options = {{"start", "10"}, {"cycle", "true"}};
  seq.owned_by = ColumnRef{{"app", "t"}, "n"};
  seq.comment = "numbers";
  m.sequences[seq.name] = seq;
  Function f;
  f.name = {"app", "add"};
  f.arguments = "a integer, b integer DEFAULT 1";
  f.signature = "integer, integer";
  f.returns = "integer";
  f.body = "SELECT a +\n b";
  f.set = {{"search_path", "app"}};
  f.cost = "5";
  f.depends_on = {table_ref({"app", "t"})};
  m.functions[ref_of(f)] = f;
  Function p = f;
  p.procedure = true;
  p.returns = "";
  m.functions[ref_of(p)] = p;
  auto back = decode_objects(encode_objects(m));
  REQUIRE(back);
  CHECK(canonical_text(*back) == canonical_text(m));
  CHECK(back->functions.size() == 2);
  CHECK(back->functions.at(ref_of(f)).depends_on == f.depends_on);
  CHECK_FALSE(decode_objects("o1 0 0 0"));
}
