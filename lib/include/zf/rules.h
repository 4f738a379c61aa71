// zf/rules.h — what the power list (权责清单) says, and who is competent.
//
// Value types returned by Engine::PowerItems and Engine::Competent. They are
// snapshots: answers for one date ("as of"), computed from the rules/powers
// reference stream — power items and their versions, delegation decisions
// (赋权), township acceptance (承接) and platform claims (事项认领).
//
// Competence (docs/domain.md, Competence resolution): for an item and the township where the violation
// happened (APL art. 22), on a date, the township is competent when the item
// is delegated to it, it accepted it and claimed it; otherwise the item's
// original department is. An item not in the list that day has no
// competent subject: a decision under it would be void (APL art. 38).
//
// Example:
//   auto answer = engine->Competent("SAFE-017", "gaosha", "2023-03-01");
//   if (answer.ok() && answer->delegated) { /* file in 高砂镇's name */ }
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zf {

// Why a subject is (or is not) competent. Stable ids, persisted in reports:
//   delegated_accepted_claimed  the township: delegated, accepted, claimed
//   not_delegated               the department: never delegated to the township
//   delegated_not_accepted      the department: delegated, the township did not accept it
//   delegated_not_claimed       the department: accepted, not claimed on the platform
//   delegation_withdrawn        the department: the delegation was withdrawn (收回)
//   item_withdrawn              nobody: the item was withdrawn from the list
//   item_not_in_force           nobody: the item had not taken effect yet
struct CompetenceAnswer {
  std::string item_code;
  std::string township;            // where the violation happened
  std::string as_of;               // the date answered for, YYYY-MM-DD
  std::string subject;             // competent subject id; "" when none
  bool delegated = false;          // subject is the township, by delegation
  std::string reason;              // see above
  std::string legal_basis;         // the provisions and list versions relied on (Chinese)
  std::string legal_basis_en;      // the same in English (APL art. 22; power list X v1)
  std::uint32_t item_version = 0;  // version of the item used (0: none)
  std::string original_subject;    // the item's department
  std::string delegation_batch;    // batch used or considered, or ""
  // J3 ([U][C]; EngineOptions::department_retains_for): the department
  // keeps the power inside the township as well.
  bool department_retains = false;
};

// One power item as in force on a date.
struct PowerItemView {
  std::string item_code;
  std::string name;              // 权限名称
  std::string power_type;        // administrative_penalty, ...
  std::string original_subject;  // 原实施主体
  std::string domain;
  std::vector<std::string> legal_basis;    // "《…》第九十七条第（七）项（罚则）"
  std::vector<std::string> penalty_types;  // glossary ids
  std::uint32_t version = 0;
  std::string effective_from;  // YYYY-MM-DD
  // Last day of this version as recorded so far, YYYY-MM-DD; "" while no
  // later version or withdrawal is recorded.
  std::string effective_to;
  std::vector<std::string> delegated_to;  // townships, delegation in force
  std::vector<std::string> accepted_by;   // townships that accepted it
  std::vector<std::string> claimed_by;    // subjects that claimed it
  // Competence for a violation in each township registered in org, sorted
  // by township.
  std::vector<CompetenceAnswer> by_township;
};

}  // namespace zf
