#!/usr/bin/env python3
"""References to the domain model (issue 18).

  spec_references.py ROOT             the spec-reference scan: no text file of
                                      the repository cites the unpublished
                                      project brief ("spec §4.5", "spec I3",
                                      "spec J1", "spec D9") or points outside
                                      the repository ("../shared"), except the
                                      stored data listed in ALLOWED
  spec_references.py --anchors ROOT   every invariant, competence rule and
                                      deadline (I1-I11, J1-J5, D1-D26) has its
                                      heading in docs/domain.md, and every
                                      reference to docs/domain.md elsewhere
                                      (a link domain.md#x, "docs/domain.md, X")
                                      names a heading that exists
  spec_references.py --selftest       checks the checks on made-up text

Each finding is printed as file:line: what; exit 1 when there is any.
"""

import os
import re
import sys

# The brief was called "spec"; written so that this file does not match itself.
_SPEC = "spe" + "c"
SPEC_REF = re.compile(r"\b" + _SPEC + r"\s+(§|[IJD]\d|scenarios?\b)", re.IGNORECASE)
OUTSIDE = re.compile(r"\.\./shared\b|/work/shared\b")

# Stored historical data that cannot change: (path or directory prefix, text on
# the line, why). docs/domain.md, "Historical data" explains each to readers.
ALLOWED = [
    ("lib/src/domain/procedure_decider.cc", _SPEC + " I10",
     "decision_made.relief.basis: the engine writes this text into stored "
     "decisions, and the audit decides stored commands again and compares the "
     "data byte for byte (docs/audit.md), so a new text would make every "
     "stored decision differ"),
    ("examples/shaxian/02-permissions.jsonl", _SPEC + " §2",
     "the sample's stored publish_permission_matrix command (note)"),
    ("examples/shaxian/06-hearing-thresholds.jsonl", _SPEC + " §4.4",
     "the sample's stored set_hearing_threshold commands (basis)"),
    ("examples/shaxian/gen/make_permissions.py", _SPEC + " §2",
     "writes 02-permissions.jsonl byte for byte (gen.province_sample_reproduced)"),
    ("examples/shaxian/gen/make_discretion.py", _SPEC + " §4.4",
     "writes 06-hearing-thresholds.jsonl byte for byte "
     "(gen.province_sample_reproduced)"),
    ("tests/fuzz/corpus/", _SPEC,
     "exported events of the sample (dossiers, event_decode inputs): stored data"),
    ("docs/domain.md", _SPEC,
     "the closing section \"Historical data\" quotes the stored texts above"),
    ("tests/lint/spec_references.py", _SPEC, "this check"),
]

SKIP_DIRS = {".git", "node_modules", "__pycache__"}
RULE_RANGES = {"I": 11, "J": 5, "D": 26}


def is_build_dir(path, name):
    return name.startswith("build") or os.path.exists(os.path.join(path, "CMakeCache.txt"))


def text_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS
                             and not is_build_dir(os.path.join(dirpath, d), d))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            # Binary files (fuzz inputs, keys) are read too: a citation inside
            # is still a citation; they are decoded leniently.
            yield rel, data.decode("utf-8", errors="replace")


def allowed(rel, line):
    for path, needle, _ in ALLOWED:
        hit = rel == path or (path.endswith("/") and rel.startswith(path))
        if hit and needle.lower() in line.lower():
            return True
    return False


def scan_spec(files):
    findings = []
    for rel, text in files:
        for n, line in enumerate(text.split("\n"), 1):
            if SPEC_REF.search(line) and not allowed(rel, line):
                findings.append("%s:%d: cites the project brief: %s"
                                % (rel, n, SPEC_REF.search(line).group(0)))
            if OUTSIDE.search(line) and rel != "tests/lint/spec_references.py":
                findings.append("%s:%d: points outside the repository: %s"
                                % (rel, n, OUTSIDE.search(line).group(0)))
    return findings


def github_anchor(title):
    a = title.strip().lower()
    a = re.sub(r"[^\w\- ]", "", a)
    return a.replace(" ", "-")


def domain_headings(text):
    """{anchor: title} of docs/domain.md's headings."""
    out = {}
    in_code = False
    for line in text.split("\n"):
        if line.startswith("```"):
            in_code = not in_code
        if in_code:
            continue
        m = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if m:
            out[github_anchor(m.group(2))] = m.group(2)
    return out


# A rule id of docs/domain.md after a reference to it: "docs/domain.md, I3",
# "domain.md#d9", "[domain.md, J1](...)", "docs/domain.md, \"Clue\", D1, D2".
LINK = re.compile(r"domain\.md#([\w\-]+)")
PROSE = re.compile(r"domain\.md,\s*((?:[IJD]\d+\b|\"[^\"]+\"|[A-Z][\w:\- ]*?)"
                   r"(?:\s*(?:,|and|–|-)\s*(?:\"[^\"]+\"|[IJD]\d+))*)")
RULE = re.compile(r"\b([IJD])(\d+)\b")


