// The names a case view takes from the reference data, kept as projection
// rows so that reading one case never folds the rule book (issue 13).
//
// At a province's size the reference data is about 78,000 events, and
// folding them took about 1 s of every `zfcli case show`. A case view needs
// three answers from them: the area of the case's township, the legal name
// of its handling subject and the latest name of its power item. These rows
// hold exactly those answers, for every key, as the latest rule book gives
// them:
//
//   names/area/<township>     the area id (OrgModel::AreaOfTownship, latest)
//   names/subject/<id>        the legal name (OrgModel::LegalNameOf)
//   names/item/<code>         the name of the last entry (PowerList::Latest)
//   names/org/<id>            what zf::Organisation holds for the unit or
//                             officer <id>: {"<map>": value, ...}, one member
//                             per map of Organisation that has the id
//   names/.meta               {"fold":N,"streams":{<reference stream>:version}}
//
// The engine writes the rows that change in the same atomic write as the
// reference events that change them; the meta row names the version of
// every reference stream the rows reflect. A reader trusts the rows only
// when those versions are the streams' heads and the fold version is this
// code's: otherwise (reference events appended by a tool, a store written
// by an older zf) it folds the rule book as before, and the next writable
// open writes the rows again. `replay --verify` compares them with a fold.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rule_book.h"
#include "zf/engine.h"
#include "zf/event_store.h"
#include "zf/status.h"

namespace zf::internal {

inline constexpr std::string_view kNamesRowPrefix = "names/";
inline constexpr std::string_view kNamesMetaKey = "names/.meta";
// Changes whenever what a row holds, or which rows there are, changes.
inline constexpr int kNamesFoldVersion = 2;

// Every names row `rules` implies, the meta row included, by key.
using NameRows = std::map<std::string, std::string, std::less<>>;
NameRows NameRowsOf(const RuleBook& rules);

// The writes that turn the rows `from` into `to` (deletions for keys `to`
// lacks), in key order.
std::vector<ProjectionWrite> NameRowChanges(const NameRows& from, const NameRows& to);

// The three names of a case view. Empty/nullopt where the reference data
// has none.
struct CaseNames {
  std::string area;
  std::optional<std::string> subject_name;
  std::optional<std::string> item_name;
};

// Whether the stored meta row reflects the reference streams' heads (and
// is of this fold version): only then may the rows be used.
Result<bool> StoredNamesCurrent(const EventStore& store);

// The names of (township, subject, item) from the stored rows. The caller
// has found them current.
Result<CaseNames> StoredCaseNames(const EventStore& store, std::string_view township,
                                  std::string_view subject, std::string_view item_code);

// The organisation the latest rule book gives (zf::Engine::OrganisationNow).
Organisation OrganisationOfBook(const RuleBook& rules);

// What `org` holds for `ids`, and the area of each township among them
// (zf::Engine::OrganisationOf).
Organisation OrganisationSubset(const Organisation& org, const std::vector<std::string>& ids);

// The same from the stored names/org rows. The caller has found them
// current.
Result<Organisation> StoredOrganisation(const EventStore& store,
                                        const std::vector<std::string>& ids);

// The stored rows, the meta row included.
Result<NameRows> StoredNameRows(const EventStore& store);

}  // namespace zf::internal
