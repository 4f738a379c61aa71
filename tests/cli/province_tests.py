#!/usr/bin/env python3
"""Tests of the province generator (examples/shaxian/gen/make_province.py)
and of bench/scale's verdicts.

  province_tests.py TEST [ZFCLI]

TEST is one of: sample_reproduced, deterministic, structure, mix,
bench_fails_on_rejections (needs ZFCLI). Exit 0 when it passes.
"""
import collections
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(REPO, "examples", "shaxian")
GEN = os.path.join(SAMPLE, "gen", "make_province.py")


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check(cond, message):
    if not cond:
        fail(message)


def generate(out, *args):
    subprocess.run([sys.executable, GEN, "--out", out, "--quiet", *args], check=True)


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def sample_reproduced(tmp):
    """The refactored Shaxian generators still write the sample byte for byte."""
    copy = os.path.join(tmp, "shaxian")
    shutil.copytree(SAMPLE, copy)
    for name in ("make_org.py", "make_powers.py", "make_discretion.py", "make_cases.py"):
        subprocess.run([sys.executable, os.path.join(copy, "gen", name)], check=True)
    files = sorted(f for f in os.listdir(SAMPLE) if f.endswith(".jsonl"))
    check(len(files) >= 9, f"sample files: {files}")
    _, mismatch, errors = filecmp.cmpfiles(SAMPLE, copy, files, shallow=False)
    check(not mismatch and not errors, f"regenerated sample differs: {mismatch} {errors}")


def credentials(tmp):
    """No command names an officer as handler or participant on or after the
    day one of the officer's credentials was revoked. (An officer whose first
    credential expired unrevoked and whose second was revoked was once
    counted as credentialed: 1.5 % of a 10^7 province's lines were refused.)"""
    out = os.path.join(tmp, "p")
    generate(out, "--townships", "600", "--seed", "1", "--density", "1")
    owner, revoked = {}, {}
    for c in read(os.path.join(out, "02-org.jsonl")):
        if c["command"] == "issue_credential":
            owner[c["data"]["credential_number"]] = c["data"]["officer"]
        if c["command"] == "revoke_credential":
            revoked[owner[c["data"]["credential_number"]]] = c["data"]["revoked_on"]
    check(len(revoked) > 10, f"{len(revoked)} revocations: too few to test")
    late = []
    for c in read(os.path.join(out, "07-cases.jsonl")):
        d = c["data"]
        named = list(d.get("handlers", [])) + [o.get("officer") if isinstance(o, dict) else o
                                               for o in d.get("officers", [])]
        late += [(c["command_id"], o) for o in named if o in revoked and c["at"][:10] >= revoked[o]]
    check(not late, f"{len(late)} commands name an officer after the revocation, e.g. {late[:3]}")


def deterministic(tmp):
    a, b, c = (os.path.join(tmp, x) for x in "abc")
    generate(a, "--townships", "20", "--seed", "7", "--density", "2")
    generate(b, "--townships", "20", "--seed", "7", "--density", "2")
    generate(c, "--townships", "20", "--seed", "8", "--density", "2")
    names = sorted(os.listdir(a))
    check(names == sorted(os.listdir(b)), "different file sets")
    _, mismatch, _ = filecmp.cmpfiles(a, b, names, shallow=False)
    check(not mismatch, f"same arguments, different output: {mismatch}")
    _, mismatch, _ = filecmp.cmpfiles(a, c, names, shallow=False)
    check("07-cases.jsonl" in mismatch and "02-org.jsonl" in mismatch, "another seed gave the same province")


