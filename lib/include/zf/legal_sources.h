// zf/legal_sources.h — the legal source of every rejection code.
//
// Each rejection code the library returns (zf::Rejection::code) has one row
// in a table of legal sources, kept as data in
// lib/src/domain/legal_sources.tsv and compiled into the library:
//   - the provision the rule rests on, cited as Chinese government
//     documents cite it (《中华人民共和国行政处罚法》第三十八条第一款; local
//     documents by their 文号);
//   - the same provision in the short English form of docs/domain.md
//     (APL art. 38 ¶1);
//   - the rule's message for people, in Chinese.
// A test (docs.legal_sources, scripts/check-rejection-codes --sources)
// fails when a code the library can return has no row, or a row names a
// code the library no longer returns, so a new code cannot be added
// without its citation.
//
// The library stays language-neutral: it decides with codes, and callers
// (zfcli, the HTTP API) pick the language when they show a rejection.
// Nothing here is stored: events and command records never hold a
// rejection, so the table can be corrected without changing a stored byte.
//
// One code may rest on different provisions in different situations
// (invalid_state, for one): the row holds the provision cited by default,
// and the decider's Rejection::legal_basis keeps its own English note of
// the situation's provision.
//
// Example:
//   if (result->rejection) {
//     const zf::Rejection& r = *result->rejection;
//     std::cout << zf::RejectionMessage(r, zf::Language::kZh) << " 法律依据："
//               << zf::RejectionCitation(r, zf::Language::kZh) << "\n";
//   }
//
// Thread safety: every function here is safe to call concurrently; the
// table is built once, on first use, and never changes.
#pragma once

#include <string_view>
#include <vector>

#include "zf/command.h"
#include "zf/export.h"

namespace zf {

// The language people read a rejection in.
enum class Language { kZh, kEn };

// One row of the table. The views point into the library's static data
// and stay valid for the life of the program.
struct LegalSource {
  std::string_view code;         // "subject_not_competent"
  std::string_view citation_zh;  // "《中华人民共和国行政处罚法》第三十八条第一款"
  std::string_view citation_en;  // "APL art. 38 ¶1"
  std::string_view message_zh;   // "该执法主体对此事项和地点没有管辖权"
};

// Every row, sorted by code.
ZF_EXPORT const std::vector<LegalSource>& AllLegalSources();

// The row of `code`, or nullptr when the table has none.
ZF_EXPORT const LegalSource* FindLegalSource(std::string_view code);

// The citation to show for `rejection` in `language`: its code's row; for a
// code without a row (none, while docs.legal_sources passes) the
// decider's legal_basis.
ZF_EXPORT std::string_view RejectionCitation(const Rejection& rejection, Language language);

// The message to show for `rejection`: in Chinese the decider's own
// Chinese message when it wrote one (Rejection::message_zh), else its
// code's row (the rule, without the case's particulars, which the English
// message names); in English, or for a code without a row, the decider's
// message.
ZF_EXPORT std::string_view RejectionMessage(const Rejection& rejection, Language language);

}  // namespace zf