def scan_anchors(root, files):
    findings = []
    path = os.path.join(root, "docs", "domain.md")
    try:
        with open(path, encoding="utf-8") as f:
            domain = f.read()
    except OSError as e:
        return ["docs/domain.md: missing (%s)" % e]
    anchors = domain_headings(domain)
    for kind, last in RULE_RANGES.items():
        for i in range(1, last + 1):
            if "%s%d" % (kind.lower(), i) not in anchors:
                findings.append("docs/domain.md: no heading for %s%d" % (kind, i))
    titles = {t.lower(): a for a, t in anchors.items()}
    for rel, text in files:
        if rel.startswith("tests/fuzz/corpus/") or rel == "tests/lint/spec_references.py":
            continue
        for n, line in enumerate(text.split("\n"), 1):
            for m in LINK.finditer(line):
                if m.group(1) not in anchors:
                    findings.append("%s:%d: domain.md#%s is no heading of docs/domain.md"
                                    % (rel, n, m.group(1)))
            for m in PROSE.finditer(line):
                for rule in RULE.finditer(m.group(1)):
                    kind, num = rule.group(1), int(rule.group(2))
                    if not 1 <= num <= RULE_RANGES[kind] or \
                            ("%s%d" % (kind.lower(), num)) not in anchors:
                        findings.append("%s:%d: docs/domain.md has no %s%d"
                                        % (rel, n, kind, num))
                for quoted in re.findall(r"\"([^\"]+)\"", m.group(1)):
                    if quoted.lower() not in titles:
                        findings.append("%s:%d: docs/domain.md has no section \"%s\""
                                        % (rel, n, quoted))
            # A rule id outside its range anywhere a rule is named as such.
            for m in re.finditer(r"\b(invariants?|deadlines?|rule)\s+([IJD])(\d+)\b", line,
                                 re.IGNORECASE):
                kind, num = m.group(2), int(m.group(3))
                if not 1 <= num <= RULE_RANGES[kind]:
                    findings.append("%s:%d: %s%d is not a rule of docs/domain.md"
                                    % (rel, n, kind, num))
    return findings


def selftest():
    bad = [("a.cc", "// see " + _SPEC + " §4.5 here\n"),
           ("b.md", "Rule (" + _SPEC + " I3).\n"),
           ("c.py", "x = '" + _SPEC + " d9'\n"),
           ("d.md", "The design is `../shared/x.md`.\n"),
           ("g.py", "# the range of " + _SPEC + " scenario 14\n"),
           ("lib/src/domain/other.cc", "\"" + _SPEC + " I10\"\n")]
    good = [("e.cc", "// docs/domain.md, I3 and CommandSpec spec;\n"),
            ("lib/src/domain/procedure_decider.cc", "\"law; " + _SPEC + " I10\"\n"),
            ("tests/fuzz/corpus/x/y", _SPEC + " §4.4\n")]
    errors = []
    found = scan_spec(bad)
    for rel, _ in bad:
        if not any(f.startswith(rel + ":") for f in found):
            errors.append("selftest: %s not found" % rel)
    if scan_spec(good):
        errors.append("selftest: false findings %r" % scan_spec(good))
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "docs"))
        heads = ["### I%d" % i for i in range(1, 12)] + ["### J%d" % i for i in range(1, 6)] + \
                ["#### D%d" % i for i in range(1, 27)] + ["## The grid"]
        with open(os.path.join(tmp, "docs", "domain.md"), "w") as f:
            f.write("\n\n".join(heads) + "\n")
        ok = [("a.cc", "// docs/domain.md, I3; docs/domain.md, \"The grid\", D1, D2\n"),
              ("b.md", "[x](domain.md#d25) [y](docs/domain.md#the-grid)\n")]
        ko = [("c.cc", "// docs/domain.md, I12\n"), ("d.md", "[x](domain.md#d27)\n"),
              ("e.cc", "// docs/domain.md, \"No such part\"\n"),
              ("f.md", "the invariant I13 holds\n")]
        if scan_anchors(tmp, ok):
            errors.append("selftest: false anchor findings %r" % scan_anchors(tmp, ok))
        found = scan_anchors(tmp, ko)
        for rel, _ in ko:
            if not any(f.startswith(rel + ":") for f in found):
                errors.append("selftest: anchor finding for %s missing" % rel)
        os.remove(os.path.join(tmp, "docs", "domain.md"))
        with open(os.path.join(tmp, "docs", "domain.md"), "w") as f:
            f.write("### I1\n")
        if not any("no heading for D26" in f for f in scan_anchors(tmp, [])):
            errors.append("selftest: a missing heading is not found")
    for e in errors:
        print(e)
    print("selftest: %s" % ("FAILED" if errors else "ok"))
    return 1 if errors else 0


def main(argv):
    if argv[1:] == ["--selftest"]:
        return selftest()
    anchors = len(argv) == 3 and argv[1] == "--anchors"
    if not anchors and len(argv) != 2:
        print(__doc__)
        return 2
    root = argv[-1]
    files = list(text_files(root))
    findings = scan_anchors(root, files) if anchors else scan_spec(files)
    for f in findings:
        print(f)
    what = "references to docs/domain.md" if anchors else "references to the project brief"
    print("%s: %d finding(s) in %d files" % (what, len(findings), len(files)))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
