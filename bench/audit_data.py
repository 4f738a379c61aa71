#!/usr/bin/env python3
"""Writes COPIES copies of the generated case history (examples/shaxian/07..09)
as one command JSONL file for the audit benchmark (docs/performance.md,
"Audit"): copy k renames every case, party, ticket, inspection, joint
action, scenario, evidence and finding id (suffix "-kK") and every command
id, so the copies are independent matters decided by the engine like the
original. Import the reference data 01..06 first, then this file.

    bench/audit_data.py COPIES > cases.jsonl
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "examples", "shaxian")
FILES = ["07-cases-2022.jsonl", "08-cases-2023.jsonl", "09-inspect-once-2023.jsonl"]
RENAMED = {"case_id", "case_ids", "related_case_id", "command_id", "evidence_id", "finding_id", "grid_ticket_id",
           "joint_action_id", "scenario_id", "inspection_id", "ticket_id"}


def rename(value, suffix, key=None, parent=None):
    if isinstance(value, dict):
        return {k: rename(v, suffix, k, key) for k, v in value.items()}
    if isinstance(value, list):
        return [rename(v, suffix, key, parent) for v in value]
    if isinstance(value, str) and (key in RENAMED or (key == "id" and parent == "party")):
        return value + suffix
    return value


def main(argv):
    copies = int(argv[1])
    lines = []
    for name in FILES:
        with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
            lines += [json.loads(l) for l in f if l.strip()]
    out = sys.stdout
    for k in range(copies):
        suffix = "-k%d" % k
        for command in lines:
            out.write(json.dumps(rename(command, suffix), ensure_ascii=False,
                                 separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv)
