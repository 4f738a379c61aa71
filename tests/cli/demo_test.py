#!/usr/bin/env python3
"""scripts/demo end to end, with the zfcli already built (demo.run).

    demo_test.py SOURCE_DIR BUILD_DIR

Runs the demo with its store in a temporary directory and checks that it
succeeds, that its outputs (audit report, dossier, backup) are in the
documented place beside the store and nothing is left untracked in the
checkout, that the default outputs inside a checkout are ignored by git,
and what the demo shows: the compared periods of the statistics and a
review campaign in `review list` (issue 18).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import FAILURES, check  # noqa: E402


def git(source, *args):
    p = subprocess.run(["git", "-C", source] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def untracked(source):
    """The checkout's untracked files (`git status`; ignored ones are not
    listed), or None outside a git checkout (a source tarball)."""
    rc, out = git(source, "status", "--porcelain", "--untracked-files=all")
    return "".join(l + "\n" for l in out.splitlines() if l.startswith("??")) if rc == 0 else None


def check_outputs(tmp, out):
    demo_out = os.path.join(tmp, "zf-demo-out")
    for name in ("audit.json", "audit.txt", "dossier.jsonl", "backup"):
        check(os.path.exists(os.path.join(demo_out, name)),
              "%s is not in %s (the store's parent): %s" % (name, demo_out, os.listdir(tmp)))
    check(sorted(os.listdir(tmp)) == ["zf-data", "zf-demo-out"],
          "the demo wrote beside the store only its store and zf-demo-out: %s"
          % sorted(os.listdir(tmp)))
    check("zf-demo-out" in out, "the demo says where its outputs are")
    # It ends with the console: the command to serve, the URL, a token per
    # role, and a config that holds their digests (issue 19).
    check("serve --config %s" % os.path.join(demo_out, "serve.json") in out
          and "http://127.0.0.1:8080/" in out, "the demo prints how to start the console")
    tokens = re.findall(r"^  (demo-[0-9a-f]{24}) ", out, re.M)
    check(len(tokens) == 5, "a demo token per role: %r" % tokens)
    try:
        import hashlib
        import json
        with open(os.path.join(demo_out, "serve.json")) as f:
            config = json.load(f)
        digests = {t["sha256"] for t in config["tokens"]}
        check(digests == {hashlib.sha256(t.encode()).hexdigest() for t in tokens},
              "serve.json holds the printed tokens' digests")
    except (OSError, ValueError, KeyError) as e:
        check(False, "serve.json: %s" % e)


def check_shown(out):
    check("同比基期 2022-01-01 至 2022-12-31" in out, "the 2023 statistics name the base period")
    check("* 基期数据不完整" in out, "the incomplete 2022 is marked")
    check(re.search(r"无记录命令\s+1\n\s+（不经命令写入、无可重新裁决的事件组：查阅记录", out) is not None,
          "the audit explains its one unrecorded command (the recorded read)")
    check(re.search(r"RC-2023-Q4\s+\S+\s+\S*司法局（sx-justice）\s+2023-10-01..2023-12-31\s+1/3", out)
          is not None, "review list shows the demo's campaign, one of three files scored")


def check_ignored(source):
    """The default outputs (./zf-demo-out beside ./zf-data) and the old
    names are ignored in a checkout."""
    for name in ("zf-data/CURRENT", "zf-demo-out/audit.json", "zf-data.audit.json",
                 "zf-data.backup/CURRENT"):
        rc, _ = git(source, "check-ignore", "-q", "--no-index", name)
        check(rc == 0, "%s is not ignored by .gitignore" % name)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    source, build = (os.path.abspath(a) for a in argv)
    before = untracked(source)
    tmp = tempfile.mkdtemp(prefix="zf-demo-")
    try:
        env = dict(os.environ, ZF_DEMO_SKIP_BUILD="1", ZF_BUILD_DIR=build,
                   ZF_DB=os.path.join(tmp, "zf-data"))
        env.pop("ZF_DEMO_OUT", None)
        env.pop("ZF_LANG", None)
        p = subprocess.run([os.path.join(source, "scripts", "demo")], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=env)
        out = p.stdout.decode("utf-8", "replace")
        check(p.returncode == 0, "scripts/demo exited %d:\n%s" % (p.returncode, out[-3000:]))
        check_outputs(tmp, out)
        check_shown(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if before is None:
        print("note: %s is not a git checkout; the untracked-files check is not run" % source)
    else:
        after = untracked(source)
        check(after == before, "the demo left untracked files in the checkout:\nbefore:\n%s\nafter:\n%s"
              % (before, after))
        check_ignored(source)
    if FAILURES:
        print("FAIL demo.run: %d failed check(s)" % len(FAILURES))
        for f in FAILURES:
            print("  - " + f)
        return 1
    print("PASS demo.run")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
