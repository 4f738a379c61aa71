// Pieces shared by the query commands (case, deadlines, grid, joint …):
// the --as-of / --at-position options and printing a list as JSON or as a
// table with labels for people.
#pragma once

#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "cli.h"
#include "zf/cases.h"
#include "zf/result.h"

namespace zfcli {

// The organisation's names now (server::OrgDirectory::Names: "district",
// "departments", "townships", "brigades", "areas", "officers", each id:
// name), or an empty object when the org stream cannot be read: a table
// then shows the ids alone rather than failing.
boost::json::object OrgNames(zf::Engine& engine);

// The same for the ids one view mentions (every string in it is asked:
// zf::Engine::OrganisationOf), read from the engine's stored names rows
// where it can, so that showing one case does not fold the reference data.
boost::json::object OrgNamesFor(zf::Engine& engine, const boost::json::value& view);

// "name（id）" ("name (id)" in English) for an id the organisation names
// under one of `kinds` ("townships", "officers", …), else the id alone.
std::string NamedId(const GlobalOptions& g, const boost::json::object& names,
                    std::initializer_list<std::string_view> kinds, const std::string& id);

// The kinds a handling subject, a dispatched unit or a reviewing body is
// one of.
inline const std::initializer_list<std::string_view> kUnitKinds = {
    "departments", "townships", "brigades", "district"};

// A case's handling subject (执法主体), wherever a case is shown (case list,
// case show, deadlines, case explain): by the name its decisions issue in
// (legal_names: 三明市生态环境局（sx-eco）), since that is who decides in
// law. Any other mention of a unit (an officer's agency, a dispatched unit,
// a reviewing body) is NamedId with kUnitKinds: the unit's own name
// (三明市沙县生态环境局（sx-eco）). docs/cli.md, "Names".
std::string SubjectName(const GlobalOptions& g, const boost::json::object& names,
                        const std::string& id);

// --as-of / --at-position, shared by every query.
void AddAsOfOptions(boost::program_options::options_description& options);
zf::AsOf AsOfFrom(const boost::program_options::variables_map& vm);

// The value of a string option, or "" when absent.
std::string OptionText(const boost::program_options::variables_map& vm, const char* name);

// A table for people: padded columns, the last one free-width; `empty` is
// the label printed instead when there are no rows. Headers are label keys.
void PrintTable(const GlobalOptions& g, std::string_view empty,
                const std::vector<std::string_view>& headers,
                const std::vector<std::size_t>& widths,
                const std::vector<std::vector<std::string>>& rows);

// `<noun> show ID [--as-of T] [--at-position N]`: the view as JSON for
// scripts, else `print_for_people`. `id_option` names the positional
// option in --help ("id", "campaign-id").
using ViewFetch = std::function<zf::Result<boost::json::object>(zf::Engine&, const std::string&,
                                                                const zf::AsOf&)>;
// `names` is the organisation's (OrgNames), read only for people.
using ViewPrint = std::function<void(const GlobalOptions&, const boost::json::object& view,
                                     const boost::json::object& names)>;
int RunShowView(const GlobalOptions& defaults, const std::vector<std::string>& args,
                const Command& self, const char* id_option, const ViewFetch& fetch,
                const ViewPrint& print_for_people);

// A query's answer: a JSON array for scripts, else a table for people.
template <typename T, typename ToJson, typename PrintRows>
int PrintList(const GlobalOptions& global, const zf::Result<std::vector<T>>& list, ToJson to_json,
              PrintRows print_table) {
  if (!list.ok()) return ReportError(global, list.status());
  if (global.json) {
    boost::json::array out;
    for (const T& item : *list) out.push_back(to_json(item));
    std::cout << boost::json::serialize(out) << '\n';
  } else {
    print_table(global, *list);
  }
  return kExitOk;
}

}  // namespace zfcli
