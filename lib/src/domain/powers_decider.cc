// rules/powers: the power list (权责清单) and its delegation to townships.
//
// A power item is published in versions; a change (动态调整) is a new
// version with its own effective_from, never an edit. The district decides
// which items go to which townships (赋权, APL art. 24), each township
// confirms the subset it takes on (承接, 赋权确认书) and claims items on the
// provincial platform (事项认领). Competence (docs/domain.md, Competence resolution) is read from these
// facts by PowerList::CompetentAsOf.
#include <fmt/format.h>

#include <optional>

#include "domain/decider.h"

namespace zf::internal {
namespace {

constexpr std::string_view kBasisList =
    "《关于推行地方各级政府工作部门权力清单制度的指导意见》（中办发〔2015〕21号）：权责清单动态调"
    "整";
constexpr std::string_view kBasisPenaltyByLaw = "《中华人民共和国行政处罚法》第四条";
constexpr std::string_view kBasisDelegation = "《中华人民共和国行政处罚法》第二十四条";
constexpr std::string_view kBasisDelegationScope =
    "《中华人民共和国行政处罚法》第二十四条第二款（在赋权范围内实施）";
constexpr std::string_view kPenalty = "administrative_penalty";

const boost::json::object& Data(const DecisionContext& context) {
  return context.command.data.as_object();
}

std::string Str(const boost::json::object& data, std::string_view key) {
  const boost::json::value* v = data.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<std::string> Strs(const boost::json::object& data, std::string_view key) {
  std::vector<std::string> out;
  if (const boost::json::value* v = data.if_contains(key); v != nullptr && v->is_array()) {
    for (const boost::json::value& e : v->as_array()) {
      if (e.is_string()) out.emplace_back(e.as_string());
    }
  }
  return out;
}

boost::json::array JsonStrings(const std::vector<std::string>& values) {
  boost::json::array out;
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

// The schema checks the YYYY-MM-DD shape; the date must also exist.
struct DateField {
  std::optional<Date> date;
  std::optional<Rejection> rejection;
};
DateField ParseDateField(const boost::json::object& data, std::string_view key,
                         std::string_view legal_basis) {
  auto date = Date::Parse(Str(data, key));
  if (date.ok()) return {*date, std::nullopt};
  return {std::nullopt, Rejection{"date_invalid", std::string(date.status().message()),
                                  std::string(legal_basis), fmt::format("/data/{}", key)}};
}

const PowerList& Powers(const DecisionContext& context) { return context.rules.powers(); }

// --- publish_power_item -----------------------------------------------------

Decision DecidePublishPowerItem(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const PowerList& powers = Powers(context);
  DateField from = ParseDateField(data, "effective_from", kBasisList);
  if (from.rejection) return *from.rejection;

  // The list says who holds each power: that subject must be a department
  // the district has registered, or nobody could be found competent.
  const std::string subject = Str(data, "original_subject");
  if (context.rules.org().FindDepartment(subject) == nullptr) {
    return Reject("unknown_department",
                  fmt::format("{} is not a department registered in org", subject),
                  std::string(kBasisList), "/data/original_subject");
  }

  PowerItemVersion proposed;
  proposed.item_code = Str(data, "item_code");
  proposed.name = Str(data, "name");
  proposed.power_type = Str(data, "power_type");
  proposed.original_subject = Str(data, "original_subject");
  proposed.domain = Str(data, "domain");
  proposed.penalty_types = Strs(data, "penalty_types");
  bool has_penalty_provision = false;
  for (const boost::json::value& b : data.at("legal_basis").as_array()) {
    const boost::json::object& o = b.as_object();
    LegalBasisRef ref{Str(o, "instrument"), Str(o, "article"), Str(o, "paragraph"), Str(o, "item"),
                      Str(o, "role")};
    has_penalty_provision = has_penalty_provision || ref.role == "penalty";
    proposed.legal_basis.push_back(std::move(ref));
  }
  // A penalty may only be imposed where a law, regulation or rule sets it:
  // the item must name the provision that does, and what it allows.
  if (proposed.power_type == kPenalty && !has_penalty_provision) {
    return Reject("legal_basis_missing_penalty_provision",
                  "a penalty item must cite the provision that sets the penalty (role \"penalty\")",
                  std::string(kBasisPenaltyByLaw), "/data/legal_basis");
  }
  if (proposed.power_type == kPenalty && proposed.penalty_types.empty()) {
    return Reject("penalty_types_missing",
                  "a penalty item must list the penalty types its provisions allow",
                  std::string(kBasisPenaltyByLaw), "/data/penalty_types");
  }

  const PowerItemEntry* latest = powers.Latest(proposed.item_code);
  if (latest != nullptr) {
    if (*from.date < latest->effective_from) {
      return Reject("effective_from_out_of_order",
                    fmt::format("{} already has an entry effective {}; a new version cannot take "
                                "effect before it",
                                proposed.item_code, latest->effective_from.ToString()),
                    std::string(kBasisList), "/data/effective_from");
    }
    if (!latest->withdrawn && latest->version.SameContent(proposed)) {
      return Reject("power_item_unchanged",
                    fmt::format("version {} of {} says the same; a new version must change "
                                "something",
                                latest->version.version, proposed.item_code),
                    std::string(kBasisList), "/data");
    }
  }
  boost::json::object event = data;  // the command's fields, as checked
  // Signed, like every integer read back from the store.
  event["version"] = static_cast<std::int64_t>(latest == nullptr ? 1 : latest->version.version + 1);
  if (latest != nullptr) {
    event["supersedes_version"] = static_cast<std::int64_t>(latest->version.version);
    if (latest->withdrawn) event["restores_withdrawn"] = true;
  }
  return Events(Emit(std::string(kPowerItemPublished), std::move(event)));
}

// --- withdraw_power_item ----------------------------------------------------

Decision DecideWithdrawPowerItem(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const std::string code = Str(data, "item_code");
  DateField from = ParseDateField(data, "effective_from", kBasisList);
  if (from.rejection) return *from.rejection;
  const PowerItemEntry* latest = Powers(context).Latest(code);
  if (latest == nullptr) {
    return Reject("power_item_not_found", fmt::format("no power item {}", code),
                  std::string(kBasisList), "/data/item_code");
  }
  if (latest->withdrawn) {
    return Reject(
        "power_item_already_withdrawn",
        fmt::format("{} was withdrawn effective {}", code, latest->effective_from.ToString()),
        std::string(kBasisList), "/data/item_code");
  }
  if (*from.date < latest->effective_from) {
    return Reject("effective_from_out_of_order",
                  fmt::format("version {} of {} takes effect {}; it cannot be withdrawn before",
                              latest->version.version, code, latest->effective_from.ToString()),
                  std::string(kBasisList), "/data/effective_from");
  }
  boost::json::object event = data;
  event["withdrawn_version"] = static_cast<std::int64_t>(latest->version.version);
  return Events(Emit(std::string(kPowerItemWithdrawn), std::move(event)));
}

// --- decide_delegation ------------------------------------------------------

Decision DecideDelegation(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const PowerList& powers = Powers(context);
  const std::string batch = Str(data, "batch");
  if (powers.Batch(batch) != nullptr) {
    return Reject("delegation_batch_exists",
                  fmt::format("delegation batch {} was already decided; a change is a new batch "
                              "or a withdrawal",
                              batch),
                  std::string(kBasisDelegation), "/data/batch");
  }
  DateField decided = ParseDateField(data, "decided_on", kBasisDelegation);
  if (decided.rejection) return *decided.rejection;
  DateField from = ParseDateField(data, "effective_from", kBasisDelegation);
  if (from.rejection) return *from.rejection;
  if (*from.date < *decided.date) {
    return Reject("delegation_effective_before_decision",
                  "a delegation cannot take effect before it is decided (and published)",
                  std::string(kBasisDelegation), "/data/effective_from");
  }
  // Only a registered township-level government can receive powers: the
  // decision must name the legal subject that will act in its own name.
  const OrgModel& org = context.rules.org();
  const boost::json::array& grants = data.at("grants").as_array();
  for (std::size_t g = 0; g < grants.size(); ++g) {
    const std::vector<std::string> townships = Strs(grants[g].as_object(), "townships");
    for (std::size_t t = 0; t < townships.size(); ++t) {
      if (org.FindTownship(townships[t]) == nullptr) {
        return Reject("township_unknown",
                      fmt::format("{} is not a township-level unit registered in org",
                                  townships[t]),
                      std::string(kBasisDelegation),
                      fmt::format("/data/grants/{}/townships/{}", g, t));
      }
    }
    const std::vector<std::string> items = Strs(grants[g].as_object(), "items");
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string pointer = fmt::format("/data/grants/{}/items/{}", g, i);
      if (!powers.HasItem(items[i])) {
        return Reject("power_item_not_found", fmt::format("no power item {}", items[i]),
                      std::string(kBasisDelegation), pointer);
      }
      const PowerItemVersion* v = powers.ItemAsOf(items[i], *from.date);
      if (v == nullptr) {
        return Reject(
            "item_not_in_force",
            fmt::format("{} is not in the power list on {}", items[i], from.date->ToString()),
            std::string(kBasisDelegation), pointer);
      }
      // Art. 24 hands down penalty powers; other kinds of power are not
      // delegated by it.
      if (v->power_type != kPenalty) {
        return Reject(
            "power_type_not_delegable",
            fmt::format("{} is {}, not an administrative penalty", items[i], v->power_type),
            std::string(kBasisDelegation), pointer);
      }
    }
  }
  return Events(Emit(std::string(kDelegationDecided), data));
}

// --- withdraw_delegation ----------------------------------------------------

Decision DecideWithdrawDelegation(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const DelegationBatch* batch = Powers(context).Batch(Str(data, "batch"));
  if (batch == nullptr) {
    return Reject("delegation_batch_not_found",
                  fmt::format("no delegation batch {}", Str(data, "batch")),
                  std::string(kBasisDelegation), "/data/batch");
  }
  DateField from = ParseDateField(data, "effective_from", kBasisDelegation);
  if (from.rejection) return *from.rejection;
  if (*from.date < batch->effective_from) {
    return Reject("withdrawal_before_delegation",
                  fmt::format("batch {} takes effect {}; it cannot be withdrawn before",
                              batch->batch, batch->effective_from.ToString()),
                  std::string(kBasisDelegation), "/data/effective_from");
  }
  // Omitted lists mean "all": every township, every item of the batch.
  std::vector<std::string> townships = Strs(data, "townships");
  const bool all_townships = !data.contains("townships");
  if (all_townships) {
    for (const auto& [t, items] : batch->grants) townships.push_back(t);
  }
  const std::vector<std::string> named_items = Strs(data, "items");
  for (std::size_t i = 0; all_townships && i < named_items.size(); ++i) {
    bool granted_somewhere = false;
    for (const auto& [t, items] : batch->grants)
      granted_somewhere |= items.contains(named_items[i]);
    if (!granted_somewhere) {
      return Reject("item_not_delegated",
                    fmt::format("batch {} does not delegate {}", batch->batch, named_items[i]),
                    std::string(kBasisDelegation), fmt::format("/data/items/{}", i));
    }
  }
  boost::json::array withdrawn;
  for (std::size_t t = 0; t < townships.size(); ++t) {
    auto granted = batch->grants.find(townships[t]);
    if (granted == batch->grants.end()) {
      return Reject("township_not_in_batch",
                    fmt::format("batch {} delegates nothing to {}", batch->batch, townships[t]),
                    std::string(kBasisDelegation), fmt::format("/data/townships/{}", t));
    }
    std::vector<std::string> items;
    if (data.contains("items")) {
      for (std::size_t i = 0; i < named_items.size(); ++i) {
        if (granted->second.contains(named_items[i])) {
          items.push_back(named_items[i]);
        } else if (!all_townships) {
          return Reject("item_not_delegated",
                        fmt::format("batch {} does not delegate {} to {}", batch->batch,
                                    named_items[i], townships[t]),
                        std::string(kBasisDelegation), fmt::format("/data/items/{}", i));
        }
      }
    } else {
      items.assign(granted->second.begin(), granted->second.end());
    }
    std::erase_if(items, [&](const std::string& item) {
      return batch->withdrawn.contains({townships[t], item});
    });
    if (!items.empty()) {
      withdrawn.push_back(
          boost::json::object{{"township", townships[t]}, {"items", JsonStrings(items)}});
    }
  }
  if (withdrawn.empty()) {
    return Reject("delegation_already_withdrawn",
                  "every delegation named is already withdrawn or was never made",
                  std::string(kBasisDelegation), "/data");
  }
  boost::json::object event{{"batch", batch->batch},
                            {"effective_from", from.date->ToString()},
                            {"reason", Str(data, "reason")},
                            {"withdrawn", std::move(withdrawn)}};
  if (data.contains("document_number")) event["document_number"] = data.at("document_number");
  return Events(Emit(std::string(kDelegationWithdrawn), std::move(event)));
}

// --- confirm_delegation -----------------------------------------------------

Decision DecideConfirmDelegation(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const PowerList& powers = Powers(context);
  const std::string township = Str(data, "township");
  const DelegationBatch* batch = powers.Batch(Str(data, "batch"));
  if (batch == nullptr) {
    return Reject("delegation_batch_not_found",
                  fmt::format("no delegation batch {}", Str(data, "batch")),
                  std::string(kBasisDelegation), "/data/batch");
  }
  if (!batch->grants.contains(township)) {
    return Reject("township_not_in_batch",
                  fmt::format("batch {} delegates nothing to {}", batch->batch, township),
                  std::string(kBasisDelegation), "/data/township");
  }
  DateField signed_on = ParseDateField(data, "signed_on", kBasisDelegation);
  if (signed_on.rejection) return *signed_on.rejection;
  if (*signed_on.date < batch->decided_on) {
    return Reject("confirmation_before_decision",
                  fmt::format("batch {} was decided {}; it cannot be accepted before", batch->batch,
                              batch->decided_on.ToString()),
                  std::string(kBasisDelegation), "/data/signed_on");
  }
  if (const DelegationConfirmation* prior = powers.LatestConfirmation(township, batch->batch);
      prior != nullptr && *signed_on.date < prior->signed_on) {
    return Reject("confirmation_out_of_order",
                  fmt::format("{} already confirmed batch {} on {}; a later confirmation "
                              "cannot be dated before it",
                              township, batch->batch, prior->signed_on.ToString()),
                  std::string(kBasisDelegation), "/data/signed_on");
  }
  // A township takes on only what was delegated to it and is still
  // delegated when it signs.
  const std::vector<std::string> accepted = Strs(data, "accepted_item_codes");
  for (std::size_t i = 0; i < accepted.size(); ++i) {
    const auto w = batch->withdrawn.find({township, accepted[i]});
    if (!batch->Grants(township, accepted[i]) ||
        (w != batch->withdrawn.end() && w->second <= *signed_on.date)) {
      return Reject(
          "item_not_delegated",
          fmt::format("batch {} does not delegate {} to {}", batch->batch, accepted[i], township),
          std::string(kBasisDelegationScope), fmt::format("/data/accepted_item_codes/{}", i));
    }
  }
  return Events(Emit(std::string(kDelegationConfirmed), data));
}

// --- claim_item -------------------------------------------------------------

Decision DecideClaimItem(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const PowerList& powers = Powers(context);
  const std::string subject = Str(data, "subject_id");
  DateField on = ParseDateField(data, "claimed_on", kBasisDelegationScope);
  if (on.rejection) return *on.rejection;
  const OrgModel& org = context.rules.org();
  const bool township = org.FindTownship(subject) != nullptr;
  if (!township && org.FindDepartment(subject) == nullptr) {
    return Reject("subject_unknown",
                  fmt::format("{} is neither a township nor a department registered in org",
                              subject),
                  std::string(kBasisDelegationScope), "/data/subject_id");
  }
  const std::vector<std::string> items = Strs(data, "item_codes");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string pointer = fmt::format("/data/item_codes/{}", i);
    if (!powers.HasItem(items[i])) {
      return Reject("power_item_not_found", fmt::format("no power item {}", items[i]),
                    std::string(kBasisDelegationScope), pointer);
    }
    const PowerItemVersion* v = powers.ItemAsOf(items[i], *on.date);
    if (v == nullptr) {
      return Reject("item_not_in_force",
                    fmt::format("{} is not in the power list on {}", items[i], on.date->ToString()),
                    std::string(kBasisDelegationScope), pointer);
    }
    if (township && powers.DelegationInForce(subject, items[i], *on.date) == nullptr) {
      return Reject(
          "item_not_delegated",
          fmt::format("{} is not delegated to {} on {}", items[i], subject, on.date->ToString()),
          std::string(kBasisDelegationScope), pointer);
    }
    if (!township && v->original_subject != subject) {
      return Reject("subject_not_holder",
                    fmt::format("{} is held by {}, not {}", items[i], v->original_subject, subject),
                    std::string(kBasisDelegationScope), pointer);
    }
    if (powers.HasClaim(subject, items[i])) {
      return Reject("item_already_claimed",
                    fmt::format("{} has already claimed {}", subject, items[i]),
                    std::string(kBasisDelegationScope), pointer);
    }
  }
  return Events(Emit(std::string(kItemClaimed), data));
}

}  // namespace

std::optional<Rejection> CheckPowerItemInForce(const RuleBook& rules, const std::string& item_code,
                                               std::int64_t effective_from,
                                               std::string_view legal_basis,
                                               std::string_view pointer) {
  const PowerList& powers = rules.powers();
  if (!powers.HasItem(item_code)) {
    return Rejection{"unknown_power_item",
                     fmt::format("{} is not an item of the power list", item_code),
                     std::string(legal_basis), std::string(pointer)};
  }
  // Read on the local day the rule starts: the list changes by whole days.
  const Date day = LocalDateOf(effective_from);
  if (powers.ItemAsOf(item_code, day) == nullptr) {
    return Rejection{"item_not_in_force",
                     fmt::format("{} is not in the power list on {}", item_code, day.ToString()),
                     std::string(legal_basis), std::string(pointer)};
  }
  return std::nullopt;
}

const std::vector<CommandSpec>& PowerCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"publish_power_item", "", kPowersStream, &DecidePublishPowerItem},
      {"withdraw_power_item", "", kPowersStream, &DecideWithdrawPowerItem},
      {"decide_delegation", "", kPowersStream, &DecideDelegation},
      {"withdraw_delegation", "", kPowersStream, &DecideWithdrawDelegation},
      {"confirm_delegation", "", kPowersStream, &DecideConfirmDelegation},
      {"claim_item", "", kPowersStream, &DecideClaimItem},
  };
  return kSpecs;
}

}  // namespace zf::internal
