#!/usr/bin/env python3
"""lint.openapi: docs/openapi.yaml lints clean with Redocly's linter
(@redocly/openapi-core, what `redocly lint` runs; tests/openapi/lint.mjs)
under tests/openapi/redocly.yaml (the recommended rules, warnings as
errors).

    lint.py REPO_ROOT

Before it, the server's own rules the linter cannot know: every
authenticated operation lists 401, the ones the server refuses an actor
403, the rate-limited reads 429, and each has a default error. Also
checks that the linter can fail: a copy of the spec with the flaw
issue 17 found (a comma inside a flow mapping, which opens a new key) and
an operation without an operationId must be refused. Exits 77 (skipped)
without the tools (tests/openapi/tools.py)."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tools  # noqa: E402


def lint(d, spec):
    p = subprocess.run(["node", os.path.join(tools.HERE, "lint.mjs"), d, spec,
                        os.path.join(tools.HERE, "redocly.yaml")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=tools.env(),
                       timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace")


# The server's own rules the linter cannot know (cli/server/api.cc): who is
# refused, and which reads are rate-limited.
CASE_READS = ("getCase", "getCaseHistory", "explainCase", "getCaseDossier", "auditCase")
RATE_LIMITED = ("explainCase", "getCaseDossier", "auditCase")
# A township token's lists, statistics and registers (403 outside_township).
TOWNSHIP_LIMITED = ("listCases", "listDeadlines", "listAccess", "getStatistics",
                    "listGridTickets", "getGridTicket", "listJointActions", "getJointAction",
                    "listReviews", "getReview")
FORBIDDEN = CASE_READS + TOWNSHIP_LIMITED + ("postCommands", "adminBackup", "adminVerify",
                                             "adminAudit")


def contract_problems(spec):
    """Every authenticated operation lists 401, those the server refuses an
    actor 403, the rate-limited reads 429, and every operation has a
    default error; [] when so."""
    import yaml
    with open(spec, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    out = []
    seen = set()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "head", "put", "delete", "patch"):
                continue
            name = op.get("operationId", "%s %s" % (method, path))
            seen.add(name)
            responses = op.get("responses", {})
            authenticated = op.get("security", doc.get("security")) != []
            if authenticated and "401" not in responses:
                out.append("%s: an authenticated operation without 401" % name)
            if name in FORBIDDEN and "403" not in responses:
                out.append("%s: the server answers 403, the spec does not say so" % name)
            if name in RATE_LIMITED and "429" not in responses:
                out.append("%s: rate-limited, without 429" % name)
            if method != "head" and "default" not in responses:
                out.append("%s: no default error" % name)
    for name in FORBIDDEN + RATE_LIMITED:
        if name not in seen:
            out.append("no operation %s (tests/openapi/lint.py names it)" % name)
    return out


def main(root):
    spec = os.path.join(root, "docs", "openapi.yaml")
    # The server's rules first: they need no npm tools.
    problems = contract_problems(spec)
    for p in problems:
        print("FAIL: " + p)
    if problems:
        return 1
    d, why = tools.find()
    if d is None:
        print("SKIPPED (the server's rules were checked): " + why)
        return tools.SKIP
    rc, out = lint(d, spec)
    print(out)
    if rc != 0:
        print("FAIL: docs/openapi.yaml does not lint clean (exit %d)" % rc)
        return 1
    tmp = tempfile.mkdtemp(prefix="zf-openapi-lint-")
    try:
        with open(spec, encoding="utf-8") as f:
            text = f.read()
        broken = text.replace("      operationId: getHealth\n", "", 1).replace(
            'description: "the hash of the stream\'s previous event; empty for its first"',
            "description: the hash of the previous event, empty for the first", 1)
        if broken == text:
            print("FAIL: the selftest's flaws are no longer in the spec's text; update lint.py")
            return 1
        bad = os.path.join(tmp, "openapi.yaml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(broken)
        rc, out = lint(d, bad)
        if rc == 0 or "operation-operationId" not in out or "struct" not in out:
            print("FAIL: the linter passed a spec without an operationId and with a comma "
                  "in a flow mapping (exit %d):\n%s" % (rc, out))
            return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("lint.openapi: ok (and the linter refuses a broken copy)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
