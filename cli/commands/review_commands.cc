// Case-file review campaigns (`zfcli review start|score|close|list|show`,
// docs/domain.md, Closing, archiving and case-file review) and the access trail (`zfcli access`). Public API only.
#include <chrono>
#include <iostream>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "cli.h"
#include "json_forms.h"
#include "query.h"
#include "zf/command.h"
#include "zf/engine.h"
#include "zf/event_json.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

// --actor/--role/--unit (who gives the command), --at (its business time,
// default now) and --command-id (default: derived from what it does, so a
// repeated invocation is answered "already applied").
void AddEnvelopeOptions(po::options_description& options) {
  options.add_options()
      ("actor", po::value<std::string>()->required(), "officer id giving the command")
      ("role", po::value<std::string>()->default_value("case_file_auditor"), "the actor's role")
      ("unit", po::value<std::string>()->required(), "the unit the actor acts for")
      ("at", po::value<std::string>(), "business time (RFC 3339); default now")
      ("command-id", po::value<std::string>(), "idempotency key; default derived from the command");
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

boost::json::array JsonList(const std::vector<std::string>& items) {
  boost::json::array out;
  for (const std::string& s : items) out.emplace_back(s);
  return out;
}

std::string NowInChina() {
  using namespace std::chrono;
  const auto now = floor<seconds>(system_clock::now()) + hours(8);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}+08:00", now);
}

// Builds the envelope, runs it and prints the outcome like `exec`.
int RunReviewCommand(const GlobalOptions& global, const po::variables_map& vm,
                     std::string_view type, std::string_view campaign_or_case_field,
                     const std::string& target, const std::string& default_id,
                     boost::json::object data) {
  boost::json::object envelope{
      {"command", type},
      {"command_id", vm.count("command-id") ? OptionText(vm, "command-id") : default_id},
      {"at", vm.count("at") ? OptionText(vm, "at") : NowInChina()},
      {"actor", {{"id", OptionText(vm, "actor")}, {"role", OptionText(vm, "role")}, {"unit", OptionText(vm, "unit")}}},
      {campaign_or_case_field, target},
      {"data", std::move(data)}};
  auto command = zf::CommandFromJson(envelope);
  if (!command.ok()) return ReportError(global, command.status());
  int exit_code = kExitOk;
  auto engine = OpenEngine(global, StoreAccess::kWrite, &exit_code);
  if (!engine) return exit_code;
  auto result = engine->Execute(*command);
  if (!result.ok()) return ReportError(global, result.status());
  return PrintCommandResult(global, *result);
}

