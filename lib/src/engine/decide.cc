#include "engine/decide.h"

#include <fmt/format.h>

#include "crypto/seal.h"
#include "domain/actor_check.h"

namespace zf::internal {

Decision DecideAndStamp(const CommandSpec& spec, const Command& command, Timestamp at,
                        const RuleBook& rules, const CaseBook& cases,
                        const EngineOptions& options) {
  const DecisionContext context{command, at, rules, cases, options};
  // Who acts is judged before what is done, here and only here, so that
  // every path to the store (engine, dry run, import, HTTP) and the audit's
  // re-decision check it alike.
  if (auto refused = CheckActor(context.InForce(), command.actor, command.type)) {
    return std::move(*refused);
  }
  Decision decision = spec.decide(context);
  if (auto* events = std::get_if<std::vector<NewEvent>>(&decision)) {
    for (NewEvent& event : *events) {
      event.occurred_at = command.at;
      event.actor = command.actor;
    }
  }
  return decision;
}

Status SealDecisions(const RuleBook& rules, const EngineOptions& options,
                     std::vector<NewEvent>* events) {
  for (NewEvent& event : *events) {
    if (!IsSealedEventType(event.type) || !event.data.is_object()) continue;
    boost::json::object& data = event.data.as_object();
    const boost::json::value* agency_value = data.if_contains("handling_subject");
    const boost::json::value* date_value = data.if_contains("decided_on");
    if (agency_value == nullptr || !agency_value->is_string() || date_value == nullptr ||
        !date_value->is_string()) {
      continue;  // not a decision the deciders make; the schema refuses it
    }
    const std::string agency(agency_value->as_string());
    auto date = Date::Parse(std::string_view(date_value->as_string()));
    if (!date.ok()) continue;
    const AgencySeal* seal = rules.org().SealInForce(agency, *date);
    if (seal == nullptr) continue;
    auto key = options.seal_keys.find(agency);
    if (key == options.seal_keys.end() || key->second == nullptr) {
      return FailedPreconditionError(fmt::format(
          "{} 的电子印章（密钥 {}）自 {} 起在用，但未配置其私钥（--seal-keys 目录中的 {}.pem）："
          "不作出未盖章的处罚决定",
          agency, seal->key_id, seal->valid_from.ToString(), agency));
    }
    if (key->second->key_id() != seal->key_id) {
      return FailedPreconditionError(fmt::format(
          "{} 配置的印章私钥（{}）不是其 {} 在用的电子印章密钥 {}：不作出未盖章的处罚决定",
          agency, key->second->key_id(), date->ToString(), seal->key_id));
    }
    data.erase(kSealMember);
    ZF_ASSIGN_OR_RETURN(boost::json::object made, MakeSeal(data, agency, key->second->impl().key));
    data[kSealMember] = std::move(made);
  }
  return Status::Ok();
}

}  // namespace zf::internal
