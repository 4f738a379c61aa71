#!/usr/bin/env python3
"""Writes examples/shaxian/02-permissions.jsonl: the sample permission matrix.

One publish_permission_matrix command (stream rules/permissions), recorded
after the organisation (02-org.jsonl) so that its administrator is a
registered officer, and in force from 2022-05-21: from then on every
command's actor must be a registered officer, hold the role it acts in, act
for its own agency (or its township's brigade) and have a role granted the
command type below (issue 14 §3).

The grants follow docs/domain.md, Roles ("May" column), and are checked against what the
sample and the scenarios record (the script fails if a sample command's
role is not granted):
  - list_admin maintains the reference data (organisation and the agencies'
    seal keys, power list, four
    lists, benchmarks, thresholds, non-tax items, inspection scenarios, the
    matrix itself);
  - enforcement_officer inspects, records evidence, drafts and serves
    documents: it records every step of a case, including the decision the
    agency head made (the decider checks the approver, APL 57);
  - brigade_captain approves internal steps and coordinates: the clue stage
    and the grid dispatch a township's brigade receives, and the steps it
    approves;
  - agency_head approves filing, extensions, suspension, transfers and
    makes decisions (APL 57);
  - case_reviewer, legal_reviewer (APL 58) and hearing_officer (APL 64)
    record their own reviews and hearings, and nothing else: a hearing
    officer or a reviewer never makes the decision;
  - area_chief (and coordination_leader, who assists) plan, lead and close
    joint actions; grid_worker only reports; dispatcher triages, dispatches,
    verifies and closes tickets; case_file_auditor (and case_reviewer, the
    sample's reviewing officers) run case-file review campaigns.

Deterministic; run from anywhere: python3 examples/shaxian/gen/make_permissions.py
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "02-permissions.jsonl"
ACTOR = {"id": "SX-ADMIN-01", "role": "list_admin", "unit": "sx-justice"}
AT = "2022-05-20T18:00:00+08:00"
EFFECTIVE_FROM = "2022-05-21"

REFERENCE = [
    "register_district", "register_department", "register_township", "register_brigade",
    "register_officer", "issue_credential", "revoke_credential", "register_agency_seal",
    "revoke_agency_seal", "register_enforcement_area",
    "change_area_leadership", "assign_officer_to_area", "end_area_assignment",
    "move_township_to_area", "register_grid_node", "publish_holiday_calendar",
    "publish_power_item", "withdraw_power_item", "decide_delegation", "withdraw_delegation",
    "confirm_delegation", "claim_item", "publish_leniency_entry", "withdraw_leniency_entry",
    "publish_benchmark", "withdraw_benchmark", "set_hearing_threshold", "map_non_tax_item",
    "define_inspection_scenario", "publish_permission_matrix",
]

# Case steps an enforcement officer records (docs/domain.md, Roles: inspect, interview,
# collect evidence, draft and serve documents; it records what the agency
# head approved or decided, who is named in the data and checked there).
CASE_STEPS = [
    "register_clue", "start_verification", "extend_verification", "review_competence",
    "route_clue", "merge_clue", "transfer_clue", "request_designation", "decline_filing",
    "file_case", "revoke_filing", "start_investigation", "record_evidence", "preserve_evidence",
    "receive_statement", "issue_soft_measure", "suspend_investigation", "resume_investigation",
    "terminate_investigation", "conclude_investigation", "pause_clock", "resume_clock",
    "serve_pre_decision_notice", "serve_hearing_notice", "request_hearing",
    "withdraw_hearing_request", "record_hearing_absence", "hold_hearing",
    "hold_collective_discussion", "extend_decision_deadline", "make_decision",
    "serve_decision", "record_service_address_confirmation", "issue_payment_notice",
    "record_payment", "grant_deferral", "grant_instalments", "file_reconsideration",
    "file_litigation", "record_review_outcome", "serve_enforcement_reminder",
    "apply_court_enforcement", "record_court_enforcement_outcome", "issue_on_spot_decision",
    "collect_fine_on_spot", "report_on_spot_decision", "re_examine", "record_correction_check",
    "revoke_decision", "close_case", "archive_case", "hand_over_case", "accept_handover",
    "decline_handover", "report_criminal_transfer", "approve_criminal_transfer",
    "send_criminal_transfer", "record_criminal_transfer_acceptance",
    "record_criminal_transfer_return", "check_deadlines", "record_inspection_visit",
    "accept_dispatch", "submit_feedback", "return_ticket",
]

# What the brigade captain does besides (docs/domain.md, Roles: approve internal steps,
# coordinate local resources): the clue stage, the dispatched tickets and
# the steps it approves; not the decision itself.
CAPTAIN = [
    "register_clue", "start_verification", "extend_verification", "review_competence",
    "route_clue", "merge_clue", "transfer_clue", "request_designation", "decline_filing",
    "file_case", "issue_soft_measure", "check_deadlines", "accept_dispatch", "submit_feedback",
    "return_ticket",
]

# The agency head (docs/domain.md, Roles, APL 57): approve filing, extensions, suspension
# and transfers; make decisions; designate the handler as common superior
# (APL 25).
AGENCY_HEAD = [
    "file_case", "decline_filing", "revoke_filing", "extend_verification",
    "suspend_investigation", "resume_investigation", "terminate_investigation",
    "extend_decision_deadline", "hold_collective_discussion", "make_decision",
    "revoke_decision", "grant_deferral", "grant_instalments", "hand_over_case",
    "approve_criminal_transfer", "request_designation", "designate_jurisdiction",
]

JOINT = ["plan_joint_action", "record_joint_finding", "close_joint_action",
         "define_inspection_scenario", "record_inspection_visit"]


def grants():
    g = {}

    def allow(roles, commands):
        for c in commands:
            g.setdefault(c, [])
            for r in roles:
                if r not in g[c]:
                    g[c].append(r)

    allow(["list_admin"], REFERENCE)
    allow(["enforcement_officer"], CASE_STEPS)
    allow(["brigade_captain"], CAPTAIN)
    allow(["agency_head"], AGENCY_HEAD)
    allow(["case_reviewer"], ["submit_case_review"])
    allow(["legal_reviewer"], ["legal_review"])
    allow(["hearing_officer"], ["hold_hearing"])
    allow(["area_chief", "coordination_leader"], JOINT)
    allow(["grid_worker"], ["report_grid_ticket"])
    allow(["dispatcher"], ["triage_ticket", "dispatch_ticket", "verify_feedback", "close_ticket"])
    allow(["case_file_auditor", "case_reviewer"],
          ["start_review_campaign", "score_case_file", "close_review_campaign"])
    return dict(sorted(g.items()))


def check_sample(g):
    """Every command of the sample (01..09) by a granted role."""
    for path in sorted(HERE.parent.glob("[0-9][0-9]-*.jsonl")):
        if path == OUT:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            c = json.loads(line)
            role = c["actor"]["role"]
            assert role in g.get(c["command"], []), f"{path.name}:{n}: {c['command']} by {role}"


def main():
    check_sample(grants())
    command = {
        "command": "publish_permission_matrix", "command_id": "permissions-v1", "at": AT,
        "actor": ACTOR,
        "data": {"effective_from": EFFECTIVE_FROM, "grants": grants(),
                 "basis": "沙县区乡镇片区联合执法岗位职责分工（样例）",
                 "note": "FIXTURE: the grants follow spec §2; case_read is left open (every "
                         "role a registered officer of the unit holds may read)."}}
    OUT.write_text(json.dumps(command, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")


if __name__ == "__main__":
    main()