def structure(tmp):
    out = os.path.join(tmp, "p")
    generate(out, "--townships", "24", "--seed", "3", "--density", "1")
    files = sorted(os.listdir(out))
    check(files == ["01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl", "04-leniency.jsonl",
                    "05-benchmarks.jsonl", "06-hearing-thresholds.jsonl", "07-cases.jsonl"], f"files {files}")
    org = read(os.path.join(out, "02-org.jsonl"))
    check(sum(c["command"] == "register_district" for c in org) == 1, "one root district")
    townships = [c["data"] for c in org if c["command"] == "register_township"]
    check(len(townships) == 24, f"{len(townships)} townships, not 24")
    check(len({t["township_id"] for t in townships}) == 24, "township ids repeat")
    by_district = collections.defaultdict(list)
    for t in townships:
        by_district[t["township_id"].split("-")[0]].append(t["name"])
    check(len(by_district) >= 2, f"districts: {sorted(by_district)}")
    for d, names in by_district.items():
        check(8 <= len(names) <= 18, f"district {d} has {len(names)} townships")
        check(len(set(names)) == len(names), f"district {d} repeats a township name")
    check(len({tuple(sorted(n)) for n in by_district.values()}) == len(by_district),
          "two districts have the same townships")
    kinds = collections.Counter(t["kind"] for t in townships)
    check(set(kinds) == {"subdistrict", "town", "township"}, f"kinds {kinds}")
    officers = [c["data"]["officer_id"] for c in org if c["command"] == "register_officer"]
    check(len(officers) == len(set(officers)), "officer ids repeat")
    check(any(c["command"] == "register_grid_node" and c["data"]["level"] == "micro_grid" for c in org),
          "no grid")
    # Ids are made from the names' pinyin, and two names can sound alike
    # (阳台, 杨泰): a province of 10^7 events once repeated a township id.
    sys.path.insert(0, os.path.dirname(GEN))
    import make_province  # noqa: E402
    import random
    draw = make_province.Names(random.Random(1))
    names = [draw() for _ in range(1000)]
    check(len({py for _, py in names}) == len(names), "two names share their pinyin")
    credentials = [c["data"]["credential_number"] for c in org if c["command"] == "issue_credential"]
    check(len(credentials) == len(set(credentials)), "credential numbers repeat")
    ids = [c["command_id"] for f in files for c in read(os.path.join(out, f))]
    check(len(ids) == len(set(ids)), "command ids repeat")

    items = {}
    for c in read(os.path.join(out, "03-powers.jsonl")):
        if c["command"] == "publish_power_item":
            items[c["data"]["item_code"]] = c["data"]["original_subject"]
    check(items and all(code[:4] == subject[:4].upper() for code, subject in items.items()),
          "an item is held by another district's department")
    case_party, party_case = {}, collections.defaultdict(set)
    for c in read(os.path.join(out, "07-cases.jsonl")):
        d = c["data"]
        code = d.get("item_code")
        if code:
            check(code in items, f"{c['command_id']}: item {code} is not in the power list")
        if "case_id" in c and isinstance(d.get("party"), dict):
            party_case[d["party"]["id"]].add(c["case_id"])
            if code and "township" in d:
                check(d["township"].startswith(code[:4].lower()),
                      f"{c['case_id']}: township {d['township']} in another district")
    shared = {p: cs for p, cs in party_case.items() if len(cs) > 1}
    check(not shared, f"parties in more than one case: {list(shared.items())[:3]}")
    check(len(party_case) > 1000, f"only {len(party_case)} parties")
    # A document number names its unit by its short Chinese name from the
    # org data, not by letters of the unit id (issue 18: 沙sx罚〔2023〕4号).
    numbers = [c["data"]["document_number"] for c in read(os.path.join(out, "07-cases.jsonl"))
               if "document_number" in c["data"]]
    check(len(numbers) > 100, f"only {len(numbers)} document numbers")
    leaked = [n for n in numbers if re.search(r"[A-Za-z]", n)]
    check(not leaked, f"a unit id in a document number: {leaked[:3]}")
    shorts = {t["name"].removesuffix("镇").removesuffix("乡").removesuffix("街道") for t in townships}
    check(any(any(f"{s}罚〔" in n for s in shorts) for n in numbers),
          f"no township's short name in a document number: {numbers[:3]}")


def kinds_of(commands):
    """What opens each case, ticket or visit: the mix make_cases.py draws."""
    counter = collections.Counter()
    for c in commands:
        d = c["data"]
        if c["command"] == "register_clue":
            counter[("clue", d["source"], re.sub(r"^[A-Z]{2}[0-9]{2}(?=[A-Z])", "", d["item_code"]))] += 1
        elif c["command"] in ("issue_on_spot_decision", "issue_soft_measure", "record_inspection_visit",
                              "plan_joint_action", "request_hearing", "close_case", "make_decision"):
            counter[c["command"] + ("/" + d["kind"] if c["command"] == "issue_soft_measure" else "")] += 1
    return counter


def mix(tmp):
    """The province's mix per case kind is the sample year's (2023) within 25 %."""
    out = os.path.join(tmp, "p")
    generate(out, "--townships", "60", "--seed", "5", "--density", "3")
    province = kinds_of(read(os.path.join(out, "07-cases.jsonl")))
    sample = kinds_of(read(os.path.join(SAMPLE, "08-cases-2023.jsonl"))
                      + read(os.path.join(SAMPLE, "09-inspect-once-2023.jsonl")))
    total_p, total_s = sum(province.values()), sum(sample.values())
    for key, n in sample.items():
        if n < 20:
            continue
        share_s, share_p = n / total_s, province.get(key, 0) / total_p
        check(abs(share_p - share_s) <= 0.25 * share_s,
              f"{key}: {share_p:.3%} of the province's, {share_s:.3%} of the sample's")
    check(set(province) >= {k for k, n in sample.items() if n >= 5}, f"kinds missing: {set(sample) - set(province)}")


def bench_fails_on_rejections(tmp, zfcli):
    """bench/scale exits 1 and names the rejections when they pass the bound."""
    p = subprocess.run([sys.executable, os.path.join(REPO, "bench", "scale"), "--sizes", "9000", "--work",
                        os.path.join(tmp, "w"), "--zfcli", zfcli, "--max-rejected", "-1"],
                       capture_output=True, text=True)
    check(p.returncode == 1, f"exit {p.returncode}: {p.stderr[-800:]}")
    check("--max-rejected" in p.stderr, f"no rejection problem named: {p.stderr[-800:]}")
    check("| events in store |" in p.stdout, "no table")
    # Everything else was clean: the only problem is the bound.
    problems = p.stderr.split("Problems:")[1].strip().splitlines()
    check(len(problems) == 1, f"other problems: {problems}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    name = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="zf-province-") as tmp:
        if name == "bench_fails_on_rejections":
            bench_fails_on_rejections(tmp, sys.argv[2])
        else:
            globals()[name](tmp)
    print(f"ok {name}")


if __name__ == "__main__":
    main()
