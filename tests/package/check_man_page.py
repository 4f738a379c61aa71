#!/usr/bin/env python3
"""package.man_page: the installed zfcli.1 names every command `zfcli help`
lists, with its options, and groff renders it without a warning."""
import re
import shutil
import subprocess
import sys


def main(page, zfcli):
    with open(page, encoding="ascii") as f:  # non-ASCII is escaped as \[uXXXX]
        text = f.read()
    failures = []
    if not text.startswith(".TH ZFCLI 1"):
        failures.append("no .TH ZFCLI 1 header")
    overview = subprocess.run([zfcli, "--lang", "en", "help"], stdout=subprocess.PIPE,
                              text=True, check=True).stdout
    commands = re.findall(r"^  (\S+(?: \S+)?)\s{2,}", overview, re.M)
    sections = set(re.findall(r"^\.SS (.+)$", text, re.M))
    for name in commands:
        if name.replace("-", "\\-") not in sections:
            failures.append("command %r has no section" % name)
    if "\\-\\-keep\\-going" not in text:
        failures.append("import's --keep-going is missing")
    if shutil.which("groff"):
        p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", page],
                           stderr=subprocess.PIPE, text=True)
        if p.returncode != 0 or p.stderr.strip():
            failures.append("groff: %s" % p.stderr.strip()[:500])
    for f in failures:
        print("FAIL package.man_page: " + f)
    print("%d commands, %d sections" % (len(commands), len(sections)))
    return 1 if failures or len(commands) < 30 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