int RunReviewStart(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  po::options_description options("review start");
  options.add_options()
      ("campaign-id", po::value<std::string>()->required(), "the campaign id")
      ("org", po::value<std::string>()->required(), "reviewing unit (department or township id)")
      ("from", po::value<std::string>()->required(), "period start YYYY-MM-DD (files archived)")
      ("to", po::value<std::string>()->required(), "period end YYYY-MM-DD (inclusive)")
      ("cases", po::value<std::string>(), "explicit list of case ids, comma-separated")
      ("count", po::value<std::int64_t>(), "sampling: draw N files (per subject with --per-subject)")
      ("ratio", po::value<std::int64_t>(), "sampling: draw P percent, rounded up")
      ("per-subject", po::bool_switch(), "sampling: draw from each handling subject's files")
      ("subjects", po::value<std::string>(), "sampling: only these handling subjects (a,b)")
      ("seed", po::value<std::string>(), "sampling: the seed (the draw is reproducible)")
      ("title", po::value<std::string>(), "campaign title");
  AddEnvelopeOptions(options);
  po::positional_options_description positional;
  positional.add("campaign-id", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  const bool sampling = vm.count("count") || vm.count("ratio");
  if (sampling == (vm.count("cases") > 0)) {
    return ReportUsage(global, "review start",
                       global.lang == Lang::kEn ? "give --cases, or --count/--ratio with --seed" : "请给出 --cases，或给出 --count/--ratio 及 --seed");
  }
  boost::json::object data{{"reviewer_org", OptionText(vm, "org")},
                           {"period", {{"from", OptionText(vm, "from")}, {"to", OptionText(vm, "to")}}}};
  if (vm.count("title")) data["title"] = OptionText(vm, "title");
  if (sampling) {
    boost::json::object rule{{"seed", OptionText(vm, "seed")}};
    if (vm.count("count")) rule["count"] = vm["count"].as<std::int64_t>();
    if (vm.count("ratio")) rule["ratio_percent"] = vm["ratio"].as<std::int64_t>();
    if (vm["per-subject"].as<bool>()) rule["per_subject"] = true;
    if (vm.count("subjects")) rule["subjects"] = JsonList(SplitList(OptionText(vm, "subjects")));
    data["sampling"] = std::move(rule);
  } else {
    data["cases"] = JsonList(SplitList(OptionText(vm, "cases")));
  }
  const std::string id = OptionText(vm, "campaign-id");
  return RunReviewCommand(global, vm, "start_review_campaign", "campaign_id", id,
                          "review:start:" + id, std::move(data));
}

int RunReviewScore(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  po::options_description options("review score");
  options.add_options()
      ("campaign-id", po::value<std::string>()->required(), "the campaign id")
      ("case-id", po::value<std::string>()->required(), "the sampled case")
      ("reviewer", po::value<std::string>()->required(), "the auditor who scored the file")
      ("form", po::value<std::int64_t>()->required(), "form score, 0..20")
      ("content", po::value<std::int64_t>()->required(), "content score, 0..80")
      ("veto", po::value<std::string>(), "veto items found, comma-separated")
      ("findings", po::value<std::string>(), "the auditor's findings");
  AddEnvelopeOptions(options);
  po::positional_options_description positional;
  positional.add("campaign-id", 1).add("case-id", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  const std::string campaign = OptionText(vm, "campaign-id");
  const std::string case_id = OptionText(vm, "case-id");
  boost::json::object data{{"campaign_id", campaign},
                           {"reviewer", OptionText(vm, "reviewer")},
                           {"form_score", vm["form"].as<std::int64_t>()},
                           {"content_score", vm["content"].as<std::int64_t>()}};
  if (vm.count("veto")) data["veto_findings"] = JsonList(SplitList(OptionText(vm, "veto")));
  if (vm.count("findings")) data["findings"] = OptionText(vm, "findings");
  return RunReviewCommand(global, vm, "score_case_file", "case_id", case_id,
                          fmt::format("review:score:{}:{}", campaign, case_id), std::move(data));
}

int RunReviewClose(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  po::options_description options("review close");
  options.add_options()
      ("campaign-id", po::value<std::string>()->required(), "the campaign id")
      ("reason", po::value<std::string>(), "why it closes with files unscored");
  AddEnvelopeOptions(options);
  po::positional_options_description positional;
  positional.add("campaign-id", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  boost::json::object data;
  if (vm.count("reason")) data["reason"] = OptionText(vm, "reason");
  const std::string id = OptionText(vm, "campaign-id");
  return RunReviewCommand(global, vm, "close_review_campaign", "campaign_id", id,
                          "review:close:" + id, std::move(data));
}

std::string Field(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return "";
  if (v->is_string()) return std::string(v->as_string());
  return boost::json::serialize(*v);
}

std::string GradeLine(const GlobalOptions& g, const boost::json::object& c) {
  const auto& grades = c.at("grades").as_object();
  return fmt::format("{} {} / {} {} / {} {}", Label(g, "grade.excellent"),
                     Field(grades, "excellent"), Label(g, "grade.qualified"),
                     Field(grades, "qualified"), Label(g, "grade.unqualified"),
                     Field(grades, "unqualified"));
}

// Campaigns for people: the reviewing body by name (`names`, OrgNames).
void PrintCampaigns(const GlobalOptions& g, const std::vector<boost::json::object>& list,
                    const boost::json::object& names) {
  std::vector<std::vector<std::string>> rows;
  for (const boost::json::object& c : list) {
    const auto& period = c.at("period").as_object();
    rows.push_back({Field(c, "campaign_id"), std::string(Label(g, "campaign." + Field(c, "state"))),
                    NamedId(g, names, kUnitKinds, Field(c, "reviewer_org")),
                    Field(period, "from") + ".." + Field(period, "to"),
                    Field(c, "scored") + "/" + Field(c, "sampled"), Field(c, "average_total"),
                    GradeLine(g, c)});
  }
  PrintTable(g, "no_review_campaigns",
             {"campaign_id", "campaign_state", "reviewer_org", "review_period", "scored_of_sampled",
              "average_total", "grades"},
             {16, 8, 26, 23, 10, 8}, rows);
}

int RunReviewList(const GlobalOptions& defaults, const std::vector<std::string>& args,
                  const Command& self) {
  po::options_description options("review list");
  AddAsOfOptions(options);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
  if (!engine) return exit_code;
  auto same = [](const boost::json::object& c) { return c; };
  const boost::json::object names = global.json ? boost::json::object() : OrgNames(*engine);
  return PrintList(global, engine->ReviewCampaigns(AsOfFrom(vm)), same,
                   [&](const GlobalOptions& g, const std::vector<boost::json::object>& list) {
                     PrintCampaigns(g, list, names);
                   });
}

// One campaign for people: the reviewing body, the files' handling
// subjects and the reviewers by name.
void PrintCampaign(const GlobalOptions& global, const boost::json::object& c,
                   const boost::json::object& names) {
  const auto& period = c.at("period").as_object();
  std::cout << fmt::format("{} {}  [{}]  {}\n", Label(global, "campaign_id"),
                           Field(c, "campaign_id"), Label(global, "campaign." + Field(c, "state")),
                           Field(c, "title"));
  std::cout << fmt::format("  {}: {}  {}: {}..{}\n", Label(global, "reviewer_org"),
                           NamedId(global, names, kUnitKinds, Field(c, "reviewer_org")),
                           Label(global, "review_period"),
                           Field(period, "from"), Field(period, "to"));
  std::cout << fmt::format("  {}: {} ({} {})  {}: {}/{}  {}: {}\n", Label(global, "selection"),
                           Label(global, "selection." + Field(c, "selection")),
                           Label(global, "population"), Field(c, "population"),
                           Label(global, "scored_of_sampled"), Field(c, "scored"),
                           Field(c, "sampled"), Label(global, "average_total"),
                           Field(c, "average_total"));
  std::cout << "  " << GradeLine(global, c) << '\n';
  if (!Field(c, "closed_on").empty()) {
    std::cout << fmt::format("  {}: {} {}\n", Label(global, "closed_on"), Field(c, "closed_on"),
                             Field(c, "close_reason"));
  }
  for (const auto& item : c.at("files").as_array()) {
    const auto& f = item.as_object();
    if (!f.at("scored").as_bool()) {
      std::cout << fmt::format("    {} {}  {}\n", PadRight(Field(f, "case_id"), 18),
                               PadRight(SubjectName(global, names, Field(f, "handling_subject")),
                                        32),
                               Label(global, "not_scored"));
      continue;
    }
    std::string vetoes;
    for (const auto& v : f.at("veto_findings").as_array()) {
      vetoes += (vetoes.empty() ? " " : ", ") + std::string(v.as_string());
    }
    std::cout << fmt::format("    {} {}  {} {}+{}={} {} {}{}\n",
                             PadRight(Field(f, "case_id"), 18),
                             PadRight(SubjectName(global, names, Field(f, "handling_subject")),
                                      32),
                             Label(global, "grade." + Field(f, "grade")), Field(f, "form_score"),
                             Field(f, "content_score"), Field(f, "total"),
                             NamedId(global, names, {"officers"}, Field(f, "reviewer")),
                             Field(f, "scored_on"), vetoes);
  }
}

int RunReviewShow(const GlobalOptions& defaults, const std::vector<std::string>& args,
                  const Command& self) {
  return RunShowView(
      defaults, args, self, "campaign-id",
      [](zf::Engine& e, const std::string& id, const zf::AsOf& as_of) {
        return e.ReviewCampaign(id, as_of);
      },
      PrintCampaign);
}

// --- zfcli access ------------------------------------------------------------

// Reads for people: the reader and the reader's unit by name.
void PrintAccesses(const GlobalOptions& g, const std::vector<zf::AccessRecord>& records,
                   const boost::json::object& names) {
  std::vector<std::vector<std::string>> rows;
  for (const zf::AccessRecord& r : records) {
    std::string purpose = r.purpose;
    if (!r.as_of.empty()) purpose += " (" + std::string(Label(g, "as_of")) + " " + r.as_of + ")";
    rows.push_back({r.at, NamedId(g, names, {"officers"}, r.reader.id),
                    NamedId(g, names, kUnitKinds, r.reader.unit), r.case_id,
                    std::string(Label(g, "access." + r.what)), purpose});
  }
  PrintTable(g, "no_access_records",
             {"access_time", "reader", "unit", "case_id", "access_what", "purpose"},
             {33, 22, 26, 18, 10}, rows);
}

int RunAccess(const GlobalOptions& defaults, const std::vector<std::string>& args,
              const Command& self) {
  po::options_description options("access");
  options.add_options()
      ("case", po::value<std::string>(), "who read this case")
      ("actor", po::value<std::string>(), "what this officer read")
      ("from", po::value<std::string>(), "reads on or after this date (YYYY-MM-DD, China)")
      ("to", po::value<std::string>(), "reads on or before this date");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  if (!vm.count("case") && !vm.count("actor")) {
    return ReportUsage(global, "access",
                       global.lang == Lang::kEn ? "give --case ID and/or --actor ID" : "请给出 --case 编号和/或 --actor 编号");
  }
  zf::AccessQuery query{OptionText(vm, "case"), OptionText(vm, "actor"), OptionText(vm, "from"),
                        OptionText(vm, "to")};
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
  if (!engine) return exit_code;
  auto records = engine->CaseAccesses(query);
  const boost::json::object names = global.json ? boost::json::object() : OrgNames(*engine);
  const int rc = PrintList(global, records, AccessJson,
                           [&](const GlobalOptions& g, const std::vector<zf::AccessRecord>& list) {
                             PrintAccesses(g, list, names);
                           });
  if (rc == kExitOk && !global.json && !records->empty()) {
    std::cout << fmt::format("{} {}\n", records->size(), Label(global, "access_records"));
  }
  return rc;
}

const std::string kEnvelopeUsage = "--actor ID --unit U [--role R] [--at T] [--command-id ID]";

const Registrar kReviewStart(MakeCommand<RunReviewStart>(
    "review start", "start a case-file review campaign: an explicit list or a seeded sample",
    "启动案卷评查活动（指定案卷或按规则随机抽取）",
    "CAMPAIGN_ID --org ID --from DATE --to DATE (--cases A,B | (--count N | --ratio P) --seed S "
    "[--per-subject] [--subjects A,B]) [--title T] " + kEnvelopeUsage));
const Registrar kReviewScore(MakeCommand<RunReviewScore>(
    "review score", "score one sampled case file in a campaign", "案卷评分",
    "CAMPAIGN_ID CASE_ID --reviewer ID --form N --content N [--veto A,B] [--findings TEXT] " +
        kEnvelopeUsage));
const Registrar kReviewClose(MakeCommand<RunReviewClose>(
    "review close", "close a campaign (with a reason if files remain unscored)",
    "结束案卷评查活动", "CAMPAIGN_ID [--reason TEXT] " + kEnvelopeUsage));
const Registrar kReviewList(MakeCommand<RunReviewList>(
    "review list", "the review campaigns with their summary", "案卷评查活动列表",
    "[--as-of T] [--at-position N]"));
const Registrar kReviewShow(MakeCommand<RunReviewShow>(
    "review show", "one review campaign with every sampled file's score", "案卷评查活动详情",
    "CAMPAIGN_ID [--as-of T] [--at-position N]"));
const Registrar kAccess(MakeCommand<RunAccess>(
    "access", "the access trail: who read a case, what an officer read, when",
    "案件查阅记录（谁在何时查阅了哪个案件）",
    "(--case ID | --actor ID) [--from DATE] [--to DATE]"));

}  // namespace
}  // namespace zfcli
