#!/usr/bin/env python3
"""End-to-end tests of zfcli, one test per invocation.

    cli_tests.py ZFCLI SAMPLE_JSONL TEST_NAME
    cli_tests.py ZFCLI SAMPLE_JSONL --list
    cli_tests.py ZFCLI SAMPLE_JSONL --registered NAME...   (list is complete)

Each test runs zfcli in a fresh temporary directory (removed afterwards),
asserts exit codes and key output, and exits 0 on success, 1 on failure
(printing every failed check, plus the commands it ran). Registered in ctest
by tests/cli/CMakeLists.txt as cli.<TEST_NAME>.

Exit codes under test (docs/cli.md): 0 ok, 1 storage/internal, 2 usage,
3 invalid input, 4 rejected by a rule, 5 conflict, 6 verification findings,
7 the store is held by another process.
"""

import json
import os
import re
import time
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True       # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from checks import FAILURES, Abort, check, fail, require  # noqa: E402
from store_cache import copy_of_imported  # noqa: E402
VERIFIER = os.path.join(HERE, "independent_verify.py")
HEX64 = re.compile(r"^[0-9a-f]{64}$")

ZFCLI = None
SAMPLE = None
TMP = None
TRANSCRIPT = []

EXIT_OK, EXIT_STORAGE, EXIT_USAGE, EXIT_INVALID = 0, 1, 2, 3
EXIT_REJECTED, EXIT_CONFLICT, EXIT_FINDINGS = 4, 5, 6


class Run(object):
    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError as e:
            fail("%s: stdout is not one JSON document (%s): %r"
                 % (" ".join(self.argv), e, self.out[:300]))
            raise Abort()


# A sanitized build runs zfcli several times slower (tests/CMakeLists.txt).
TIMEOUT_SCALE = float(os.environ.get("ZF_TEST_TIMEOUT_SCALE", "1"))


def run(argv, stdin=None, env=None):
    e = dict(os.environ)
    e.pop("ZF_DB", None)          # every call names its --db
    if env:
        e.update(env)
    p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, cwd=TMP, env=e, timeout=60 * TIMEOUT_SCALE)
    r = Run(argv, p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))
    TRANSCRIPT.append("$ %s\n  -> exit %d\n  stdout: %s\n  stderr: %s"
                      % (" ".join(argv), r.rc, r.out.strip()[:600],
                         r.err.strip()[:600]))
    return r


def zf(*args, stdin=None):
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    return run([ZFCLI] + list(args), stdin=stdin)


def expect_rc(r, rc):
    return check(r.rc == rc, "`%s` exited %d, expected %d\n    stderr: %s"
                 % (" ".join(r.argv[1:]), r.rc, rc, r.err.strip()[:400]))


def expect_in(needle, hay, what):
    return check(needle in hay, "%s does not contain %r:\n    %s"
                 % (what, needle, hay.strip()[:600]))


def expect_not_in(needle, hay, what):
    return check(needle not in hay, "%s contains %r:\n    %s"
                 % (what, needle, hay.strip()[:600]))


def path(*parts):
    return os.path.join(TMP, *parts)


# --- Facts about the sample, computed from the file itself ------------------

def sample_lines():
    with open(SAMPLE, encoding="utf-8") as f:
        return [l for l in f.read().split("\n") if l.strip()]


def sample_requests():
    return [json.loads(l) for l in sample_lines()]


def sample_event_count():
    return sum(len(r["events"]) for r in sample_requests())


def repeated_clue(command_id):
    """A register_clue for SX-T-001 again (after case_commands() ran):
    rejected case_exists."""
    return json.dumps({"command": "register_clue", "command_id": command_id,
                       "at": "2023-09-12T09:00:00+08:00",
                       "actor": {"id": "SX-OF-0103", "role": "enforcement_officer",
                                 "unit": "gaosha"},
                       "case_id": "SX-T-001",
                       "data": {"source": "inspection", "township": "gaosha",
                                "description": "重复", "discovered_on": "2023-09-12"}})


def write_lines(name, lines):
    p = path(name)
    with open(p, "w", encoding="utf-8") as f:
        for l in lines:
            f.write(l + "\n")
    return p


def export_events(db, *extra):
    r = zf("--db", db, "export", *extra)
    require(r.rc == 0, "export of %s exited %d: %s" % (db, r.rc, r.err))
    out = []
    for n, line in enumerate(r.out.splitlines(), 1):
        try:
            out.append(json.loads(line))
        except ValueError:
            fail("export line %d is not JSON: %r" % (n, line[:200]))
            raise Abort()
    return out, r.out


def load_sample(db="db"):
    """Appends the sample; returns the parsed `store append --json` output."""
    r = zf("--db", db, "store", "append", SAMPLE, "--json")
    require(r.rc == 0, "appending the sample exited %d: %s" % (r.rc, r.err))
    return r.json()


def verifier(export_text, *args):
    """independent_verify.py on export_text, run in this process (a python
    start costs more than the check; the subprocess path is exercised by
    test_export_independent_verify)."""
    import io
    sys.path.insert(0, HERE)
    import independent_verify
    out, saved = io.StringIO(), (sys.stdin, sys.stdout)
    sys.stdin = io.TextIOWrapper(io.BytesIO(export_text.encode("utf-8")))
    sys.stdout = out
    try:
        rc = independent_verify.main(list(args))
    except SystemExit as e:          # argparse errors
        rc = e.code if isinstance(e.code, int) else 2
    finally:
        sys.stdin, sys.stdout = saved
    r = Run(["independent_verify.py"] + list(args), rc, out.getvalue(), "")
    TRANSCRIPT.append("$ independent_verify.py %s < export\n  -> exit %d\n"
                      "  stdout: %s" % (" ".join(args), rc,
                                        r.out.strip()[:600]))
    return r


def verifier_ledger(r):
    m = re.search(r"^ledger_hash: ([0-9a-f]{64})$", r.out, re.M)
    require(m is not None,
            "independent_verify printed no 'ledger_hash:' line:\n%s" % r.out)
    return m.group(1)


def find_ldb():
    for name in ("ldb", "rocksdb_ldb", "rocksdb-ldb"):
        p = shutil.which(name)
        if p:
            return p
    fail("RocksDB's `ldb` tool is not installed: install the Debian package "
         "rocksdb-tools (scripts/deps installs it). The tamper tests need it "
         "and do not skip.")
    raise Abort()


def ldb(*args):
    return run([find_ldb()] + list(args))


def key_hex(position):
    return "0x%016X" % position


# --- Tests ----------------------------------------------------------------------

def test_version():
    r = zf("--version")
    expect_rc(r, EXIT_OK)
    check(re.match(r"^zfcli \d+\.\d+\.\d+\S* \(\S+\)\n?$", r.out) is not None,
          "--version printed %r, expected 'zfcli X.Y.Z (COMMIT)'" % r.out)


def test_help():
    r = zf("--help")
    expect_rc(r, EXIT_OK)
    expect_in("用法", r.out, "zfcli --help")
    for cmd in ("store append", "store verify", "export", "backup"):
        expect_in(cmd, r.out, "zfcli --help")
    for args in (["--help", "--lang", "en"], ["help", "--lang", "en"]):
        r = zf(*args)
        expect_rc(r, EXIT_OK)
        expect_in("usage: zfcli", r.out, "zfcli " + " ".join(args))
        expect_not_in("用法", r.out, "zfcli " + " ".join(args))

    r = zf("help", "store", "append")
    expect_rc(r, EXIT_OK)
    expect_in("zfcli store append", r.out, "zfcli help store append")
    expect_in("用法", r.out, "zfcli help store append")
    expect_in("--file", r.out, "zfcli help store append")
    r = zf("store", "append", "--help")
    expect_rc(r, EXIT_OK)
    expect_in("zfcli store append", r.out, "zfcli store append --help")
    r = zf("help", "export")
    expect_rc(r, EXIT_OK)
    expect_in("--stream", r.out, "zfcli help export")


# Words a Chinese option description may keep: names of formats, tools,
# algorithms and keys, and the ids and values the options take.
HELP_ASCII_WORDS = set(
    "RocksDB JSON JSONL RFC YYYY PEM SM2 TLS sha sm3 bash zsh Ctrl SAFE gaosha "
    "investigating party agency planned closed reported dispatched checkpoint export POS "
    "arg".split()) - {"arg"}


def test_help_chinese():
    """Issue 18: help is Chinese by default for every command: its summary,
    and each option's description (cli/option_help.cc), with the value shown
    as 值 rather than program_options' "arg". An option declared without a
    Chinese description fails here. With --lang en it stays English."""
    listing = zf("help", "--lang", "en")
    expect_rc(listing, EXIT_OK)
    commands = [line[2:19].strip() for line in listing.out.splitlines()
                if re.match(r"  [a-z]", line)]
    check(len(commands) >= 30, "commands listed by help: %r" % commands)
    han = re.compile(u"[\u4e00-\u9fff]")
    for cmd in commands:
        r = zf(*cmd.split(), "--help")
        expect_rc(r, EXIT_OK)
        lines = r.out.splitlines()
        check(bool(lines) and han.search(lines[0]), "the summary of %r: %r" % (cmd, lines[:1]))
        options = [l for l in lines if l.startswith("  -")]
        check(len(options) >= 3, "options of %r: %r" % (cmd, options))
        for i, line in enumerate(lines):
            if not line.startswith("  -"):
                continue
            text = line
            if i + 1 < len(lines) and lines[i + 1].startswith("      "):
                text += lines[i + 1]
            # The description without what stays as it is: option names,
            # variables, URLs, paths, and the ids and values it quotes.
            description = re.sub(r"^\s*-\S*(?: \[ --\S+ \])?(?: 值(?:（默认 [^）]*）)?)?", "",
                                 text)
            description = re.sub(r"--[a-z-]+|\$[A-Z_]+|[a-z]+://\S*|docs/\S+|\./[\w-]+|<\w+>\.pem",
                                 "", description)
            english = [w for w in re.findall(r"[A-Za-z]{3,}", description)
                       if w not in HELP_ASCII_WORDS]
            check(han.search(description) is not None and not english,
                  "`zfcli %s --help`: an option described in English: %r (%r)"
                  % (cmd, line, english))
            check(" arg" not in text, "`zfcli %s --help` shows 'arg': %r" % (cmd, line))
        en = zf(*cmd.split(), "--help", "--lang", "en")
        expect_rc(en, EXIT_OK)
        check(han.search(en.out.splitlines()[0]) is None,
              "the English summary of %r: %r" % (cmd, en.out.splitlines()[:1]))
        expect_in("--lang arg", en.out, "`zfcli %s --help --lang en`" % cmd)


def test_unknown_command():
    r = zf("frobnicate")
    expect_rc(r, EXIT_USAGE)
    expect_in("frobnicate", r.err, "stderr of an unknown command")
    r = zf("--lang", "en", "--db", "db", "frobnicate")
    expect_rc(r, EXIT_USAGE)
    expect_in("unknown command", r.err, "stderr of an unknown command (en)")
    r = zf("help", "frobnicate")
    expect_rc(r, EXIT_USAGE)
    r = zf()
    expect_rc(r, EXIT_USAGE)
    check(not os.path.exists(path("db")), "a usage error created the store")


def test_groups_and_version():
    """Issue 17: a bare group lists its commands; an unknown word in a
    group is named; --version names the commit."""
    r = zf("case")
    expect_rc(r, EXIT_OK)
    for name in ("case show", "case list", "case explain"):
        expect_in(name, r.out, "zfcli case lists its commands")
    expect_in("子命令", r.out, "zfcli case (zh)")
    r = zf("--lang", "en", "store")
    expect_rc(r, EXIT_OK)
    expect_in("store verify", r.out, "zfcli store lists its commands")
    r = zf("case", "bogus")
    expect_rc(r, EXIT_USAGE)
    expect_in("bogus", r.err, "the unknown word is named")
    expect_in("case show", r.err, "with the group's commands")
    r = zf("--lang", "en", "--db", "db", "case", "bogus")
    expect_rc(r, EXIT_USAGE)
    expect_in("'case' has no command 'bogus'", r.err, "en")
    check(not os.path.exists(path("db")), "a usage error created the store")
    r = zf("--version")
    expect_rc(r, EXIT_OK)
    m = re.fullmatch(r"zfcli (\d+\.\d+\.\d+) \(([0-9a-f]{12}(?:-dirty)?|unknown)\)\n", r.out)
    check(m is not None, "--version: %r" % r.out)
    head = subprocess.run(["git", "-C", HERE, "rev-parse", "--short=12", "HEAD"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if m and head.returncode == 0 and not os.environ.get("ZF_COMMIT"):
        check(m.group(2).split("-")[0] == head.stdout.strip(),
              "--version names %s, the checkout is at %s" % (m.group(2), head.stdout.strip()))


def test_json_errors():
    """Issue 17: with --json, errors are JSON on stderr too (one object per
    line, stable keys, the message in the chosen language); usage errors
    from the option parser are Chinese by default."""
    load_reference()
    good = case_commands()
    bad_rule = repeated_clue("json-bad-rule")
    f = write_lines("json-errors.jsonl", [good[0], bad_rule, '{"command": broken'])
    r = zf("--db", "db", "--json", "import", "--keep-going", f)
    expect_rc(r, EXIT_REJECTED)
    errors = [json.loads(l) for l in r.err.splitlines()]
    check([(e["kind"], e["line"], e["exit_code"], e["ok"]) for e in errors]
          == [("rejected", 2, 4, False), ("error", 3, 3, False)], "stderr: %r" % r.err)
    check(errors[0]["code"] == "case_exists" and errors[0]["legal_basis"], "rejection %r" % errors[0])
    check(errors[1]["code"] == "invalid_argument", "invalid line %r" % errors[1])
    check(json.loads(r.out)["rejected"] == 1, "stdout keeps the summary: " + r.out)
    r = zf("--db", "db", "--json", "case", "show", "SX-NOPE")
    expect_rc(r, EXIT_INVALID)
    e = json.loads(r.err)
    check(e["kind"] == "error" and e["code"] == "not_found" and e["exit_code"] == 3, "%r" % e)
    for argv, needle in [(["calendar", "due"], "缺少必需的选项“--from”"),
                         (["stats", "--bogus"], "未知选项“--bogus”"),
                         (["case", "bogus"], "没有子命令“bogus”"),
                         (["frobnicate"], "未知命令“frobnicate”")]:
        r = zf("--db", "db", "--json", *argv)
        expect_rc(r, EXIT_USAGE)
        e = json.loads(r.err)
        check(e["kind"] == "usage" and e["exit_code"] == 2, "%r: %r" % (argv, e))
        expect_in(needle, e["message"], "usage message of %r" % argv)
        r = zf("--db", "db", *argv)
        expect_rc(r, EXIT_USAGE)
        expect_in(needle, r.err, "text usage message of %r" % argv)
    r = zf("--db", "db", "--lang", "en", "calendar", "due")
    expect_rc(r, EXIT_USAGE)
    expect_in("the option '--from' is required but missing", r.err, "English with --lang en")


def test_rejection_language():
    """Issue 18: a rejection reads in Chinese by default — the rule and the
    citation of its code's row in the table of legal sources — and in
    English with --lang en; --json keeps the code and gives message and
    legal_basis in the chosen language, on stderr and in exec's result."""
    load_reference()
    expect_rc(zf("--db", "db", "exec", case_commands()[0]), EXIT_OK)
    again = repeated_clue("lang-rejected")
    zh_rule, zh_basis = "该线索（案件）编号已登记", "《市场监督管理行政处罚程序规定》第十八条"
    r = zf("--db", "db", "exec", again)
    expect_rc(r, EXIT_REJECTED)
    expect_in("被拒绝: %s [case_exists] 法律依据: %s" % (zh_rule, zh_basis), r.err, "Chinese")
    # Outside the code and the field pointer, no English word.
    words = set(re.findall(r"[A-Za-z_]+", r.err.replace("case_exists", "")))
    check(words <= {"data", "case_id"}, "English words in Chinese mode: %r" % r.err)
    r = zf("--db", "db", "--lang", "en", "exec", again)
    expect_rc(r, EXIT_REJECTED)
    expect_in("rejected: case SX-T-001 is already registered [case_exists] "
              "legal basis: MSR art. 18", r.err, "English")
    for lang, message, basis in (("zh", zh_rule, zh_basis),
                                 ("en", "case SX-T-001 is already registered", "MSR art. 18")):
        r = zf("--db", "db", "--lang", lang, "--json", "exec", again)
        expect_rc(r, EXIT_REJECTED)
        err, out = json.loads(r.err), json.loads(r.out)
        for what, o in (("stderr", err), ("stdout", out)):
            check(o["code"] == "case_exists" and o["message"] == message and
                  o["legal_basis"] == basis, "--lang %s --json %s: %r" % (lang, what, o))
    # The library's "no case X", for the case commands, in the chosen language.
    for argv in (["case", "show", "SX-NOPE"], ["case", "history", "SX-NOPE"],
                 ["case", "explain", "SX-NOPE"], ["case", "dossier", "SX-NOPE"],
                 ["audit", "verify", "--case", "SX-NOPE"]):
        for lang, needle in (("zh", "没有案件 SX-NOPE"), ("en", "no case SX-NOPE")):
            r = zf("--db", "db", "--lang", lang, *argv)
            expect_rc(r, EXIT_INVALID)
            expect_in(needle, r.err, "%s --lang %s" % (" ".join(argv), lang))


def test_import_progress():
    """Issue 17: --progress shows progress on stderr when it is not a
    terminal (lines, not redraws); --no-progress and the default show none
    there; both together are a usage error."""
    load_reference()
    good = case_commands()
    f = write_lines("progress.jsonl", good)
    r = zf("--db", "db", "--lang", "en", "import", "--progress", f)
    expect_rc(r, EXIT_OK)
    progress = [l for l in r.err.splitlines() if l.startswith("line ")]
    check(progress and progress[-1].startswith("line %d/%d" % (len(good), len(good))),
          "a final progress line: %r" % r.err)
    check("\r" not in r.err, "no redraws into a log: %r" % r.err)
    for extra in (["--no-progress"], []):
        r = zf("--db", "db", "--lang", "en", "import", f, *extra)
        expect_rc(r, EXIT_OK)
        check(r.err == "", "no progress with %r: %r" % (extra, r.err))
    r = zf("--db", "db", "import", "--progress", "--no-progress", f)
    expect_rc(r, EXIT_USAGE)
    expect_in("--no-progress", r.err, "both: usage error")


def test_log_follow():
    """Issue 17: `log --follow` prints events appended after it started
    (by another process, while it runs), and ends after --limit events."""
    load_reference()
    head = len(zf("--db", "db", "--json", "export").out.splitlines())
    e = dict(os.environ)
    e.pop("ZF_DB", None)
    follower = subprocess.Popen([ZFCLI, "--db", "db", "--json", "log", "--follow", "--interval",
                                 "0.1", "--from", str(head + 1), "--limit", "1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TMP, env=e)
    try:
        time.sleep(0.5)
        check(follower.poll() is None, "the follower waits for new events")
        f = write_lines("follow.jsonl", case_commands()[:1])
        expect_rc(zf("--db", "db", "import", f), EXIT_OK)
        out, err = follower.communicate(timeout=30 * TIMEOUT_SCALE)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    check(follower.returncode == 0, "follower exit %r: %r" % (follower.returncode, err))
    events = [json.loads(l) for l in out.decode("utf-8").splitlines()]
    check([ev["position"] for ev in events] == [head + 1],
          "followed events %r (head was %d)" % ([ev["position"] for ev in events], head))
    r = zf("--db", "db", "log", "--follow", "--interval", "0")
    expect_rc(r, EXIT_USAGE)
    expect_in("--interval", r.err, "a bad interval is named")


def test_completion():
    """Issue 17: `zfcli completion bash|zsh` prints a script that completes
    command words, a group's commands and a command's options."""
    r = zf("completion", "bash")
    expect_rc(r, EXIT_OK)
    script = path("zfcli-completion.bash")
    with open(script, "w", encoding="utf-8") as f:
        f.write(r.out)

    def complete(*words):
        probe = ("source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _zfcli; echo \"${COMPREPLY[*]}\""
                 % (script, " ".join("'%s'" % w for w in words), len(words) - 1))
        env = dict(os.environ, PATH=os.path.dirname(ZFCLI) + os.pathsep + os.environ["PATH"])
        p = subprocess.run(["bash", "-c", probe], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           cwd=TMP, env=env, timeout=60)
        check(p.returncode == 0, "bash: %r" % p.stderr)
        return p.stdout.decode("utf-8").split()

    check(complete("zfcli", "ca") == ["calendar", "case"], "top-level words: %r" % complete("zfcli", "ca"))
    check(complete("zfcli", "case", "sh") == ["show"], "a group's commands")
    check(complete("zfcli", "--db", "x", "import", "--keep") == ["--keep-going"], "import options")
    check("--follow" in complete("zfcli", "log", "--f"), "log options")
    check(complete("zfcli", "--lang", "") == ["zh", "en"], "--lang values")
    r = zf("completion", "zsh")
    expect_rc(r, EXIT_OK)
    expect_in("bashcompinit", r.out, "zsh goes through bashcompinit")
    r = zf("completion", "fish")
    expect_rc(r, EXIT_USAGE)
    expect_in("fish", r.err, "an unknown shell is named")


def test_option_names():
    """Issue 17: one name per meaning. A power item is --item (rules too), a
    log position range is --from-position/--to-position (--from/--to are
    dates). The old spellings still work and are not shown in help."""
    load_reference()
    for new, old in [(["rules", "competent", "--item", "SAFE-001", "--township", "gaosha",
                       "--as-of", "2023-06-01"],
                      ["rules", "competent", "--power", "SAFE-001", "--township", "gaosha",
                       "--as-of", "2023-06-01"]),
                     (["rules", "show", "--item=SAFE-001", "--as-of", "2023-06-01"],
                      ["rules", "show", "--power=SAFE-001", "--as-of", "2023-06-01"]),
                     (["export", "--from-position", "3", "--to-position", "5"],
                      ["export", "--from", "3", "--to", "5"]),
                     (["log", "--from-position", "3", "--limit", "2"],
                      ["log", "--from", "3", "--limit", "2"]),
                     (["store", "verify", "--from-position", "2", "--to-position", "4"],
                      ["store", "verify", "--from", "2", "--to", "4"])]:
        a = zf("--db", "db", "--json", *new)
        b = zf("--db", "db", "--json", *old)
        expect_rc(a, EXIT_OK)
        check(a.rc == b.rc and a.out == b.out, "%r and %r answer alike" % (new, old))
    check(len(zf("--db", "db", "export", "--from-position", "3", "--to-position", "5")
              .out.splitlines()) == 3, "positions 3..5")
    for cmd, shown, hidden in [(["rules", "competent"], "--item", "--power"),
                               (["export"], "--from-position", "--from "),
                               (["audit", "verify"], "--to-position", "--to ")]:
        r = zf("help", *cmd)
        expect_in(shown, r.out, "help of %r" % cmd)
        expect_not_in(hidden, r.out, "help of %r" % cmd)


def test_reader_options():
    """Issue 17: --as-actor names the reader in full; --role, --unit or
    --purpose without it, or --as-actor with an empty role or unit, is a
    usage error naming the option, and nothing is recorded."""
    load_reference()
    for line in case_commands()[:2]:
        expect_rc(zf("--db", "db", "exec", line), EXIT_OK)
    case_id = json.loads(case_commands()[0])["case_id"]
    for argv, named in [(["--role", "case_reviewer"], "--role"),
                        (["--unit", "sx-justice"], "--unit"),
                        (["--purpose", "review"], "--purpose"),
                        (["--as-actor", "SX-OF-0202", "--role", "case_reviewer"], "--unit"),
                        (["--as-actor", "SX-OF-0202", "--unit", "sx-justice"], "--role"),
                        (["--as-actor", " ", "--role", "case_reviewer", "--unit", "sx-justice"],
                         "--as-actor")]:
        for cmd in (["case", "show"], ["case", "history"], ["case", "explain"]):
            r = zf("--db", "db", "--lang", "en", *cmd, case_id, *argv)
            expect_rc(r, EXIT_USAGE)
            expect_in(named, r.err, "%s %r names the option" % (" ".join(cmd), argv))
    r = zf("--db", "db", "case", "show", case_id, "--role", "case_reviewer")
    expect_in("--as-actor", r.err, "Chinese message names --as-actor")
    r = zf("--db", "db", "--json", "access", "--case", case_id)
    expect_rc(r, EXIT_OK)
    check(json.loads(r.out) == [], "nothing recorded: %s" % r.out[:300])


def test_bad_option():
    r = zf("--db", "db", "export", "--no-such-option")
    expect_rc(r, EXIT_USAGE)
    expect_in("--no-such-option", r.err, "stderr of a bad option")
    r = zf("--db", "db", "store", "verify", "--from", "many")
    expect_rc(r, EXIT_USAGE)
    r = zf("--db", "db", "--lang", "fr", "store", "verify")
    expect_rc(r, EXIT_USAGE)
    expect_in("fr", r.err, "stderr of --lang fr")
    for every in ("0", "100", "-256"):
        r = zf("--db", "db", "import", sample_file("01-calendar.jsonl"), "--commit-every", every)
        expect_rc(r, EXIT_USAGE)
        expect_in("--commit-every", r.err, "stderr of --commit-every " + every)
    check(not os.path.exists(path("db")), "a usage error created the store")


def test_lang():
    load_sample()
    r = zf("--db", "db", "store", "verify")
    expect_rc(r, EXIT_OK)
    expect_in("哈希链完整", r.out, "store verify (default zh)")
    expect_in("总账哈希", r.out, "store verify (default zh)")
    expect_not_in("hash chain intact", r.out, "store verify (default zh)")
    for args in (["--lang", "en", "--db", "db", "store", "verify"],
                 ["--db", "db", "store", "verify", "--lang", "en"],
                 ["--db", "db", "store", "verify", "--lang=en"]):
        r = zf(*args)
        expect_rc(r, EXIT_OK)
        expect_in("hash chain intact", r.out, "`%s`" % " ".join(args))
        expect_in("ledger hash", r.out, "`%s`" % " ".join(args))
        expect_not_in("哈希链完整", r.out, "`%s`" % " ".join(args))
    r = zf("--db", "db", "store", "append", SAMPLE)
    expect_rc(r, EXIT_OK)
    expect_in("已存在(跳过): %d" % len(sample_lines()), r.out,
              "store append re-run (zh)")
    r = zf("--lang", "en", "--db", "db", "store", "append", SAMPLE)
    expect_rc(r, EXIT_OK)
    expect_in("already applied (skipped): %d" % len(sample_lines()), r.out,
              "store append re-run (en)")
    # Errors are labelled too.
    r = zf("--db", "missing", "export")
    expect_in("错误", r.err, "export of a missing store (zh)")
    r = zf("--lang", "en", "--db", "missing", "export")
    expect_in("error", r.err, "export of a missing store (en)")
    expect_not_in("错误", r.err, "export of a missing store (en)")


def test_append_json():
    lines, events = len(sample_lines()), sample_event_count()
    r = zf("--db", "db", "store", "append", SAMPLE, "--json")
    expect_rc(r, EXIT_OK)
    j = r.json()
    check(j.get("applied") == lines, "applied=%r, expected %d (lines)"
          % (j.get("applied"), lines))
    check(j.get("already_applied") == 0, "already_applied=%r on a new store"
          % j.get("already_applied"))
    check(j.get("events") == events, "events=%r, expected %d"
          % (j.get("events"), events))
    check(j.get("ledger_position") == events, "ledger_position=%r, expected %d"
          % (j.get("ledger_position"), events))
    check(j.get("ok") is True, "ok=%r" % j.get("ok"))
    ledger = j.get("ledger_hash")
    require(isinstance(ledger, str) and HEX64.match(ledger),
            "ledger_hash %r is not 64 lowercase hex digits" % ledger)
    check(ledger != "0" * 64, "ledger_hash is the empty store's")

    # Idempotent re-run: nothing written, every line reported as applied.
    r = zf("--db", "db", "store", "append", SAMPLE, "--json")
    expect_rc(r, EXIT_OK)
    j2 = r.json()
    check(j2.get("applied") == 0, "re-run applied=%r" % j2.get("applied"))
    check(j2.get("already_applied") == lines, "re-run already_applied=%r, "
          "expected %d" % (j2.get("already_applied"), lines))
    check(j2.get("events") == 0, "re-run events=%r" % j2.get("events"))
    check(j2.get("ledger_hash") == ledger, "re-run changed the ledger: %r"
          % j2.get("ledger_hash"))
    check(j2.get("ledger_position") == events, "re-run ledger_position=%r"
          % j2.get("ledger_position"))
    evs, _ = export_events("db")
    check(len(evs) == events, "after the re-run the store holds %d events, "
          "expected %d" % (len(evs), events))

    # stdin ("-") and an explicit --file work the same.
    r = zf("--db", "db2", "store", "append", "-", "--json",
           stdin=open(SAMPLE, "rb").read())
    expect_rc(r, EXIT_OK)
    check(r.json().get("events") == events, "append from stdin")
    r = zf("--db", "db3", "store", "append", "--file", SAMPLE, "--json")
    expect_rc(r, EXIT_OK)
    check(r.json().get("applied") == lines, "append --file")


def _bad_third_line(mutate, pointer, label):
    """Line 3 of the sample broken by `mutate`; the run must stop there."""
    reqs = sample_requests()
    require(len(reqs) >= 4, "the sample needs at least 4 lines")
    bad = mutate(json.loads(json.dumps(reqs[2])))
    lines = [json.dumps(x, ensure_ascii=False) for x in reqs]
    lines[2] = bad if isinstance(bad, str) else json.dumps(bad,
                                                           ensure_ascii=False)
    f = write_lines("bad.jsonl", lines)
    before = sum(len(x["events"]) for x in reqs[:2])
    for lang, line_label, field_label in (("zh", "行 3", "字段="),
                                          ("en", "line 3", "field=")):
        db = "db-" + lang
        r = zf("--db", db, "--lang", lang, "store", "append", f)
        expect_rc(r, EXIT_INVALID)
        expect_in(line_label, r.err, "stderr (%s, %s)" % (label, lang))
        expect_in(field_label + pointer, r.err, "stderr (%s, %s)"
                  % (label, lang))
        check(not re.search(r"(行|line) [4-9]", r.err),
              "stderr names a line after 3: %s" % r.err.strip())
        evs, _ = export_events(db)
        got = [(e["stream"], e["command_id"]) for e in evs]
        want = [(x["stream"], x["command_id"]) for x in reqs[:2]
                for _ in x["events"]]
        check(len(evs) >= before and got[:before] == want,
              "lines 1-2 were not applied (%s): store holds %r"
              % (label, got))
        later = sorted({x["command_id"] for x in reqs[2:]} &
                       {e["command_id"] for e in evs})
        check(not later and len(evs) == before,
              "docs/cli.md: 'The first bad line stops the run'; but after "
              "the bad line 3 (%s, --lang %s) the store holds %d events "
              "instead of %d, from the later command ids %s"
              % (label, lang, len(evs), before, later))
    # Fixing the line and re-running completes the file, skipping lines 1-2.
    good = write_lines("good.jsonl", [json.dumps(x, ensure_ascii=False)
                                      for x in reqs])
    r = zf("--db", "db-en", "store", "append", good, "--json")
    expect_rc(r, EXIT_OK)
    j = r.json()
    check(j.get("ledger_position") == sample_event_count(),
          "re-run after the fix: ledger_position=%r" % j.get("ledger_position"))
    check(j.get("applied", 0) + j.get("already_applied", 0) == len(reqs),
          "re-run after the fix: %r" % j)


def test_append_bad_line_unknown_field():
    def mutate(req):
        req["events"][0]["colour"] = "red"
        return req
    _bad_third_line(mutate, "/events/0/colour", "unknown field")


def test_append_bad_line_occurred_at():
    def mutate(req):
        req["events"][0]["occurred_at"] = "2023-09-12T08:40:00"
        return req
    _bad_third_line(mutate, "/events/0/occurred_at", "occurred_at w/o offset")


def test_append_bad_line_float():
    def mutate(req):
        req["events"][0]["data"]["fine_fen"] = 12.5
        return req
    _bad_third_line(mutate, "/events/0/data/fine_fen", "float in data")


def test_append_conflict():
    j = load_sample()
    reqs = sample_requests()
    # A stream the sample appends to more than once, so that it is at v>1.
    versions = {}
    for x in reqs:
        versions[x["stream"]] = versions.get(x["stream"], 0) + len(x["events"])
    stream = next(s for s, v in versions.items() if v >= 2)
    ev = dict(reqs[0]["events"][0])
    stale = {"stream": stream, "expected": versions[stream] - 1,
             "command_id": "conflict-0001", "events": [ev]}
    for lang, word in (("zh", "行 1"), ("en", "line 1")):
        r = zf("--db", "db", "--lang", lang, "store", "append", "--json",
               stdin=json.dumps(stale, ensure_ascii=False) + "\n")
        expect_rc(r, EXIT_CONFLICT)
        e = json.loads(r.err)  # --json: the error is JSON on stderr too
        check(e["where"] == word and e["line"] == 1, "stderr names line 1: %r" % e)
        check(e["code"] == "conflict" and e["exit_code"] == EXIT_CONFLICT, "conflict: %r" % e)
        expect_in(stream, e["message"], "stderr of a stale expected version")
        check(r.json().get("ok") is False, "--json ok is not false")
        r = zf("--db", "db", "--lang", lang, "store", "append",
               stdin=json.dumps(stale, ensure_ascii=False) + "\n")
        expect_rc(r, EXIT_CONFLICT)
        expect_in(word, r.err, "text stderr of a stale expected version")
        expect_in("[conflict]", r.err, "text stderr of a stale expected version")
    # expected "no_stream" on an existing stream is a conflict as well.
    stale["expected"] = "no_stream"
    r = zf("--db", "db", "store", "append",
           stdin=json.dumps(stale, ensure_ascii=False) + "\n")
    expect_rc(r, EXIT_CONFLICT)
    # A command id reused for another stream is a conflict (already_exists).
    reuse = {"stream": "conflict/other", "expected": "no_stream",
             "command_id": reqs[0]["command_id"], "events": [ev]}
    r = zf("--db", "db", "store", "append",
           stdin=json.dumps(reuse, ensure_ascii=False) + "\n")
    expect_rc(r, EXIT_CONFLICT)
    expect_in("/command_id", r.err, "stderr of a reused command id")
    evs, _ = export_events("db")
    check(len(evs) == sample_event_count(),
          "a conflicting append wrote events: %d" % len(evs))
    r = zf("--db", "db", "store", "verify", "--json")
    expect_rc(r, EXIT_OK)
    check(r.json().get("ledger_hash") == j["ledger_hash"],
          "a conflicting append changed the ledger")
    # The right expected version succeeds.
    stale["expected"] = versions[stream]
    stale["command_id"] = "conflict-0002"
    r = zf("--db", "db", "store", "append", "--json",
           stdin=json.dumps(stale, ensure_ascii=False) + "\n")
    expect_rc(r, EXIT_OK)
    check(r.json().get("applied") == 1, "append at the right version")


def test_export_independent_verify():
    j = load_sample()
    evs, text = export_events("db")
    n = sample_event_count()
    check(len(evs) == n, "export has %d lines, expected %d" % (len(evs), n))
    check([e["position"] for e in evs] == list(range(1, n + 1)),
          "export positions are not 1..%d in order" % n)
    fields = ["position", "stream", "version", "type", "schema",
              "occurred_at", "recorded_at", "command_id", "actor", "data",
              "prev_hash", "hash"]
    for e in evs:
        check(list(e.keys()) == fields, "export fields %r" % list(e.keys()))
        break
    # The export carries exactly what was appended.
    src = [(x["stream"], x["command_id"], ev["type"], ev["occurred_at"],
            ev["actor"], ev["data"])
           for x in sample_requests() for ev in x["events"]]
    got = [(e["stream"], e["command_id"], e["type"], e["occurred_at"],
            e["actor"], e["data"]) for e in evs]
    check(got == src, "exported events differ from the appended ones")

    r = run([sys.executable, VERIFIER, "--ledger", j["ledger_hash"]],
            stdin=text.encode("utf-8"))
    expect_rc(r, 0)
    check(verifier_ledger(r) == j["ledger_hash"],
          "independent ledger %s != store append --json ledger %s"
          % (verifier_ledger(r), j["ledger_hash"]))
    v = zf("--db", "db", "store", "verify", "--json")
    expect_rc(v, EXIT_OK)
    check(v.json().get("ledger_hash") == verifier_ledger(r),
          "independent ledger %s != store verify --json ledger %s"
          % (verifier_ledger(r), v.json().get("ledger_hash")))
    # The verifier reads a file argument too, and refuses a wrong ledger.
    p = write_lines("export.jsonl", text.splitlines())
    r = verifier("", p)
    expect_rc(r, 0)
    r = verifier(text, p, "--ledger", "0" * 64)
    expect_rc(r, 1)
    expect_in("ledger_mismatch", r.out, "independent_verify with a wrong ledger")
    # A partial export verifies from its anchor: the ledger of position k-1
    # is what `store verify --to k-1` reports.
    k = n // 2 + 1
    a = zf("--db", "db", "store", "verify", "--to", str(k - 1), "--json")
    expect_rc(a, EXIT_OK)
    _, part = export_events("db", "--from", str(k))
    r = verifier(part, "--start", str(k), "--anchor", a.json()["ledger_hash"],
                 "--ledger", j["ledger_hash"])
    expect_rc(r, 0)


def test_export_stream():
    load_sample()
    stream = "clue/CL-2023-0001"
    want = [(x["command_id"], ev["type"]) for x in sample_requests()
            if x["stream"] == stream for ev in x["events"]]
    require(len(want) >= 2, "the sample has no multi-event %s" % stream)
    evs, text = export_events("db", "--stream", stream)
    check({e["stream"] for e in evs} == {stream},
          "export --stream returned streams %r" % {e["stream"] for e in evs})
    check([e["version"] for e in evs] == list(range(1, len(want) + 1)),
          "versions %r are not 1..%d" % ([e["version"] for e in evs],
                                         len(want)))
    check([(e["command_id"], e["type"]) for e in evs] == want,
          "export --stream events %r, expected %r"
          % ([(e["command_id"], e["type"]) for e in evs], want))
    all_evs, _ = export_events("db")
    check(evs == [e for e in all_evs if e["stream"] == stream],
          "export --stream differs from the stream's lines of the full export")
    check(all(b["prev_hash"] == a["hash"] for a, b in zip(evs, evs[1:])),
          "export --stream: prev_hash links broken")
    evs, _ = export_events("db", "--stream", "no/such-stream")
    check(evs == [], "export of an absent stream printed events")


def test_verify_json():
    j = load_sample()
    n = sample_event_count()
    r = zf("--db", "db", "store", "verify", "--json")
    expect_rc(r, EXIT_OK)
    v = r.json()
    check(v.get("ok") is True, "verify ok=%r" % v.get("ok"))
    check(v.get("events_checked") == n, "events_checked=%r, expected %d"
          % (v.get("events_checked"), n))
    check(v.get("findings") == [], "findings=%r" % v.get("findings"))
    check(v.get("from") == 1 and v.get("to") == n, "range %r..%r"
          % (v.get("from"), v.get("to")))
    check(v.get("ledger_hash") == j["ledger_hash"],
          "verify ledger %r != append ledger %r"
          % (v.get("ledger_hash"), j["ledger_hash"]))
    r = zf("--db", "db", "store", "verify", "--from", "3", "--to", "5",
           "--json")
    expect_rc(r, EXIT_OK)
    check(r.json().get("events_checked") == 3, "verify --from 3 --to 5 "
          "checked %r events" % r.json().get("events_checked"))
    # An empty store verifies, with the empty ledger head (§4).
    r = zf("--db", "empty", "store", "append", "--json", stdin=b"")
    expect_rc(r, EXIT_OK)
    check(r.json().get("ledger_hash") == "0" * 64,
          "an empty store's ledger is %r" % r.json().get("ledger_hash"))
    r = zf("--db", "empty", "store", "verify", "--json")
    expect_rc(r, EXIT_OK)
    check(r.json().get("events_checked") == 0, "empty store events_checked")


def _tamper_setup():
    find_ldb()
    j = load_sample()
    evs, _ = export_events("db")
    return j, evs


def test_tamper_hash():
    j, evs = _tamper_setup()
    target = evs[2]
    require(target["position"] == 3, "export line 3 is not position 3")
    r = ldb("--db=" + path("db"), "--column_family=events", "get",
            key_hex(3), "--key_hex", "--value_hex")
    require(r.rc == 0 and r.out.strip().startswith("0x"),
            "ldb get of position 3 failed: %s %s" % (r.out, r.err))
    value = bytearray.fromhex(r.out.strip()[2:])
    # Flip the case of the first letter of a string value inside data.
    data = json.dumps(target["data"], ensure_ascii=False,
                      separators=(",", ":"), sort_keys=True).encode("utf-8")
    at = value.find(data)
    require(at > 0, "the canonical data of position 3 is not in its value")
    i = data.find(b':"') + 2
    require(chr(data[i]).isalpha(), "no letter to flip in %r" % data[:40])
    value[at + i] ^= 0x20
    r = ldb("--db=" + path("db"), "--column_family=events", "put",
            "--key_hex", "--value_hex", key_hex(3), "0x" + value.hex().upper())
    require(r.rc == 0, "ldb put failed: %s %s" % (r.out, r.err))

    r = zf("--db", "db", "store", "verify", "--json")
    expect_rc(r, EXIT_FINDINGS)
    v = r.json()
    check(v.get("ok") is False, "verify ok=%r after tampering" % v.get("ok"))
    kinds = [(f.get("kind"), f.get("position"), f.get("stream"),
              f.get("version")) for f in v.get("findings", [])]
    check(("hash_mismatch", 3, target["stream"], target["version"]) in kinds,
          "no hash_mismatch at position 3 (%s v%d) in %r"
          % (target["stream"], target["version"], kinds))
    check(all(p == 3 for _, p, _, _ in kinds),
          "findings beyond position 3: %r" % kinds)
    r = zf("--db", "db", "--lang", "en", "store", "verify")
    expect_rc(r, EXIT_FINDINGS)
    expect_in("hash chain broken", r.out, "store verify (en) after tampering")
    expect_in("hash_mismatch position=3 stream=%s" % target["stream"], r.out,
              "store verify (en) after tampering")
    r = zf("--db", "db", "store", "verify")
    expect_rc(r, EXIT_FINDINGS)
    expect_in("哈希链异常", r.out, "store verify (zh) after tampering")

    _, text = export_events("db")
    r = verifier(text, "--ledger", j["ledger_hash"])
    expect_rc(r, 1)
    check(re.search(r"^position 3 stream %s version %d .*hash_mismatch"
                    % (re.escape(target["stream"]), target["version"]),
                    r.out, re.M) is not None,
          "independent_verify did not name position 3 hash_mismatch:\n%s"
          % r.out)
    # Only the tampered event is faulty; the links around it still hold.
    for line in r.out.splitlines():
        if ": " in line and not line.startswith(("events:", "ledger_hash:")):
            check(line.startswith("position 3 ") or "ledger_mismatch" in line,
                  "unexpected independent_verify problem: %s" % line)


def test_tamper_delete():
    j, evs = _tamper_setup()
    target = evs[3]
    require(target["position"] == 4, "export line 4 is not position 4")
    r = ldb("--db=" + path("db"), "--column_family=events", "delete",
            "--key_hex", key_hex(4))
    require(r.rc == 0, "ldb delete failed: %s %s" % (r.out, r.err))
    r = ldb("--db=" + path("db"), "--column_family=events", "get",
            key_hex(4), "--key_hex", "--value_hex")
    check(r.rc != 0 or not r.out.strip().startswith("0x"),
          "position 4 is still there after ldb delete")

    r = zf("--db", "db", "store", "verify", "--json")
    expect_rc(r, EXIT_FINDINGS)
    v = r.json()
    kinds = [(f.get("kind"), f.get("position"), f.get("stream"))
             for f in v.get("findings", [])]
    check(("position_gap", 4, target["stream"]) in kinds,
          "no position_gap at 4 naming stream %s in %r"
          % (target["stream"], kinds))
    check(v.get("events_checked") == len(evs) - 1, "events_checked=%r"
          % v.get("events_checked"))
    r = zf("--db", "db", "--lang", "en", "store", "verify")
    expect_rc(r, EXIT_FINDINGS)
    expect_in("position_gap position=4 stream=%s" % target["stream"], r.out,
              "store verify (en) after the delete")

    _, text = export_events("db")
    r = verifier(text, "--ledger", j["ledger_hash"])
    expect_rc(r, 1)
    check(re.search(r"position_gap: position 4 is missing", r.out)
          is not None, "independent_verify did not name the gap at 4:\n%s"
          % r.out)


def test_backup():
    j = load_sample()
    r = zf("--db", "db", "backup", "copy", "--json")
    expect_rc(r, EXIT_OK)
    b = r.json()
    check(b.get("ledger_hash") == j["ledger_hash"],
          "backup --json ledger %r != %r" % (b.get("ledger_hash"),
                                              j["ledger_hash"]))
    r = zf("--db", "db", "backup", "copy")
    expect_rc(r, EXIT_CONFLICT)
    expect_in("[already_exists]", r.err, "stderr of a second backup")
    r = zf("--db", "db", "--lang", "en", "backup", "copy2")
    expect_rc(r, EXIT_OK)
    expect_in("backup written", r.out, "backup (en)")
    expect_in(j["ledger_hash"], r.out, "backup (en)")

    r = zf("--db", "copy", "store", "verify", "--json")
    expect_rc(r, EXIT_OK)
    v = r.json()
    check(v.get("ok") is True and v.get("ledger_hash") == j["ledger_hash"],
          "backup verifies as %r, expected ledger %s" % (v, j["ledger_hash"]))
    check(v.get("events_checked") == sample_event_count(),
          "backup events_checked=%r" % v.get("events_checked"))
    _, a = export_events("db")
    _, c = export_events("copy")
    check(a == c, "the backup's export differs from the original's")
    # The copy is independent: appending to the original leaves it alone.
    r = zf("--db", "db", "store", "append", "--json", stdin=json.dumps(
        {"stream": "backup/after", "expected": "no_stream",
         "command_id": "backup-after", "events": [
             sample_requests()[0]["events"][0]]}, ensure_ascii=False) + "\n")
    expect_rc(r, EXIT_OK)
    _, c2 = export_events("copy")
    check(c2 == c, "appending to the original changed the backup")


def test_missing_store():
    missing = path("no", "such", "store")
    for args in (["export"], ["store", "verify"], ["log"]):
        r = zf("--db", missing, *args)
        expect_rc(r, EXIT_INVALID)
        expect_in(missing, r.err, "stderr of `%s` on a missing store"
                  % " ".join(args))
        expect_in("[not_found]", r.err, "stderr of `%s` on a missing store"
                  % " ".join(args))
        check(r.out == "", "stdout of `%s` on a missing store: %r"
              % (" ".join(args), r.out))
    check(not os.path.exists(missing), "a read of a missing store created it")
    r = zf("--db", "/nonexistent", "--lang", "en", "export")
    if not os.path.exists("/nonexistent"):
        expect_rc(r, EXIT_INVALID)
        expect_in("no event store at '/nonexistent'", r.err,
                  "stderr of export --db /nonexistent")
        # Chinese by default, naming the option as the field.
        r = zf("--db", "/nonexistent", "export")
        expect_rc(r, EXIT_INVALID)
        expect_in("'/nonexistent' 处没有事件库", r.err,
                  "stderr of export --db /nonexistent in Chinese")
        expect_in("=--db", r.err, "the field named by a missing store")
    r = zf("--db", "db", "store", "append", path("no-such-file.jsonl"))
    expect_rc(r, EXIT_INVALID)
    expect_in("no-such-file.jsonl", r.err, "stderr of append of a missing file")


def test_incomplete_store():
    """A store whose creation was interrupted is "incomplete" to reads and
    writes alike (exit 4), not "Column family not found" or corruption; a
    write neither finishes its families nor writes its format version again
    (issue 14 §5)."""
    # RocksDB's database made, none of zf's families (a create that died).
    r = ldb("--db=" + path("bare"), "--create_if_missing", "put", "k", "v")
    require(r.rc == 0, "ldb put: %s %s" % (r.out, r.err))
    for args in (["case", "list"], ["store", "verify"], ["import", calendar_file()]):
        r = zf("--db", "bare", *args)
        expect_rc(r, EXIT_REJECTED)
        expect_in("存储不完整（bare）：缺少 column families events, streams, commands, meta, "
                  "projections", r.err, " ".join(args))
        expect_not_in("Column family not found", r.err, " ".join(args))
    r = zf("--db", "bare", "--lang", "en", "import", calendar_file())
    expect_in("incomplete store at 'bare': column families events, streams, commands, meta, "
              "projections missing", r.err, "stderr (en)")
    r = ldb("--db=" + path("bare"), "list_column_families")
    check(r.rc == 0 and "events" not in r.out, "the import created families: " + r.out)
    # A store whose format version row is gone: refused, not rewritten.
    load_reference(files="01-*.jsonl")
    r = ldb("--db=" + path("db"), "--column_family=meta", "delete", "format_version")
    require(r.rc == 0, "ldb delete: %s %s" % (r.out, r.err))
    for args in (["case", "list"], ["import", calendar_file()], ["replay"]):
        r = zf("--db", "db", "--lang", "en", *args)
        expect_rc(r, EXIT_REJECTED)
        expect_in("incomplete store at 'db': meta/format_version missing", r.err, " ".join(args))
        expect_not_in("[corruption]", r.err, " ".join(args))
    r = ldb("--db=" + path("db"), "--column_family=meta", "get", "format_version")
    check(r.rc != 0, "a write put the format version back: %s" % r.out)
    # An empty directory is no store to read, and a store to create.
    os.mkdir(path("empty"))
    r = zf("--db", "empty", "case", "list")
    expect_rc(r, EXIT_INVALID)
    expect_in("[not_found]", r.err, "case list of an empty directory")
    expect_rc(zf("--db", "empty", "import", calendar_file()), EXIT_OK)


def test_independent_verify_selftest():
    """The verifier must catch each kind of damage to a good export."""
    j = load_sample()
    evs, text = export_events("db")
    lines = text.splitlines()
    import hashlib
    got = hashlib.new("sm3", b"abc").hexdigest()
    check(got == "66c7f0f462eeedd9d1f2d46bdc10e4e2"
          "4167c4875cf2f7a2297da02b8f4ba8e0",
          "hashlib SM3('abc') is %r (GB/T 32905 test vector)" % got)

    def mutated(fn):
        ls = [json.loads(l) for l in lines]
        ls = fn(ls)
        return "\n".join(x if isinstance(x, str) else
                         json.dumps(x, ensure_ascii=False,
                                    separators=(",", ":")) for x in ls) + "\n"

    def edit(i, key, value):
        def fn(ls):
            if isinstance(key, tuple):
                ls[i][key[0]][key[1]] = value
            else:
                ls[i][key] = value
            return ls
        return fn

    e2 = evs[1]
    cases = [
        ("data changed", edit(1, ("data", "name"), "x"), "hash_mismatch",
         "position 2 "),
        ("actor changed", edit(1, ("actor", "unit"), "x"), "hash_mismatch",
         "position 2 "),
        ("recorded_at changed",
         edit(1, "recorded_at", "2000-01-01T00:00:00.000000Z"),
         "hash_mismatch", "position 2 "),
        ("prev_hash detached", edit(1, "prev_hash", "0" * 64),
         "prev_hash_mismatch", "position 2 "),
        ("version bumped", edit(1, "version", e2["version"] + 1),
         "version_gap", "position 2 "),
        ("line dropped", lambda ls: ls[:1] + ls[2:], "position_gap",
         "position 3 "),
        ("lines swapped", lambda ls: [ls[1], ls[0]] + ls[2:],
         "position_order", "position 1 "),
        ("float in data", lambda ls: lines[:1] + [lines[1].replace(
            '"data":{', '"data":{"f":1.5,', 1)] + lines[2:],
         "invalid_field", "/data/f"),
        ("occurred_at without offset",
         edit(1, "occurred_at", "2022-05-01T09:00:00"),
         "invalid_field", "/occurred_at"),
        ("unknown field", edit(1, "extra", 1), "invalid_field", "/extra"),
        ("duplicate key", lambda ls: lines[:1] + [lines[1].replace(
            '"data":{', '"data":{"a":1,"a":2,', 1)] + lines[2:],
         "undecodable", "line 2"),
        ("uppercase hash", edit(1, "hash", e2["hash"].upper()),
         "invalid_field", "/hash"),
        ("last line dropped", lambda ls: ls[:-1], "ledger_mismatch", ""),
    ]
    for name, fn, kind, where in cases:
        r = verifier(mutated(fn), "--ledger", j["ledger_hash"])
        check(r.rc == 1, "independent_verify passed (exit %d) an export with "
              "%s" % (r.rc, name))
        hit = [l for l in r.out.splitlines() if kind in l and where in l]
        check(hit, "independent_verify did not report %s at %r for %s:\n%s"
              % (kind, where, name, r.out))
    # Unchanged, via the same re-serialisation: clean.
    r = verifier(mutated(lambda ls: ls), "--ledger", j["ledger_hash"])
    expect_rc(r, 0)
    # Canonical JSON details (§2) on a hand-made value.
    sys.path.insert(0, HERE)
    import independent_verify as iv
    got = iv.canon_json({"b": [1, -2, True, None], "a": "\"\\\b\f\n\r\t\x01/\x7f高",
                         "é": 0, "~": 18446744073709551615,
                         "\uffff": 1, "\U0001F600": 2, "": -9223372036854775808})
    want = ('{"":-9223372036854775808,"a":"\\"\\\\\\b\\f\\n\\r\\t\\u0001/\x7f高",'
            '"b":[1,-2,true,null],"~":18446744073709551615,"é":0,"\uffff":1,'
            '"\U0001F600":2}').encode("utf-8")
    check(got == want, "canon_json: %r != %r" % (got, want))


# --- The engine: commands through import, and the legal clock ---------------

def calendar_file():
    return os.path.join(os.path.dirname(SAMPLE), "01-calendar.jsonl")


def calendar_lines():
    with open(calendar_file(), encoding="utf-8") as f:
        return [l for l in f.read().split("\n") if l.strip()]


def test_import_commands():
    n = len(calendar_lines())
    r = zf("--db", "db", "--json", "import", calendar_file())
    expect_rc(r, 0)
    got = json.loads(r.out)
    check(got["applied"] == n and got["rejected"] == 0, "first import: %r" % got)
    r = zf("--db", "db", "--json", "import", calendar_file())
    expect_rc(r, 0)
    got = json.loads(r.out)
    check(got["applied"] == 0 and got["already_applied"] == n, "re-run: %r" % got)
    # A rule refuses an identical re-publication: exit 4, code and legal basis.
    again = json.loads(calendar_lines()[1])
    again["command_id"] = "calendar-2023-again"
    r = zf("--db", "db", "import", write_lines("again.jsonl", [json.dumps(again)]))
    expect_rc(r, 4)
    expect_in("calendar_unchanged", r.err, "stderr")
    expect_in("行 1", r.err, "stderr")
    # A schema violation on line 2: line 1 applied, exit 3 naming the field.
    good = json.loads(calendar_lines()[0])
    good["command_id"] = "fresh-1"
    bad = json.loads(calendar_lines()[0])
    bad["command_id"] = "fresh-2"
    bad["data"]["holidays"][0] = "2022/01/01"
    r = zf("--db", "db2", "--lang", "en", "import",
           write_lines("bad.jsonl", [json.dumps(good), json.dumps(bad)]))
    expect_rc(r, 3)
    expect_in("line 2", r.err, "stderr")
    expect_in("field=/data/holidays/0", r.err, "stderr")
    exported = zf("--db", "db2", "export")
    check(exported.out.count("\n") == 1, "only line 1 applied:\n" + exported.out)
    r = zf("--db", "db2", "import", write_lines("unknown.jsonl",
           ['{"command":"pardon_everyone","command_id":"x","at":"2023-01-01T00:00:00Z",'
            '"actor":{"id":"a","role":"b","unit":"c"},"data":{}}']))
    expect_rc(r, 3)
    expect_in("/command", r.err, "stderr")


def test_calendar_due():
    expect_rc(zf("--db", "db", "import", calendar_file()), 0)
    r = zf("--db", "db", "--json", "calendar", "due", "--from", "2023-09-27",
           "--working-days", "5")
    expect_rc(r, 0)
    check(json.loads(r.out).get("due") == "2023-10-10", "scenario 7: " + r.out)
    r = zf("--db", "db", "calendar", "due", "--from", "2024-03-04", "--days", "15")
    expect_rc(r, 0)
    expect_in("2024-03-19", r.out, "stdout")
    r = zf("--db", "db", "calendar", "due", "--from", "2023-01-31", "--months", "1")
    expect_in("2023-02-28", r.out, "stdout")
    r = zf("--db", "db", "calendar", "due", "--from", "2026-03-04", "--working-days", "3")
    expect_rc(r, 4)
    expect_in("2026", r.err, "stderr")
    expect_rc(zf("--db", "db", "calendar", "due", "--from", "2023-09-27", "--days", "1",
                 "--months", "1"), 2)
    expect_rc(zf("--db", "db", "calendar", "due", "--from", "2023-02-30", "--days", "1"), 3)
    expect_rc(zf("--db", "nowhere", "calendar", "due", "--from", "2023-09-27", "--days", "1"), 3)
    # As of 2023-10-24 the 2024 arrangements (published 2023-10-25) were not out yet: a
    # working-day period into 2024 cannot be computed then, and can the day after.
    r = zf("--db", "db", "calendar", "due", "--from", "2023-12-28", "--working-days", "5",
           "--as-of", "2023-10-24")
    expect_rc(r, 4)
    expect_in("2024", r.err, "stderr")
    r = zf("--db", "db", "--json", "calendar", "due", "--from", "2023-12-28", "--working-days", "5",
           "--as-of", "2023-10-25")
    expect_rc(r, 0)
    check(json.loads(r.out).get("due") == "2024-01-05", "as of 2023-10-25: " + r.out)
    expect_rc(zf("--db", "db", "calendar", "due", "--from", "2023-12-28", "--days", "5",
                 "--as-of", "2023-13-01"), 3)


def sample_file(name):
    return os.path.join(os.path.dirname(SAMPLE), name)


def load_reference(db="db", files="0[1-6]-*.jsonl"):
    """Imports the sample reference data (01..06) or, with files, more of
    examples/shaxian in sorted order (07.. are the generated year of cases).
    A new store is a copy of one imported once (tests/support/store_cache.py);
    an existing store imports."""
    import glob
    sources = sorted(glob.glob(os.path.join(os.path.dirname(SAMPLE), files)))

    def import_into(target):
        for f in sources:
            r = zf("--db", target, "import", f)
            require(r.rc == 0, "import %s exited %d: %s" % (f, r.rc, r.err.strip()[:400]))

    if os.path.exists(path(db)):
        import_into(db)
        return
    copy_of_imported(ZFCLI, sources, path(db), import_into)


def test_rules_competent():
    load_reference()
    r = zf("--db", "db", "rules", "competent", "--power", "SAFE-017", "--township", "gaosha",
           "--as-of", "2023-03-01")
    expect_rc(r, 0)
    expect_in("gaosha", r.out, "stdout")
    expect_in("delegated_accepted_claimed", r.out, "stdout")
    # Delegated but not accepted by 青州镇: the department stays competent (scenario 6).
    r = zf("--db", "db", "--lang", "en", "rules", "competent", "--power", "SAFE-017",
           "--township", "qingzhou", "--as-of", "2023-03-01")
    expect_rc(r, 0)
    expect_in("sx-emergency", r.out, "stdout")
    expect_in("delegated_not_accepted", r.out, "stdout")
    # The legal basis in the chosen language (issue 18), both in --json.
    basis = [l for l in r.out.splitlines() if l.startswith("legal basis")]
    check(len(basis) == 1 and "APL art. 22 (territorial jurisdiction)" in basis[0]
          and "not accepted by the township" in basis[0] and "APL art. 38" in basis[0]
          and not _HAN.search(basis[0]), "the English basis: %r" % basis)
    r = zf("--db", "db", "rules", "competent", "--power", "SAFE-017", "--township", "qingzhou",
           "--as-of", "2023-03-01")
    expect_in("《中华人民共和国行政处罚法》第二十二条（地域管辖）", r.out, "the Chinese basis")
    expect_in("未承接", r.out, "the Chinese basis")
    got = json.loads(zf("--db", "db", "--json", "rules", "competent", "--power", "SAFE-017",
                        "--township", "gaosha", "--as-of", "2023-03-01").out)
    check(got["legal_basis"] == got["legal_basis_zh"]
          and got["legal_basis_zh"].startswith("《中华人民共和国行政处罚法》第二十四条")
          and got["legal_basis_en"].startswith("APL art. 24") and "power list SAFE-017 v" in
          got["legal_basis_en"] and not _HAN.search(got["legal_basis_en"].split("(", 2)[0]),
          "both bases in --json: %r" % got)
    r = zf("--db", "db", "--json", "rules", "competent", "--power", "URBAN-010",
           "--township", "fenggang", "--as-of", "2023-09-01")
    expect_rc(r, 0)
    got = json.loads(r.out)
    check(got.get("subject") is None and got.get("reason") == "item_withdrawn", "withdrawn: %r" % got)
    r = zf("--db", "db", "rules", "competent", "--power", "SAFE-999", "--township", "gaosha")
    expect_rc(r, 3)
    expect_in("item_code", r.err, "stderr")


def test_rules_show():
    load_reference()
    before = zf("--db", "db", "--json", "rules", "show", "--power", "MARKET-007",
                "--as-of", "2023-06-30")
    after = zf("--db", "db", "--json", "rules", "show", "--power", "MARKET-007",
               "--as-of", "2023-07-01")
    expect_rc(before, 0)
    expect_rc(after, 0)
    check(json.loads(before.out)[0]["version"] == 1, "as of 2023-06-30: " + before.out[:300])
    check(json.loads(after.out)[0]["version"] == 2, "as of 2023-07-01: " + after.out[:300])
    eco = json.loads(zf("--db", "db", "--json", "rules", "show", "--subject", "sx-eco",
                        "--as-of", "2023-03-01").out)
    check(len(eco) > 0 and all(t["reason"] == "not_delegated"
                               for item in eco for t in item["by_township"]),
          "sx-eco items are not delegated")
    r = zf("--db", "db", "rules", "show", "--power", "SAFE-017")
    expect_rc(r, 0)
    expect_in("生产经营单位未建立特种作业人员档案", r.out, "stdout")
    expect_rc(zf("--db", "missing", "rules", "show"), 3)


def case_commands():
    """Two clues in 高砂镇 and one in 凤岗街道; the first is filed on 2023-09-14."""
    officer = {"id": "SX-OF-0103", "role": "enforcement_officer", "unit": "gaosha"}
    def clue(cid, at, township, item=None, party=None):
        data = {"source": "inspection", "township": township, "description": "现场检查发现",
                "discovered_on": at[:10]}
        if item:
            data["item_code"] = item
        if party:
            data["party"] = {"id": party, "name": "沙县某机械制造有限公司", "category": "organisation"}
        unit = officer if township == "gaosha" else {"id": "SX-OF-0094", "role": "enforcement_officer",
                                                      "unit": township}
        return {"command": "register_clue", "command_id": "cli-" + cid, "at": at, "actor": unit,
                "case_id": cid, "data": data}
    return [json.dumps(c, ensure_ascii=False) for c in [
        clue("SX-T-001", "2023-09-12T09:00:00+08:00", "gaosha", "SAFE-017", "91350427MA0000001X"),
        clue("SX-T-002", "2023-09-20T09:00:00+08:00", "gaosha"),
        clue("SX-T-003", "2023-10-09T09:00:00+08:00", "fenggang"),
        {"command": "file_case", "command_id": "cli-file-1", "at": "2023-09-14T09:00:00+08:00",
         "actor": officer, "case_id": "SX-T-001",
         "data": {"handlers": ["SX-OF-0102", "SX-OF-0103"], "approved_by": "SX-OF-0132"}},
    ]]


def test_permissions():
    """Who acts (issue 14 §3): under the sample's permission matrix, exec,
    import and import --dry-run refuse an unknown officer, a role not held,
    another unit and a role the matrix does not grant, with the same code;
    an --as-actor read is checked the same way."""
    load_reference()
    base = json.loads(case_commands()[0])

    def with_actor(cid, actor_id, role, unit):
        c = dict(base, command_id="perm-" + cid, case_id=cid)
        c["actor"] = {"id": actor_id, "role": role, "unit": unit}
        return json.dumps(c, ensure_ascii=False)

    cases = [("SX-P-001", "NOBODY-1", "enforcement_officer", "gaosha", "unknown_officer"),
             ("SX-P-002", "SX-OF-0103", "agency_head", "gaosha", "role_not_held"),
             ("SX-P-003", "SX-OF-0103", "enforcement_officer", "fenggang", "not_in_unit"),
             ("SX-P-004", "SX-OF-0134", "hearing_officer", "gaosha", "role_not_permitted")]
    for cid, actor_id, role, unit, code in cases:
        line = with_actor(cid, actor_id, role, unit)
        r = zf("--db", "db", "exec", line)
        expect_rc(r, EXIT_REJECTED)
        expect_in(code, r.err, "exec by %s/%s/%s" % (actor_id, role, unit))
        f = write_lines("perm-%s.jsonl" % cid, [line])
        r = zf("--db", "db", "--json", "import", "--dry-run", f)
        expect_in(code, r.out + r.err, "import --dry-run by %s/%s" % (actor_id, role))
        r = zf("--db", "db", "import", f)
        check(r.rc != 0, "import by %s/%s exited 0" % (actor_id, role))
        expect_in(code, r.out + r.err, "import by %s/%s" % (actor_id, role))
    # The township's brigade is the captain's unit too.
    r = zf("--db", "db", "exec", with_actor("SX-P-005", "SX-OF-0102", "brigade_captain",
                                            "gaosha-brigade"))
    expect_rc(r, EXIT_OK)
    # Recorded reads.
    r = zf("--db", "db", "case", "show", "SX-P-005", "--as-actor", "NOBODY-1", "--role",
           "case_reviewer", "--unit", "sx-justice")
    expect_rc(r, EXIT_REJECTED)
    expect_in("unknown_officer", r.err, "stderr of a read by an unknown officer")
    r = zf("--db", "db", "case", "show", "SX-P-005", "--as-actor", "SX-OF-0202", "--role",
           "case_reviewer", "--unit", "gaosha")
    expect_rc(r, EXIT_REJECTED)
    expect_in("not_in_unit", r.err, "stderr of a read for another unit")
    expect_rc(zf("--db", "db", "case", "show", "SX-P-005", "--as-actor", "SX-OF-0202", "--role",
                 "case_reviewer", "--unit", "sx-justice"), EXIT_OK)
    r = zf("--db", "db", "--json", "access", "--case", "SX-P-005")
    expect_rc(r, EXIT_OK)
    check(len(json.loads(r.out)) == 1, "only the permitted read is recorded: %s" % r.out[:300])


def test_case_queries():
    load_reference()
    expect_rc(zf("--db", "db", "import", write_lines("cases.jsonl", case_commands())), 0)
    r = zf("--db", "db", "--json", "case", "list", "--township", "gaosha")
    expect_rc(r, 0)
    docket = json.loads(r.out)
    check([c["case_id"] for c in docket] == ["SX-T-001", "SX-T-002"], "gaosha docket: " + r.out)
    check(docket[0]["state"] == "filed" and docket[0]["handling_subject"] == "gaosha"
          and docket[0]["area"] == "area-2", "filed case: %r" % docket[0])
    filed = json.loads(zf("--db", "db", "--json", "case", "list", "--state", "filed").out)
    check([c["case_id"] for c in filed] == ["SX-T-001"], "filed docket")
    area = json.loads(zf("--db", "db", "--json", "case", "list", "--area", "area-2").out)
    check("SX-T-003" not in [c["case_id"] for c in area], "fenggang is not in area-2")
    # Time travel by replay: on 2023-09-13 one clue, not yet filed; at position N the log as recorded.
    then = json.loads(zf("--db", "db", "--json", "case", "list", "--as-of", "2023-09-13").out)
    check([(c["case_id"], c["state"]) for c in then] == [("SX-T-001", "registered")],
          "as of 2023-09-13: %r" % then)
    r = zf("--db", "db", "--json", "case", "show", "SX-T-001", "--as-of", "2023-09-13T23:00:00+08:00")
    expect_rc(r, 0)
    check(json.loads(r.out)["state"] == "registered", "show as of: " + r.out[:200])
    r = zf("--db", "db", "--json", "case", "show", "SX-T-001")
    expect_rc(r, 0)
    view = json.loads(r.out)
    check(view["filing"]["handlers"] == ["SX-OF-0102", "SX-OF-0103"], "handlers: %r" % view)
    check(view["handling_subject_name"] == "三明市沙县区高砂镇人民政府", "name: %r" % view)
    check([e["type"] for e in view["timeline"]] == ["clue_registered", "case_filed"], "timeline")
    r = zf("--db", "db", "case", "show", "SX-T-001")
    expect_rc(r, 0)
    expect_in("已立案", r.out, "stdout")
    expect_in("高砂镇人民政府", r.out, "stdout")
    r = zf("--db", "db", "--lang", "en", "case", "show", "SX-T-001")
    expect_in("filed", r.out, "stdout")
    r = zf("--db", "db", "--json", "case", "history", "SX-T-001")
    expect_rc(r, 0)
    events = json.loads(r.out)
    check([e["version"] for e in events] == [1, 2] and events[1]["type"] == "case_filed", "history")
    expect_rc(zf("--db", "db", "case", "show", "SX-NOPE"), 3)
    expect_rc(zf("--db", "db", "case", "history", "SX-NOPE"), 3)
    expect_rc(zf("--db", "db", "case", "show", "SX-T-001", "--as-of", "yesterday"), 3)
    expect_rc(zf("--db", "db", "case", "show"), 2)


def test_import_modes():
    load_reference()
    good = case_commands()
    bad_json = '{"command": "register_clue",'
    bad_rule = repeated_clue("cli-bad-rule")
    mixed = write_lines("mixed.jsonl", [good[0], bad_json, good[1], bad_rule, good[2]])
    log_position = lambda: len(zf("--db", "db", "--json", "export").out.splitlines())
    before = log_position()
    # --dry-run: judged, nothing written; a later line sees the earlier ones.
    r = zf("--db", "db", "--json", "import", "--dry-run", write_lines("good.jsonl", good))
    expect_rc(r, 0)
    summary = json.loads(r.out)
    check(summary["applied"] == 4 and summary["dry_run"], "dry run summary: " + r.out)
    check(log_position() == before, "dry run wrote nothing")
    # --atomic: one bad line and nothing is applied.
    r = zf("--db", "db", "--json", "import", "--atomic", mixed)
    expect_rc(r, 3)
    check(log_position() == before, "atomic import with a bad line wrote nothing")
    # Default: stops at the first bad line, keeps what came before it.
    r = zf("--db", "db", "--json", "import", mixed)
    expect_rc(r, 3)
    check(json.loads(r.out)["applied"] == 1, "stopped at line 2: " + r.out)
    # --keep-going: every bad line reported, the good ones applied; exit code of the first failure.
    r = zf("--db", "db", "--json", "import", "--keep-going", mixed)
    expect_rc(r, 3)
    summary = json.loads(r.out)
    check(summary["applied"] == 2 and summary["already_applied"] == 1 and summary["invalid"] == 1
          and summary["rejected"] == 1 and summary["rejected_by_code"] == {"case_exists": 1},
          "keep going: " + r.out)
    expect_in("2", r.err, "stderr names line 2")
    expect_in("case_exists", r.err, "stderr names the rejection")
    check("\r" not in r.err, "no progress bar when stderr is not a terminal")
    expect_rc(zf("--db", "db", "import", "--keep-going", "--atomic", mixed), 2)


def test_import_error_order():
    """Issue 17: errors come in file order. A rejection on line 2 ends the
    run before the parse error on line 3 is read out (exit 4, not 3);
    with --keep-going both are reported, line 2 first, and with a large
    --commit-every and read-ahead the order is the same."""
    load_reference()
    good = case_commands()
    bad_rule = repeated_clue("order-bad-rule")
    f = write_lines("order.jsonl", [good[0], bad_rule, '{"command": broken', good[1]])
    r = zf("--db", "db", "--json", "import", f)
    expect_rc(r, 4)
    summary = json.loads(r.out)
    check(summary["applied"] == 1 and summary["rejected"] == 1 and summary["invalid"] == 0,
          "stopped at line 2, line 3 never reached: " + r.out)
    check("case_exists" in r.err and "syntax" not in r.err,
          "only line 2 reported: " + r.err)
    for extra in ([], ["--read-ahead", "0"], ["--commit-every", "4096"]):
        r = zf("--db", "db", "--lang", "en", "import", "--keep-going", f, *extra)
        expect_rc(r, 4)
        lines = [l for l in r.err.splitlines() if l.startswith("line ")]
        check([l.split(":")[0] for l in lines] == ["line 2", "line 3"],
              "file order with %r: %r" % (extra, lines))


def test_import_encodings():
    """Issue 17: a leading UTF-8 byte-order mark is accepted; a file in
    GB18030 is named as such, with the iconv command to convert it; a BOM
    inside the file is named."""
    load_reference()
    good = case_commands()
    bom = path("bom.jsonl")
    with open(bom, "wb") as f:
        f.write(b"\xef\xbb\xbf" + good[0].encode("utf-8") + b"\n")
    r = zf("--db", "db", "--json", "import", bom)
    expect_rc(r, EXIT_OK)
    check(json.loads(r.out)["applied"] == 1, "a leading BOM is accepted: " + r.out)
    gb = path("gb.jsonl")
    with open(gb, "wb") as f:
        f.write(good[1].encode("gb18030") + b"\n")
    check("\u9ad8" in good[1] or any(ord(c) > 0x7f for c in good[1]), "the line has Chinese")
    r = zf("--db", "db", "--lang", "en", "import", gb)
    expect_rc(r, EXIT_INVALID)
    expect_in("not UTF-8", r.err, "the encoding is the problem")
    expect_in("GB18030", r.err, "GB18030 named")
    expect_in("iconv -f GB18030 -t UTF-8", r.err, "the conversion suggested")
    inner = path("inner-bom.jsonl")
    with open(inner, "wb") as f:
        f.write(good[1].encode("utf-8") + b"\n\xef\xbb\xbf" + good[2].encode("utf-8") + b"\n")
    r = zf("--db", "db", "--lang", "en", "import", inner)
    expect_rc(r, EXIT_INVALID)
    expect_in("line 2", r.err, "the line with the BOM")
    expect_in("byte-order mark", r.err, "a BOM inside the file is named")


def _read_with_error_after(argv, text):
    """Runs zfcli with stdin a socket that yields `text` and then fails with
    ECONNRESET (its peer closed with data of its own unread): a read error
    in the middle of the input, as a failing disk gives one."""
    import socket
    mine, theirs = socket.socketpair()
    try:
        theirs.sendall(b"x")          # left unread in `mine`: closing it resets `theirs`
        mine.sendall(text.encode("utf-8"))
        mine.close()
        e = dict(os.environ)
        e.pop("ZF_DB", None)
        p = subprocess.run([ZFCLI] + argv, stdin=theirs.fileno(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd=TMP, env=e, timeout=60 * TIMEOUT_SCALE)
    finally:
        theirs.close()
    r = Run([ZFCLI] + argv, p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))
    TRANSCRIPT.append("$ %s <socket that fails>\n  -> exit %d\n  stdout: %s\n  stderr: %s"
                      % (" ".join(argv), r.rc, r.out.strip()[:600], r.err.strip()[:600]))
    return r


def test_import_read_errors():
    """A read error is not the end of the file (issue 14 §5): a directory is
    refused (exit 3) and an I/O error fails the import (exit 1), keeping the
    lines read before it (none with --atomic)."""
    load_reference()
    os.mkdir(path("adir"))
    log_position = lambda: len(zf("--db", "db", "--json", "export").out.splitlines())
    before = log_position()
    for args, what in ((["import", "adir"], "import"), (["store", "append", "adir"], "store append"),
                       (["import", "--dry-run", "adir"], "import --dry-run"),
                       (["dossier", "verify", "adir"], "dossier verify")):
        r = zf("--db", "db", *args)
        expect_rc(r, EXIT_INVALID)
        expect_in("“adir”是目录，不是文件", r.err, "stderr of %s of a directory" % what)
        expect_not_in("已写入", r.out, "stdout of %s of a directory" % what)
    r = zf("--db", "db", "--lang", "en", "import", "adir")
    expect_in("'adir' is a directory, not a file [invalid_argument]", r.err, "stderr (en)")
    # Nothing was created for it either.
    expect_rc(zf("--db", "new", "store", "append", "adir"), EXIT_INVALID)
    check(not os.path.exists(path("new")), "store append of a directory created a store")
    # /proc/self/mem opens, and its first read fails (EIO).
    for args in (["import", "/proc/self/mem"], ["import", "--read-ahead", "0", "/proc/self/mem"],
                 ["store", "append", "/proc/self/mem"], ["dossier", "verify", "/proc/self/mem"]):
        r = zf("--db", "db", "--lang", "en", *args)
        expect_rc(r, EXIT_STORAGE)
        expect_in("reading '/proc/self/mem' failed: Input/output error", r.err, " ".join(args))
        expect_in("[io_error]", r.err, " ".join(args))
    check(log_position() == before, "the failed reads stored something")

    # An error after two lines: those two apply, the import fails, the
    # summary says so; nothing with --atomic. The same on both read paths.
    lines = case_commands()
    text = lines[0] + "\n" + lines[1] + "\n" + lines[2][:40]   # the third cut by the error
    r = _read_with_error_after(["--db", "db", "--json", "import", "--atomic", "-"], text)
    expect_rc(r, EXIT_STORAGE)
    check(json.loads(r.out)["applied"] == 0 and not json.loads(r.out)["ok"], "atomic: " + r.out)
    check(log_position() == before, "an atomic import cut by a read error stored something")
    for extra in ([], ["--read-ahead", "0"]):
        r = _read_with_error_after(["--db", "db", "--lang", "en", "--json", "import"] + extra + ["-"],
                                   text)
        expect_rc(r, EXIT_STORAGE)
        expect_in("reading 'stdin' failed after line 2: Connection reset by peer", r.err,
                  "stderr of an import cut by a read error")
        summary = json.loads(r.out)
        check(summary["ok"] is False and summary["invalid"] == 0, "summary: " + r.out)
        check(summary["applied"] + summary["already_applied"] == 2, "two lines applied: " + r.out)
    check(log_position() == before + 2, "the two lines before the error are stored")
    r = zf("--db", "db", "--json", "case", "list")
    check([c["case_id"] for c in r.json()] == ["SX-T-001", "SX-T-002"], "cases: " + r.out)
    # store append reads with std::getline: the same rule.
    reqs = sample_lines()[:2]
    r = _read_with_error_after(["--db", "raw", "--lang", "en", "store", "append", "-"],
                               "\n".join(reqs) + "\n")
    expect_rc(r, EXIT_STORAGE)
    expect_in("reading 'stdin' failed after line 2", r.err, "store append cut by a read error")


def test_impossible_dates():
    """A date field's value of the date's form that is no calendar date is
    invalid input (exit 3) naming the field and the rule, in exec, import
    and --dry-run alike, for whichever date field holds it; before, one
    was exit 1 [internal] and others were stored (issue 14 §5)."""
    load_reference()
    lines = case_commands()
    for field, day, rule in (("discovered_on", "2024-02-30", "day 30 is not valid for 2024-02"),
                             ("discovered_on", "2024-13-45", "month 13 is out of range 01-12"),
                             ("discovered_on", "0000-00-00", "year 0000 is out of range"),
                             ("act_ended_on", "2023-02-29", "day 29 is not valid for 2023-02")):
        c = json.loads(lines[0])
        c["command_id"] = "cli-bad-" + day
        c["at"] = "2024-03-01T09:00:00+08:00"
        c["data"][field] = day
        text = json.dumps(c, ensure_ascii=False)
        where = "/data/" + field
        for args in (["exec", text], ["import", write_lines("bad.jsonl", [text])],
                     ["import", "--dry-run", path("bad.jsonl")]):
            what = " ".join(args[:2]) + " " + field
            r = zf("--db", "db", "--lang", "en", *args)
            expect_rc(r, EXIT_INVALID)
            expect_in(where + ": not a calendar date", r.err, what)
            expect_in(rule, r.err, what)
            expect_in("[invalid_argument] field=" + where, r.err, what)
            expect_not_in("internal", r.err, what)
    r = zf("--db", "db", "--json", "case", "list")
    check(r.json() == [], "an impossible date stored a case: " + r.out)
    # The same command with real dates is applied.
    c = json.loads(lines[0])
    c["data"]["act_ended_on"] = "2023-09-11"
    expect_rc(zf("--db", "db", "exec", json.dumps(c, ensure_ascii=False)), EXIT_OK)


def test_import_store_limits():
    """A line the store would refuse (issue 14 §1) is an invalid line like
    any other: named by its file line, the same in --dry-run, skipped by
    --keep-going, and it costs no other line."""
    load_reference()
    officer = {"id": "SX-OF-0103", "role": "enforcement_officer", "unit": "gaosha"}

    def clue(n, actor=officer):
        c = {"command": "register_clue", "command_id": "lim-%03d" % n,
             "at": "2023-09-12T09:00:00+08:00", "actor": actor, "case_id": "SX-L-%03d" % n,
             "data": {"source": "inspection", "township": "gaosha",
                      "description": "现场检查发现", "discovered_on": "2023-09-12"}}
        if n == 1:  # a case an on-spot decision can be made on
            c["data"]["item_code"] = "SAFE-017"
            c["data"]["party"] = {"id": "91350427MA0000001X", "name": "沙县某机械制造有限公司",
                                  "category": "organisation"}
        return c
    deep = "leaf"
    for _ in range(40):
        deep = {"a": deep}
    on_spot = {"command": "issue_on_spot_decision", "command_id": "lim-deep",
               "at": "2023-09-12T10:00:00+08:00", "actor": officer, "case_id": "SX-L-001",
               "data": {"document_number": "高当罚〔2023〕1号", "officers": ["SX-OF-0102", "SX-OF-0103"],
                        "credentials_shown": True, "statement_heard": True,
                        "penalty_types": ["warning"], "fine_fen": 0, "delivery": "on_spot",
                        "facts": {"x": deep}}}
    bad = {5: clue(5, dict(officer, id="SX-OF-\u00010103")),
           300: on_spot,
           520: clue(520, dict(officer, role="r" * 200))}
    lines = []
    for n in range(1, 601):
        lines.append(json.dumps(bad.get(n, clue(n)), ensure_ascii=False))
    f = write_lines("limits.jsonl", lines)
    good = 600 - len(bad)
    fields = {5: "/actor/id", 300: "/data/facts/x/a", 520: "/actor/role"}

    def bad_lines(err):  # --json: one JSON error per line of stderr
        parsed = [json.loads(l) for l in err.splitlines() if l.strip()]
        return {n: [json.dumps(e, ensure_ascii=False) for e in parsed if e.get("line") == n]
                for n in bad}

    dry = zf("--db", "db", "--lang", "en", "--json", "import", "--dry-run", "--keep-going", f)
    expect_rc(dry, 3)
    summary = json.loads(dry.out)
    check(summary["applied"] == good and summary["invalid"] == len(bad) and summary["dry_run"],
          "dry run: " + dry.out)
    dry_lines = bad_lines(dry.err)
    for n, field in fields.items():
        check(len(dry_lines[n]) == 1 and field in dry_lines[n][0]
              and "invalid_argument" in dry_lines[n][0],
              "dry run names line %d, its field %s and the code: %s" % (n, field, dry.err[:800]))
    check("atomic batch" not in dry.err, "no batch request numbers: " + dry.err[:400])

    # Without --keep-going: the lines before the first bad one stay applied.
    r = zf("--db", "db", "--lang", "en", "--json", "import", f)
    expect_rc(r, 3)
    check(json.loads(r.out)["applied"] == 4, "stopped at line 5 with 4 applied: " + r.out)
    check([json.loads(l)["line"] for l in r.err.splitlines()] == [5], "stderr: " + r.err)

    r = zf("--db", "db", "--lang", "en", "--json", "import", "--keep-going", f)
    expect_rc(r, 3)
    summary = json.loads(r.out)
    check(summary["applied"] == good - 4 and summary["already_applied"] == 4
          and summary["invalid"] == len(bad), "keep going: " + r.out)
    real_lines = bad_lines(r.err)
    for n in bad:
        check(real_lines[n] == dry_lines[n],
              "line %d: the same error as in the dry run:\n    %s\n    %s"
              % (n, real_lines[n], dry_lines[n]))
    check("atomic batch" not in r.err, "no batch request numbers: " + r.err[:400])
    # Every good line is in the store, and none of the bad ones.
    cases = json.loads(zf("--db", "db", "--json", "case", "list").out)
    ids = {c["case_id"] for c in cases}
    check(all(("SX-L-%03d" % n in ids) == (n not in bad) for n in range(1, 601)),
          "the good lines' cases and no bad line's: %d cases" % len(ids))
    # Line 300 is refused for its depth alone: with shallow facts the same
    # decision applies (before issue 14 the deep one was decided too, and
    # the store refused it with the 4,095 lines around it).
    on_spot["data"]["facts"] = {"x": {"a": "leaf"}}
    expect_rc(zf("--db", "db", "exec", json.dumps(on_spot, ensure_ascii=False)), 0)


def _export_without_times(db):
    """The log without what depends on the wall clock (recorded_at, and the
    hashes over it): what an import decided, in order."""
    events, _ = export_events(db)
    for e in events:
        for key in ("recorded_at", "prev_hash", "hash"):
            e.pop(key, None)
    return events


def _import_same_everywhere(lines, extra, what):
    """Imports `lines` (joined with newlines, no final one) into fresh stores
    with each read-ahead (0 = every line read when the engine wants it, as a
    plain loop does), from stdin and with writes of one and of three batches
    (--commit-every); every run must give the same exit code, output and
    log. Returns the first run and its log."""
    text = "\n".join(lines)
    f = path("mixed-%s.jsonl" % what)
    with open(f, "w", encoding="utf-8") as out:
        out.write(text)
    if not os.path.isdir(path("db-reference")):
        load_reference("db-reference")
    runs = []
    for i, (source, more) in enumerate([(f, ["--read-ahead", "0"]), (f, []),
                                        (f, ["--read-ahead", "1"]),
                                        (f, ["--read-ahead", "100", "--commit-every", "256"]),
                                        ("-", ["--commit-every", "768"])]):
        db = "db-%s-%d" % (what, i)
        shutil.copytree(path("db-reference"), path(db))
        args = ["--db", db, "--lang", "en", "--json", "import", source] + extra + more
        r = zf(*args, stdin=text if source == "-" else None)
        runs.append((r, _export_without_times(db), "%s %s" % (source, " ".join(more))))
    first, first_log, first_how = runs[0]
    for r, log, how in runs[1:]:
        check(r.rc == first.rc, "%s: %s exited %d, %s %d" % (what, how, r.rc, first_how, first.rc))
        check(r.out == first.out, "%s: %s printed %r, %s %r" % (what, how, r.out, first_how, first.out))
        check(r.err == first.err, "%s: %s reported\n%s\n%s reported\n%s"
              % (what, how, r.err[:2000], first_how, first.err[:2000]))
        check(log == first_log, "%s: %s stored another log than %s" % (what, how, first_how))
    return first, first_log


def test_import_read_ahead():
    """Lines are parsed and checked ahead of the engine on another thread,
    and the engine is given several batches at once; the outcome is the one
    of reading each line when the engine wants it and running each batch of
    256 on its own: the same lines reported in the same order, the same
    exit code, the same events stored. Lines are reported in file order
    (issue 17: an invalid line no longer jumps ahead of the rejections of
    the batch it was read in)."""
    year = []
    for name in ("07-cases-2022.jsonl", "08-cases-2023.jsonl"):
        with open(sample_file(name), encoding="utf-8") as f:
            year += [l for l in f.read().split("\n") if l.strip()]
    year = year[:3000]
    clue = next(json.loads(l) for l in year if json.loads(l)["command"] == "register_clue")
    twice = dict(clue, command_id="again-" + clue["command_id"])  # rejected: case_exists
    schema = dict(clue, command_id="schema-bad", data=dict(clue["data"], discovered_on="yesterday"))
    other = lambda i: json.dumps(dict(json.loads(year[i]), at="2024-01-01T09:00:00+08:00"))
    pardon = ('{"command":"pardon_everyone","command_id":"x","at":"2023-01-01T00:00:00Z",'
              '"actor":{"id":"a","role":"b","unit":"c"},"data":{}}')
    lines = list(year)
    # Bad lines around batch boundaries (256 commands) and chunk boundaries
    # (64 lines), blank lines, a repeated line, a rule refusal and no newline
    # after the last line; an invalid line after a refusal of the same batch
    # (reported after it); a command id repeated with other content from an
    # earlier batch (answered from the store) and from the same batch.
    for at, bad in [(2900, '{"command": "register_clue",'), (1510, "{}"), (1500, json.dumps(twice)),
                    (1024, year[10]), (705, other(700)), (600, other(20)),
                    (513, json.dumps(schema)), (300, "   \t"),
                    (257, pardon), (256, "[]"), (64, "")]:
        lines.insert(at, bad)
    r, log = _import_same_everywhere(lines, ["--keep-going"], "keep-going")
    expect_rc(r, EXIT_INVALID)
    summary = r.json()
    check(summary["invalid"] == 7 and summary["rejected"] == 1 and summary["already_applied"] == 1,
          "keep going over the mixed file: " + r.out)
    reported = [int(n) for n in re.findall(r"line (\d+)", r.err)]
    check(reported == [258, 260, 518, 606, 712, 1509, 1520, 2911], "lines reported: %r" % reported)
    errors = {e["line"]: e for e in map(json.loads, r.err.splitlines())}
    check("command_id '%s' was applied with other content" % json.loads(year[20])["command_id"]
          in errors[606]["message"], "line 606: %r" % errors[606])
    check("command_id '%s' is being applied with other content"
          % json.loads(year[700])["command_id"] in errors[712]["message"],
          "line 712: %r" % errors[712])

    # Without --keep-going the import stops at the first bad line (258, the
    # array), the lines before it applied and none after it stored, however
    # far ahead the reader had read.
    r, log = _import_same_everywhere(lines, [], "stop")
    expect_rc(r, EXIT_INVALID)
    expect_in("line 258", r.err, "stderr")
    before = {json.loads(l)["command_id"] for l in lines[:257] if l.strip()}
    stored = {e["command_id"] for e in log if e["stream"].startswith("case/")}
    check(stored and stored <= before, "events of lines after 258 stored: %r" % sorted(stored - before)[:5])
    check(r.json()["applied"] == len(before), "applied before the bad line: " + r.out)
    # ... and at a rule refusal (line 1509 of the mixed file), judged after
    # the lines before it: nothing after it stored.
    refusal = [l for l in lines if l.strip() and not l.startswith("[") and "pardon" not in l
               and "schema-bad" not in l and l not in ('{"command": "register_clue",', "{}")
               and l not in (other(20), other(700))]
    r, log = _import_same_everywhere(refusal, [], "refusal")
    expect_rc(r, EXIT_REJECTED)
    expect_in("case_exists", r.err, "stderr")

    # An import that stops at a bad line ends although the pipe it reads
    # stays open (the reader does not wait for input it will never use).
    p = subprocess.Popen([ZFCLI, "--db", "db-pipe", "import", "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=TMP)
    try:
        p.stdin.write(b"[]\n")
        p.stdin.flush()
        rc = p.wait(timeout=30 * TIMEOUT_SCALE)
        check(rc == EXIT_INVALID, "import - stopped at a bad line exited %d" % rc)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        fail("import - waited for the rest of an open pipe after a bad line")
    finally:
        p.stdin.close()
    cut = refusal.index(json.dumps(twice))
    before = {json.loads(l)["command_id"] for l in refusal[:cut]}
    stored = {e["command_id"] for e in log if e["stream"].startswith("case/")}
    check(stored and stored <= before, "events after the refusal stored")
    check(r.json()["applied"] == len(before), "applied before the refusal: " + r.out)


def test_stats():
    """zfcli stats over the generated year (examples/shaxian/07..09) gives
    the seed's figures of docs/domain.md, Statistics (gen/make_cases.py says how)."""
    load_reference(files="[0-9][0-9]-*.jsonl")
    # The inline projections written during the import equal a rebuild from the events.
    r = zf("--db", "db", "--json", "replay", "--verify")
    expect_rc(r, 0)
    cases = json.loads(zf("--db", "db", "--json", "case", "list").out)
    tickets = json.loads(zf("--db", "db", "--json", "grid", "list").out)
    actions = json.loads(zf("--db", "db", "--json", "joint", "list").out)
    check(json.loads(r.out)["rows"] == len(cases) + len(tickets) + len(actions)
          and len(cases) > 452,
          "a row per case, grid ticket and joint action of the generated year: " + r.out[:200])
    r = zf("--db", "db", "--json", "stats", "--from", "2023-09-10", "--to", "2023-12-31")
    expect_rc(r, 0)
    s = json.loads(r.out)
    check((s["cases_total"], s["cases_online"], s["cases_offline"]) == (452, 428, 24),
          "452 = 428 + 24: %r" % s)
    check((s["delegated_cases"], s["delegated_cases_prior_year"]) == (197, 29),
          "delegated 197 against 29: %r" % s)
    check(abs(s["yoy_growth"] - 5.7931) < 1e-4, "yoy +579%%: %r" % s["yoy_growth"])
    check(sum(s["delegated_cases_by_township"].values()) == 197, "by township sums to 197")
    r = zf("--db", "db", "--json", "stats", "--from", "2023-01-01", "--to", "2023-12-31")
    expect_rc(r, 0)
    y = json.loads(r.out)
    check((y["enterprise_cases"], y["leniency_applied"]) == (137, 75), "137 / 75: %r" % y)
    check(y["leniency_by_list"] == {"no_penalty": 6, "mitigated_penalty": 15,
                                    "lighter_penalty": 22, "compliance_reminder_letter": 9,
                                    "correction_notice": 23}, "6/15/22/9/23: %r" % y)
    check((y["inspections"], y["inspection_visits"], y["inspection_visits_saved"])
          == (271, 271, 695), "inspect once 271 / 695: %r" % y)
    check(abs(y["inspection_reduction_rate"] - 0.7195) < 1e-4, "72%%: %r" % y)
    # The compared periods; the generated 2022 holds only December, so the
    # base period of 2023 is incomplete and says from when cases are recorded.
    check((y["prior_from"], y["prior_to"]) == ("2022-01-01", "2022-12-31"), "base: %r" % y)
    check(y["prior_period_incomplete"] is True and y["cases_recorded_from"].startswith("2022-12-"),
          "2022 holds only December: %r" % y)
    first = y["cases_recorded_from"]
    late = "2023" + first[4:]
    r = zf("--db", "db", "--json", "stats", "--from", late, "--to", "2023-12-31")
    expect_rc(r, 0)
    dec = json.loads(r.out)
    check(dec["prior_from"] == first and dec["prior_period_incomplete"] is False,
          "a base period starting on the first case day is complete: %r" % dec)
    r = zf("--db", "db", "stats", "--from", "2023-01-01", "--to", "2023-12-31")
    expect_rc(r, 0)
    expect_in("同比基期 2022-01-01 至 2022-12-31", r.out, "stdout")
    expect_in("* 基期数据不完整：案件记录自 %s 起，同比数字不可比" % first, r.out, "stdout")
    check(re.search(r"同比增长\s+\+[0-9.]+% \*", r.out) is not None,
          "the growth is marked as against an incomplete base: " + r.out)
    r = zf("--db", "db", "--lang", "en", "stats", "--from", "2023-01-01", "--to", "2023-12-31")
    expect_in("compared with 2022-01-01 to 2022-12-31", r.out, "stdout (en)")
    expect_in("* incomplete base period: cases are recorded from %s" % first, r.out, "stdout (en)")
    r = zf("--db", "db", "stats", "--from", late, "--to", "2023-12-31")
    expect_not_in("基期数据不完整", r.out, "a complete base period")
    expect_not_in("% *", r.out, "a complete base period")
    # Before any case: the base period has no data at all.
    r = zf("--db", "db", "--json", "stats", "--from", "2023-01-01", "--to", "2023-12-31",
           "--at-position", "1")
    empty = json.loads(r.out)
    check(empty["cases_recorded_from"] is None and empty["prior_period_incomplete"] is True,
          "no case recorded: %r" % empty)
    check((y["officers_distinct"], y["officer_assignments"]) == (93, 113), "93 / 113: %r" % y)
    # Time travel: as the log stood on 2023-06-30 fewer 2023 cases existed.
    r = zf("--db", "db", "--json", "stats", "--from", "2023-01-01", "--to", "2023-12-31",
           "--as-of", "2023-06-30")
    expect_rc(r, 0)
    then = json.loads(r.out)
    check(0 < then["cases_total"] < y["cases_total"], "as of 2023-06-30: %r" % then)
    r = zf("--db", "db", "--json", "stats", "--from", "2023-01-01", "--to", "2023-12-31",
           "--at-position", "1")
    expect_rc(r, 0)
    check(json.loads(r.out)["cases_total"] == 0, "at position 1: no case yet")
    # The table: Chinese labels by default, English with --lang en.
    r = zf("--db", "db", "stats", "--from", "2023-09-10", "--to", "2023-12-31")
    expect_rc(r, 0)
    expect_in("案件总数", r.out, "stdout")
    expect_in("452", r.out, "stdout")
    expect_in("+579.3%", r.out, "stdout")
    r = zf("--db", "db", "--lang", "en", "stats", "--from", "2023-01-01", "--to", "2023-12-31")
    expect_rc(r, 0)
    expect_in("enterprise-related cases", r.out, "stdout")
    check("71.9%" in r.out or "72.0%" in r.out, "reduction rate shown: " + r.out)
    # Bad input: a clear error naming the field; a missing option is usage.
    r = zf("--db", "db", "stats", "--from", "2023-13-01", "--to", "2023-12-31")
    expect_rc(r, 3)
    expect_in("from", r.err, "stderr")
    expect_rc(zf("--db", "db", "stats", "--from", "2023-12-31", "--to", "2023-01-01"), 3)
    expect_rc(zf("--db", "db", "stats", "--from", "2023-01-01"), 2)


def test_deadlines():
    load_reference()
    expect_rc(zf("--db", "db", "import", write_lines("cases.jsonl", case_commands())), 0)
    # SX-T-001 was filed on 2023-09-14: the decision is due within 90 days, by 2023-12-13 (D9).
    def listed(*args):
        r = zf("--db", "db", "--json", "deadlines", "--township", "gaosha", *args)
        expect_rc(r, 0)
        return [(d["case_id"], d["deadline"], d["due_on"], d["days_left"], d["breached"])
                for d in json.loads(r.out)]
    check(listed("--as-of", "2023-12-13") == [("SX-T-001", "D9", "2023-12-13", 0, False)],
          "due today is not breached")
    check(listed("--breached", "--as-of", "2023-12-13") == [], "nothing breached on the due day")
    check(listed("--breached", "--as-of", "2023-12-14") == [("SX-T-001", "D9", "2023-12-13", -1, True)],
          "breached the day after")
    check(listed("--within", "12", "--as-of", "2023-12-01") == [("SX-T-001", "D9", "2023-12-13", 12, False)],
          "due within 12 days")
    check(listed("--within", "11", "--as-of", "2023-12-01") == [], "not within 11 days")
    check(listed("--as-of", "2023-09-13") == [], "before the filing there was no D9")
    r = zf("--db", "db", "deadlines", "--township", "gaosha", "--breached", "--as-of", "2023-12-20")
    expect_rc(r, 0)
    expect_in("作出行政处罚决定", r.out, "stdout")
    expect_in("《中华人民共和国行政处罚法》第六十条", r.out, "stdout names the rule, in Chinese")
    expect_not_in("APL art. 60", r.out, "no English basis in Chinese mode")
    expect_in("2023年9月14日", r.out, "stdout names the filing day")
    r = zf("--db", "db", "--lang", "en", "deadlines", "--township", "gaosha", "--breached",
           "--as-of", "2023-12-20")
    expect_in("make the decision", r.out, "English labels")
    expect_in("APL art. 60: 90 days from filing on 2023-09-14", r.out, "the English basis")
    expect_in("overdue 7", r.out, "days overdue")
    r = zf("--db", "db", "--json", "deadlines", "--township", "gaosha", "--breached",
           "--as-of", "2023-12-20")
    rows = json.loads(r.out)
    check(len(rows) == 1 and rows[0]["deadline"] == "D9"
          and rows[0]["basis"] == rows[0]["basis_en"]
          and rows[0]["basis_en"].startswith("APL art. 60")
          and rows[0]["basis_zh"].startswith("《中华人民共和国行政处罚法》第六十条"),
          "--json keeps the id and carries the basis in both languages: %r" % rows)
    expect_rc(zf("--db", "db", "deadlines", "--within", "3", "--breached"), 2)
    expect_rc(zf("--db", "db", "deadlines", "--as-of", "2023-99-01"), 3)
    # --past-limit: past the plain 90 days, breached or lawfully moved.
    def past(as_of):
        r = zf("--db", "db", "--json", "deadlines", "--township", "gaosha", "--past-limit", "--as-of", as_of)
        expect_rc(r, 0)
        return [(d["case_id"], d["limit_on"], d["due_on"], d["past_limit"], d["breached"])
                for d in json.loads(r.out)]
    check(past("2023-12-13") == [], "on the 90th day nothing is past its limit")
    check(past("2023-12-14") == [("SX-T-001", "2023-12-13", "2023-12-13", True, True)],
          "a breach is past its limit: %r" % past("2023-12-14"))
    # SX-T-002, filed 2023-09-22, suspended with the head's approval on 2023-11-01:
    # its clock stands still, so past 90 days it is past its limit but not breached.
    officer = {"id": "SX-OF-0103", "role": "enforcement_officer", "unit": "gaosha"}
    later = [{"command": "file_case", "command_id": "cli-file-2", "at": "2023-09-22T09:00:00+08:00",
              "actor": officer, "case_id": "SX-T-002",
              "data": {"handlers": ["SX-OF-0102", "SX-OF-0103"], "approved_by": "SX-OF-0132",
                       "item_code": "SAFE-017"}},
             {"command": "start_investigation", "command_id": "cli-inv-2", "at": "2023-09-22T10:00:00+08:00",
              "actor": officer, "case_id": "SX-T-002", "data": {}},
             {"command": "suspend_investigation", "command_id": "cli-susp-2",
              "at": "2023-11-01T10:00:00+08:00", "actor": officer, "case_id": "SX-T-002",
              "data": {"reason": "当事人下落不明", "approved_by": "SX-OF-0132"}}]
    expect_rc(zf("--db", "db", "import", write_lines("later.jsonl", [json.dumps(c, ensure_ascii=False)
                                                                      for c in later])), 0)
    rows = past("2024-01-10")
    check(("SX-T-002", "2023-12-21", "2024-02-29", True, False) in rows,
          "suspended on day 40: the 70 days paused so far move the due date: %r" % rows)
    check(("SX-T-001", "2023-12-13", "2023-12-13", True, True) in rows, "the breach stays: %r" % rows)
    check([r[0] for r in listed("--breached", "--as-of", "2024-01-10")] == ["SX-T-001"],
          "the suspended case is not breached")
    r = zf("--db", "db", "--lang", "en", "deadlines", "--township", "gaosha", "--past-limit",
           "--as-of", "2024-01-10")
    expect_in("paused since 2023-11-01 (suspension)", r.out, "the basis says why it is past 90 days")
    r = zf("--db", "db", "deadlines", "--township", "gaosha", "--past-limit", "--as-of", "2024-01-10")
    expect_in("自2023年11月1日起因中止调查暂停计算", r.out, "the Chinese basis says why")
    expect_rc(zf("--db", "db", "deadlines", "--past-limit", "--breached"), 0)
    # D2: verification due 2023-10-09 (15 working days), extended on 2023-10-08.
    captain = {"id": "SX-OF-0102", "role": "brigade_captain", "unit": "gaosha"}
    def step(n, command, at, data):
        return json.dumps({"command": command, "command_id": "cli-d2-%d" % n, "at": at, "actor": captain,
                           "case_id": "SX-T-004", "data": data}, ensure_ascii=False)
    d2 = [step(1, "register_clue", "2023-09-12T11:00:00+08:00",
               {"source": "complaint_or_tip", "township": "gaosha", "description": "群众反映某厂存在安全隐患",
                "discovered_on": "2023-09-12"}),
          step(2, "route_clue", "2023-09-12T11:10:00+08:00", {"item_code": "SAFE-014"}),
          step(3, "start_verification", "2023-09-12T11:30:00+08:00", {}),
          step(4, "extend_verification", "2023-10-08T09:00:00+08:00",
               {"approved_by": "SX-OF-0132", "reason": "案情复杂，需补充核查"})]
    expect_rc(zf("--db", "db", "import", write_lines("d2.jsonl", d2)), 0)
    rows = [d for d in json.loads(zf("--db", "db", "--json", "deadlines", "--township", "gaosha",
                                     "--past-limit", "--as-of", "2023-10-12").out)
            if d["case_id"] == "SX-T-004"]
    check(len(rows) == 1 and rows[0]["deadline"] == "D2" and rows[0]["limit_on"] == "2023-10-09"
          and rows[0]["due_on"] > "2023-10-12" and not rows[0]["breached"],
          "an extended verification is past its 15 working days, not breached: %r" % rows)
    before = [d for d in json.loads(zf("--db", "db", "--json", "deadlines", "--township", "gaosha",
                                       "--past-limit", "--as-of", "2023-10-09").out)
              if d["case_id"] == "SX-T-004"]
    check(before == [], "on its last plain day it is not past the limit: %r" % before)


def test_case_explain():
    load_reference(files="[0-9][0-9]-*.jsonl")
    r = zf("--db", "db", "--json", "case", "explain", "SX-2023-E0010")
    expect_rc(r, 0)
    x = json.loads(r.out)
    types = [d["event"]["type"] for d in x["decisions"]]
    check(types[0] == "case_filed" and "decision_made" in types, "explained decisions: %r" % types)
    check(x["discrepancies"] == [], "no audit signal: %r" % x["discrepancies"])
    decision = [d for d in x["decisions"] if d["event"]["type"] == "decision_made"][0]
    check(decision["evaluation"]["benchmark_id"] == "SX-BM-ECO-002", "benchmark recorded")
    check(decision["computation"]["relief"]["reconsideration_body"] == "三明市沙县区人民政府",
          "relief body")
    benchmark = [r for r in decision["rules"] if r["kind"] == "benchmark"]
    check(len(benchmark) == 1 and benchmark[0]["id"] == "SX-BM-ECO-002" and benchmark[0]["agrees"],
          "benchmark version resolved and agreeing: %r" % benchmark)
    # Every rule's provenance is the exported reference event at that position.
    events, _ = export_events("db")
    by_position = {e["position"]: e for e in events}
    for d in x["decisions"]:
        for rule in d["rules"]:
            p = rule["provenance"]
            e = by_position.get(p["position"])
            check(e is not None and e["hash"] == p["hash"] and e["stream"] == p["stream"]
                  and e["version"] == p["version"], "provenance of %s %s" % (rule["kind"], rule["id"]))
        ev = by_position[d["event"]["position"]]
        check(ev["hash"] == d["event"]["hash"], "the decision event's hash")
    stored = by_position[decision["event"]["position"]]["data"]
    check(decision["computation"]["fine_fen"] == stored["fine_fen"], "the computation's amount")
    if "fine" in decision["computation"]:
        f = decision["computation"]["fine"]
        check(f["allowed_min_fen"] <= stored["fine_fen"] <= f["allowed_max_fen"] and f["inside"],
              "inside its range: %r" % f)
    ids = [d["id"] for d in x["deadlines"]]
    check("D9" in ids, "deadlines: %r" % ids)
    r = zf("--db", "db", "case", "explain", "SX-2023-E0010")
    expect_rc(r, 0)
    for needle in ("未赋权该乡镇", "裁量基准", "SX-BM-ECO-002", "清单条目", "救济途径", "D9",
                   "rules/benchmarks", "所用规则版本", "120,000.00 元"):
        expect_in(needle, r.out, "stdout")
    r = zf("--db", "db", "--lang", "en", "case", "explain", "SX-2023-E0010")
    expect_rc(r, 0)
    expect_in("rule versions used", r.out, "English labels")
    # As of a time before the decision: no decision yet.
    r = zf("--db", "db", "--json", "case", "explain", "SX-2023-E0010", "--at-position",
           str(decision["event"]["position"] - 1))
    expect_rc(r, 0)
    check("decision_made" not in [d["event"]["type"] for d in json.loads(r.out)["decisions"]],
          "as of an earlier position")
    # An on-the-spot fine of 2023-01-09: D16's 15th day, 2023-01-24, is in the
    # Spring Festival holiday; the party's period ends on the next working
    # day, the make-up Saturday 2023-01-28.
    r = zf("--db", "db", "--json", "case", "explain", "SX-2023-X0001")
    expect_rc(r, 0)
    x = json.loads(r.out)
    check(x["discrepancies"] == [], "no audit signal: %r" % x["discrepancies"])
    check([d["event"]["type"] for d in x["decisions"]] == ["on_spot_decision_issued"],
          "the on-the-spot decision")
    d16 = [d for d in x["deadlines"] if d["id"] == "D16"]
    check(len(d16) == 1 and d16[0]["plain_due_on"] == "2023-01-24"
          and d16[0]["due_on"] == "2023-01-28"
          and [s["date"] for s in d16[0]["skipped"] if s["kind"] == "holiday"]
          == ["2023-01-24", "2023-01-25", "2023-01-26", "2023-01-27"],
          "D16 moved by the Spring Festival: %r" % d16)
    expect_rc(zf("--db", "db", "case", "explain", "SX-NOPE"), 3)
    expect_rc(zf("--db", "db", "case", "explain", "SX-2023-E0010", "--as-of", "2023-99-01"), 3)


# Text of the sample a person reads: the English words allowed in Chinese
# output are ids, codes and proper names only (issue 18). Each pattern is
# removed before the scan for runs of three or more ASCII letters.
_ALLOWED_IN_CHINESE = [
    # First, whole: a stream holds a case id (case/SX-2023-E0010).
    r"\b[a-z_]+(?:/[A-Za-z0-9_.-]+)+",          # stream names (case/…, access/…)
    r"(?<![A-Za-z0-9])/[a-z_]+(?:/[A-Za-z0-9_.-]+)*",  # JSON pointers (/data/fine_fen, /command)
    r"\bSX-\d{4}-[A-Z]\d{4}\b",              # case ids
    r"\bSX-[A-Z]{2,3}(?:-[A-Z0-9]+)*\b",     # rule, officer and list-entry ids
    r"\b[A-Z]{2,8}-\d{3}\b",                 # power item codes (MARKET-010)
    r"\b[0-9a-f]{16,64}\b",                  # hashes
    r"\b(?:rules|case|org)/[A-Za-z0-9_/-]+",  # stream names (audit block)
    r"（[a-z][a-z0-9-]*）",                  # a unit's id after its name
    r"\b[0-9]{2}[0-9A-Z]{16}\b",             # unified social credit codes
    r"\bPEM\b",                              # a file format's name
]
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _english_words(text):
    """The runs of >= 3 ASCII letters in text outside the allowed ids."""
    for pattern in _ALLOWED_IN_CHINESE:
        text = re.sub(pattern, " ", text)
    return re.findall(r"[A-Za-z]{3,}", text)


def _scan_chinese(what, text):
    words = _english_words(text)
    lines = [l for l in text.splitlines() if _english_words(l)]
    check(not words, "%s: English in Chinese mode: %r in lines %r" % (what, sorted(set(words))[:20],
                                                                      lines[:8]))


def test_explain_reasoning():
    """case explain reads as the reasoning of a decision, in Chinese by default."""
    load_reference(files="[0-9][0-9]-*.jsonl")
    # case show names the township, the area, the handlers and the timeline's
    # actors from the org data, with the id beside each name.
    r = zf("--db", "db", "case", "show", "SX-2023-E0010")
    expect_rc(r, 0)
    for needle in ("高砂镇（gaosha）", "第二片区（area-2）", "邱美玲（SX-OF-0053）, 陈家豪（SX-OF-0054）",
                   "120,000.00 元"):
        expect_in(needle, r.out, "case show")
    check(re.search(r"(?<!（)\bSX-OF-0053\b", r.out) is None,
          "officer ids only in parentheses after a name: %r" % r.out[:600])
    r = zf("--db", "db", "--lang", "en", "case", "show", "SX-2023-E0010")
    expect_in("高砂镇 (gaosha)", r.out, "case show --lang en")
    # The docket and the other lists name townships, subjects, areas and
    # officers the same way; --json keeps the ids alone.
    r = zf("--db", "db", "case", "list", "--subject", "sx-eco")
    expect_rc(r, 0)
    row = [l for l in r.out.splitlines() if l.startswith("SX-2023-E0010")]
    check(len(row) == 1 and "高砂镇（gaosha）" in row[0] and "生态环境局（sx-eco）" in row[0],
          "case list names the township and the subject: %r" % row)
    check(re.search(r"(?<!（)\b(?:sx-eco|gaosha)\b", r.out) is None,
          "case list: ids only in parentheses after a name: %r" % r.out[:600])
    r = zf("--db", "db", "--lang", "en", "case", "list", "--subject", "sx-eco")
    expect_in("高砂镇 (gaosha)", r.out, "case list --lang en")
    x = json.loads(zf("--db", "db", "--json", "case", "list", "--subject", "sx-eco").out)
    check(x and all(c["handling_subject"] == "sx-eco" for c in x), "case list --json keeps ids")
    r = zf("--db", "db", "grid", "list")
    expect_rc(r, 0)
    expect_in("凤岗街道（fenggang）", r.out, "grid list")
    expect_in("综合执法大队（fenggang-brigade）", r.out, "grid list's dispatched units")
    # A ticket's category by its label, the code beside it; English and
    # --json keep the code.
    expect_in("建筑垃圾（construction_waste）", r.out, "grid list's category")
    r = zf("--db", "db", "--lang", "en", "grid", "list")
    expect_in("construction_waste", r.out, "grid list --lang en")
    expect_not_in("建筑垃圾", r.out, "grid list --lang en")
    check(all(t["category"] == "construction_waste"
              for t in json.loads(zf("--db", "db", "--json", "grid", "list").out)),
          "grid list --json keeps the code")
    # A case's handling subject by the name its decisions issue in
    # (三明市生态环境局, not the unit's name 三明市沙县生态环境局), the same
    # wherever the case is shown (docs/cli.md, Names).
    for args in (["case", "list", "--subject", "sx-eco"], ["case", "show", "SX-2023-E0010"],
                 ["case", "explain", "SX-2023-E0010"],
                 ["deadlines", "--subject", "sx-eco", "--as-of", "2023-03-15"]):
        r = zf("--db", "db", *args)
        expect_rc(r, 0)
        expect_in("三明市生态环境局（sx-eco）", r.out, " ".join(args))
        expect_not_in("三明市沙县生态环境局（sx-eco）", r.out, " ".join(args))
    r = zf("--db", "db", "joint", "list")
    expect_rc(r, 0)
    check(re.search(r"第[一二三四五六七八九十]+片区（area-\d+）", r.out) and
          re.search(r"[\u4e00-\u9fff]{2,4}（SX-OF-\d{4}）", r.out),
          "joint list names the area and the leader: %r" % r.out[:400])
    # The generated joint actions are titled by the township's name
    # (gen/make_cases.py), not its id.
    titles = [a.get("title", "") for a in json.loads(zf("--db", "db", "--json", "joint", "list").out)]
    check(titles and all(re.fullmatch(r"[\u4e00-\u9fff]+片区联合执法行动", t) for t in titles),
          "joint action titles name the township: %r" % titles)
    r = zf("--db", "db", "case", "explain", "SX-2023-E0010")
    expect_rc(r, 0)
    out = r.out
    headings = ["一、事实", "二、违法事项及法律依据", "三、管辖与职权", "四、裁量",
                "五、从轻、减轻或者不予处罚", "六、新旧规定的适用（从旧兼从轻）", "七、期限",
                "八、处理决定", "审计信息：所用规则版本、参照事件与哈希"]
    at = [out.find("\n" + h + "\n") for h in headings]
    check(all(p >= 0 for p in at) and at == sorted(at),
          "the headings in order: %r" % list(zip(headings, at)))
    # Names from the org data, the id in parentheses.
    for needle in ("三明市生态环境局（sx-eco）", "邱美玲（SX-OF-0053）", "高砂镇（gaosha）",
                   "ECO-002 排污单位未按照排污许可证规定制定自行监测方案并开展自行监测",
                   "当事人：沙县某药业有限公司（91350427MA0000358X"):
        expect_in(needle, out, "names")
    check(re.search(r"(?<!（)\bsx-eco\b", out) is None, "sx-eco only in parentheses after a name")
    # Amounts in yuan, dates in Chinese, the law in its official form.
    for needle in ("120,000.00 元", "20,000.00 元至200,000.00 元", "74,000.00 元至146,000.00 元",
                   "100,000.00 元", "2023年3月1日", "2023年1月30日", "《中华人民共和国行政处罚法》第六十条",
                   "《市场监督管理行政处罚程序规定》第十八条", "《中华人民共和国行政处罚法》第三十七条",
                   "主动供述行政机关尚未掌握的违法行为", "未记载违法行为发生日期",
                   "危害后果不超过规定程度：案件事实未载明危害后果", "：未认定该事实",
                   "不计入的周末：2023年2月4日、2023年2月5日"):
        expect_in(needle, out, "the reasoning")
    for wrong in ("12000000 fen", "120000元", "fen", "(true)", "APL art.", "MSR art.", "not_eligible",
                  "serious", "organisation"):
        expect_not_in(wrong, out, "the reasoning")
    # The audit record keeps the versions, reference events and hashes.
    audit = out[out.find("审计信息"):]
    for needle in ("SX-BM-ECO-002", "rules/benchmarks", "所用规则版本"):
        expect_in(needle, audit, "the audit block")
    check(re.search(r"← rules/powers v\d+ #\d+ [0-9a-f]{16} ✓", audit) is not None,
          "the reference event's stream, version, position and hash")
    # English: the same structure, no Chinese heading or label.
    r = zf("--db", "db", "--lang", "en", "case", "explain", "SX-2023-E0010")
    expect_rc(r, 0)
    en = r.out
    en_headings = ["1. Facts", "2. The violation and its legal basis", "3. Competence",
                   "4. Discretion", "5. Lighter, mitigated or no penalty", "6. The law in time",
                   "7. Deadlines", "8. The decision", "Audit record"]
    at = [en.find("\n" + h) for h in en_headings]
    check(all(p >= 0 for p in at) and at == sorted(at), "English headings in order: %r" % at)
    for h in headings:
        expect_not_in(h, en, "English mode")
    for needle in ("120,000.00 yuan", "APL art. 60", "三明市生态环境局 (sx-eco)", "2023-03-01"):
        expect_in(needle, en, "English mode")
    # The lists' notes and the law in time's reason from their kinds and
    # fields (zf/leniency_notes.h), not the notes the events store.
    for needle in ("harm no more than the level stated: the harm is not stated",
                   "did not know of: not established", ": the act date is not recorded"):
        expect_in(needle, en, "English notes")
    for stored in ("facts.harm_level not stated", "facts.confessed_unknown_violation"):
        expect_not_in(stored, en, "English notes")
    labels = [m.group(1) for m in re.finditer(r"^\s+([^:：\n]{1,40})[:：] ", en, re.M)]
    check(labels and not [l for l in labels if _HAN.search(l)],
          "English labels only: %r" % [l for l in labels if _HAN.search(l)])
    check(not [l for l in en.splitlines() if l and not l.startswith(" ") and _HAN.search(l)],
          "no Chinese heading in English mode")
    # --json keeps its codes, with the names and both bases beside them.
    x = json.loads(zf("--db", "db", "--json", "case", "explain", "SX-2023-E0010").out)
    check(x["handling_subject"] == "sx-eco" and x["names"]["handling_subject"]["legal_name"]
          == "三明市生态环境局" and x["names"]["officers"].get("SX-OF-0053") == "邱美玲",
          "names beside the ids: %r" % x.get("names"))
    d9 = [d for d in x["deadlines"] if d["id"] == "D9"][0]
    check(d9["basis"] == d9["basis_en"] and d9["basis_zh"].startswith("《中华人民共和国行政处罚法》第六十条"),
          "D9's basis in both languages: %r" % d9)


def test_untranslated_scan():
    """No English word in Chinese-mode explanations, deadlines and rejection messages."""
    load_reference(files="[0-9][0-9]-*.jsonl")
    cases = {"a penalty with a hearing": "SX-2023-E0010",
             "a suspended case": "SX-2022-T0005",
             "a clock paused for an excluded period": "SX-2022-T0011",
             "an on-the-spot fine moved by a holiday": "SX-2023-X0001",
             "a no-penalty list entry applied": "SX-2023-E0001"}
    for what, case_id in sorted(cases.items()):
        r = zf("--db", "db", "case", "explain", case_id)
        expect_rc(r, 0)
        _scan_chinese("case explain %s (%s)" % (case_id, what), r.out)
    # The cases are what they stand for.
    x = json.loads(zf("--db", "db", "--json", "case", "explain", "SX-2022-T0005").out)
    check(x["state"] == "suspended", "SX-2022-T0005 is suspended: %s" % x["state"])
    x = json.loads(zf("--db", "db", "--json", "case", "explain", "SX-2023-E0001").out)
    check(any(d["computation"].get("leniency_applied") for d in x["decisions"]),
          "SX-2023-E0001 applies a list entry")
    x = json.loads(zf("--db", "db", "--json", "case", "explain", "SX-2022-T0011").out)
    check(any(d.get("pauses") for d in x["deadlines"]), "SX-2022-T0011 has a pause")
    for args in (["deadlines", "--as-of", "2023-06-30"],
                 ["deadlines", "--within", "30", "--as-of", "2023-06-01"],
                 ["deadlines", "--past-limit", "--as-of", "2023-12-31"]):
        r = zf("--db", "db", *args)
        expect_rc(r, 0)
        check(len(r.out.splitlines()) > 2, "%s lists deadlines" % " ".join(args))
        _scan_chinese(" ".join(args), r.out)
    # Each rejection code's Chinese message and citation (the table of legal sources).
    table = os.path.join(HERE, "..", "..", "lib", "src", "domain", "legal_sources.tsv")
    rows = [l.rstrip("\n").split("\t") for l in open(table, encoding="utf-8")
            if l.strip() and not l.startswith("#")][1:]
    check(len(rows) > 200, "the table has its rows: %d" % len(rows))
    for row in rows:
        _scan_chinese("rejection %s" % row[0], row[1] + " " + row[3])
    # The scan itself finds English, and lets ids through.
    check(_english_words("罚款: 12000000 fen lies inside") == ["fen", "lies", "inside"], "scan finds")
    check(_english_words("SX-2023-E0010 三明市生态环境局（sx-eco） MARKET-010 SX-BM-ECO-002 "
                         "rules/powers 1b6498888e7f500a 91350427MA0000358X") == [],
          "scan allows ids")
    check(_english_words("执法主体: sx-eco") == ["eco"], "a bare unit id is not allowed")


def _lines_until(cut):
    """The command lines of examples/shaxian 01..09 whose `at` is at or
    before the end of day `cut` (China time), in file order."""
    import datetime
    import glob
    end = datetime.datetime.fromisoformat(cut + "T23:59:59.999999+08:00")
    kept = []
    for f in sorted(glob.glob(os.path.join(os.path.dirname(SAMPLE), "[0-9][0-9]-*.jsonl"))):
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if line.strip() and datetime.datetime.fromisoformat(
                        json.loads(line)["at"]) <= end:
                    kept.append(line.rstrip("\n"))
    return kept


def _answers(db, cut):
    """Every query of the read side as of `cut`, as parsed JSON."""
    out = {}
    for name, args in [("cases", ["case", "list"]),
                       ("deadlines", ["deadlines"]),
                       ("breached", ["deadlines", "--breached", "--township", "gaosha"]),
                       ("stats", ["stats", "--from", "2022-01-01", "--to", "2023-12-31"]),
                       ("tickets", ["grid", "list"]),
                       ("actions", ["joint", "list"])]:
        r = zf("--db", db, "--json", *args, "--as-of", cut)
        expect_rc(r, 0)
        out[name] = json.loads(r.out)
    return out


def test_time_travel():
    """Asked --as-of a day, the full generated year answers exactly as a
    store that only ever received the commands made by that day: a replay,
    not a guess from the present."""
    load_reference(files="[0-9][0-9]-*.jsonl")
    totals = []
    for cut in ["2022-12-20", "2023-03-31", "2023-09-09", "2023-11-30"]:
        write_lines("until.jsonl", _lines_until(cut))
        r = zf("--db", "db-" + cut, "import", "until.jsonl")
        expect_rc(r, 0)
        want = _answers("db-" + cut, cut)
        got = _answers("db", cut)
        for key in want:
            check(got[key] == want[key], "as of %s, %s differs from a store cut there: %s vs %s"
                  % (cut, key, json.dumps(got[key])[:300], json.dumps(want[key])[:300]))
        totals.append((len(got["cases"]), got["stats"]["cases_total"], len(got["tickets"]),
                       len(got["actions"])))
    # The cuts see a growing history, and none of them sees it all.
    now = json.loads(zf("--db", "db", "--json", "case", "list").out)
    check(all(a[0] <= b[0] for a, b in zip(totals, totals[1:])) and totals[0][0] > 0,
          "case counts grow with the cut: %r" % totals)
    check(totals[-1][0] < len(now), "the last cut is before the end: %r vs %d"
          % (totals, len(now)))


def test_grid_and_joint():
    """Grid tickets and joint actions of the generated year: lists with
    filters, one of each shown, unknown ids, labels, inline rows verified."""
    load_reference(files="0[1-8]-*.jsonl")
    tickets = json.loads(zf("--db", "db", "--json", "grid", "list").out)
    require(len(tickets) > 0, "the generated year has grid tickets")
    t = tickets[0]
    for field in ["ticket_id", "state", "township", "micro_grid", "reported_on", "dispatches"]:
        check(field in t, "ticket field %s: %r" % (field, t))
    same = json.loads(zf("--db", "db", "--json", "grid", "list", "--township", t["township"]).out)
    check(t in same and all(x["township"] == t["township"] for x in same),
          "township filter: %d of %d" % (len(same), len(tickets)))
    closed = json.loads(zf("--db", "db", "--json", "grid", "list", "--state", "closed").out)
    check(all(x["state"] == "closed" for x in closed), "state filter")
    r = zf("--db", "db", "--json", "grid", "show", t["ticket_id"])
    expect_rc(r, 0)
    check(json.loads(r.out) == t, "grid show equals the list line")
    expect_rc(zf("--db", "db", "grid", "show", "NO-SUCH-TICKET"), 3)
    r = zf("--db", "db", "grid", "list", "--township", t["township"])
    expect_rc(r, 0)
    expect_in("工单号", r.out, "stdout")

    actions = json.loads(zf("--db", "db", "--json", "joint", "list").out)
    require(len(actions) > 0, "the generated year has joint actions")
    a = actions[0]
    for field in ["joint_action_id", "area", "leader", "date", "participants", "findings"]:
        check(field in a, "action field %s: %r" % (field, a))
    r = zf("--db", "db", "--json", "joint", "list", "--from", a["date"], "--to", a["date"])
    expect_rc(r, 0)
    check(all(x["date"] == a["date"] for x in json.loads(r.out)) and a in json.loads(r.out),
          "date filter")
    r = zf("--db", "db", "--lang", "en", "joint", "show", a["joint_action_id"])
    expect_rc(r, 0)
    expect_in(a["joint_action_id"], r.out, "stdout")
    expect_in("findings", r.out, "stdout")
    expect_rc(zf("--db", "db", "joint", "show", "NO-SUCH-ACTION"), 3)
    # The inline rows of both registers equal a rebuild from the events.
    r = zf("--db", "db", "--json", "replay", "--verify")
    expect_rc(r, 0)
    check(json.loads(r.out)["rows"] >= len(tickets) + len(actions), "rows: " + r.out[:200])
def load_review_cases(db="db"):
    """Reference data plus the four April 2024 cases of scenario 16 (three
    archived, SX-2024-R1604 only closed)."""
    load_reference(db)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(SAMPLE))))
    defaults, lines = {}, []
    with open(os.path.join(root, "tests", "scenarios", "16-review-campaign.jsonl"),
              encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if "defaults" in o:
                defaults = o["defaults"]
            if o.get("command") not in ("register_clue", "issue_on_spot_decision",
                                        "collect_fine_on_spot", "report_on_spot_decision",
                                        "close_case", "archive_case"):
                continue
            o.pop("expect", None)
            for k, v in defaults.items():
                o.setdefault(k, v)
            lines.append(json.dumps(o, ensure_ascii=False))
    with open(os.path.join(TMP, "review-cases.jsonl"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    r = zf("--db", db, "import", "review-cases.jsonl")
    require(r.rc == 0, "import review cases exited %d: %s" % (r.rc, r.err.strip()[:400]))


# The justice bureau's reviewing officer organises the campaign: under the
# sample's permission matrix (docs/domain.md, Roles) campaigns are run by case-file
# auditors and case reviewers, not by the list administrator.
ORGANISER = ["--actor", "SX-OF-0202", "--role", "case_reviewer", "--unit", "sx-justice",
             "--at", "2024-06-03T09:00:00+08:00"]
AUDITOR = ["--actor", "SX-OF-0202", "--role", "case_reviewer", "--unit", "sx-justice",
           "--at", "2024-06-10T09:00:00+08:00"]
APRIL = ["--org", "sx-justice", "--from", "2024-04-01", "--to", "2024-04-30"]


def test_review():
    load_review_cases()
    r = zf("--db", "db", "review", "start", "RC-1", *APRIL,
           "--cases", "SX-2024-R1602,SX-2024-R1601", "--title", "四月评查", *ORGANISER)
    expect_rc(r, EXIT_OK)
    expect_in("review/RC-1", r.out, "stdout")
    # The same line again: the derived command id makes it a no-op.
    r = zf("--db", "db", "--json", "review", "start", "RC-1", *APRIL,
           "--cases", "SX-2024-R1602,SX-2024-R1601", "--title", "四月评查", *ORGANISER)
    expect_rc(r, EXIT_OK)
    check(r.json()["outcome"] == "already_applied", "repeat: %r" % r.out)
    expect_rc(zf("--db", "db", "review", "start", "RC-2", *APRIL, "--count", "2",
                 "--seed", "s", "--per-subject", *ORGANISER), EXIT_OK)
    # Neither a list nor a rule: usage.
    expect_rc(zf("--db", "db", "review", "start", "RC-3", *APRIL, *ORGANISER), EXIT_USAGE)
    r = zf("--db", "db", "review", "start", "RC-3", "--org", "sx-nowhere", "--from",
           "2024-04-01", "--to", "2024-04-30", "--cases", "SX-2024-R1601", *ORGANISER)
    expect_rc(r, EXIT_REJECTED)
    expect_in("reviewer_org_unknown", r.err, "stderr")
    r = zf("--db", "db", "review", "score", "RC-1", "SX-2024-R1603", "--reviewer", "SX-OF-0202",
           "--form", "18", "--content", "72", *AUDITOR)
    expect_rc(r, EXIT_REJECTED)
    expect_in("case_not_in_sample", r.err, "stderr")
    expect_rc(zf("--db", "db", "review", "score", "RC-1", "SX-2024-R1601", "--reviewer",
                 "SX-OF-0202", "--form", "18", "--content", "72", *AUDITOR), EXIT_OK)
    # A score out of range is invalid input (the schema), not a rejection.
    expect_rc(zf("--db", "db", "review", "score", "RC-1", "SX-2024-R1602", "--reviewer",
                 "SX-OF-0202", "--form", "21", "--content", "72", *AUDITOR), EXIT_INVALID)
    r = zf("--db", "db", "review", "close", "RC-1", *ORGANISER[:-2], "--at", "2024-06-20T09:00:00+08:00")
    expect_rc(r, EXIT_REJECTED)
    expect_in("review_files_unscored", r.err, "stderr")
    expect_rc(zf("--db", "db", "review", "close", "RC-1", "--reason", "人员调整", *ORGANISER[:-2],
                 "--at", "2024-06-20T09:00:00+08:00"), EXIT_OK)

    r = zf("--db", "db", "--json", "review", "list")
    expect_rc(r, EXIT_OK)
    campaigns = {c["campaign_id"]: c for c in r.json()}
    check(sorted(campaigns) == ["RC-1", "RC-2"], "campaigns: %r" % sorted(campaigns))
    one = campaigns["RC-1"]
    check(one["state"] == "closed" and one["scored"] == 1 and one["sampled"] == 2,
          "RC-1 summary: %r" % one)
    check(one["grades"]["excellent"] == 1 and one["average_total"] == "90.00", "grades: %r" % one)
    check(one["unscored"] == ["SX-2024-R1602"], "unscored: %r" % one["unscored"])
    check(campaigns["RC-2"]["state"] == "open" and campaigns["RC-2"]["sampled"] == 2,
          "RC-2: %r" % campaigns["RC-2"])
    r = zf("--db", "db", "--json", "review", "show", "RC-1")
    expect_rc(r, EXIT_OK)
    files = r.json()["files"]
    check([f["case_id"] for f in files] == ["SX-2024-R1601", "SX-2024-R1602"], "files: %r" % files)
    check(files[0]["total"] == 90 and files[0]["reviewer"] == "SX-OF-0202" and not files[1]["scored"],
          "file scores: %r" % files)
    r = zf("--db", "db", "review", "show", "RC-1")
    expect_rc(r, EXIT_OK)
    for needle in ("已结束", "优秀", "未评查", "sx-justice", "2024-04-01..2024-04-30"):
        expect_in(needle, r.out, "stdout")
    r = zf("--db", "db", "--lang", "en", "review", "list")
    expect_rc(r, EXIT_OK)
    expect_in("closed", r.out, "stdout")
    expect_in("excellent 1", r.out, "stdout")
    # As of before the close: still open.
    r = zf("--db", "db", "--json", "review", "show", "RC-1", "--as-of", "2024-06-19")
    expect_rc(r, EXIT_OK)
    check(r.json()["state"] == "open", "as of 2024-06-19: %r" % r.json()["state"])
    expect_rc(zf("--db", "db", "review", "show", "RC-NOPE"), EXIT_INVALID)


def test_access():
    load_review_cases()
    reader = ["--as-actor", "SX-OF-0091", "--role", "case_reviewer", "--unit", "sx-justice"]
    expect_rc(zf("--db", "db", "case", "show", "SX-2024-R1601"), EXIT_OK)
    r = zf("--db", "db", "access", "--case", "SX-2024-R1601")
    expect_rc(r, EXIT_OK)
    expect_in("无查阅记录", r.out, "stdout")
    expect_rc(zf("--db", "db", "case", "show", "SX-2024-R1601", "--as-actor", "SX-OF-0202",
                 "--role", "case_reviewer", "--unit", "sx-justice", "--purpose", "案卷评查"),
              EXIT_OK)
    r = zf("--db", "db", "--json", "case", "history", "SX-2024-R1601", *reader)
    expect_rc(r, EXIT_OK)
    check(len(r.json()) >= 5, "history still printed")
    expect_rc(zf("--db", "db", "case", "explain", "SX-2024-R1602", *reader), EXIT_OK)
    # Unknown case: nothing printed, nothing recorded.
    expect_rc(zf("--db", "db", "case", "show", "SX-NOPE", *reader), EXIT_INVALID)

    r = zf("--db", "db", "--json", "access", "--case", "SX-2024-R1601")
    expect_rc(r, EXIT_OK)
    trail = r.json()
    check([(a["reader"]["id"], a["what"]) for a in trail]
          == [("SX-OF-0202", "view"), ("SX-OF-0091", "history")], "trail: %r" % trail)
    check(trail[0]["purpose"] == "案卷评查" and trail[0]["reader"]["unit"] == "sx-justice",
          "first read: %r" % trail[0])
    check(all(len(a["hash"]) == 64 and a["position"] > 0 for a in trail), "hashes and positions")
    r = zf("--db", "db", "--json", "access", "--actor", "SX-OF-0091")
    expect_rc(r, EXIT_OK)
    check([(a["case_id"], a["what"]) for a in r.json()]
          == [("SX-2024-R1601", "history"), ("SX-2024-R1602", "explain")], "by actor: %r" % r.out)
    r = zf("--db", "db", "--json", "access", "--actor", "SX-OF-0091", "--from", "2000-01-01",
           "--to", "2000-01-02")
    expect_rc(r, EXIT_OK)
    check(r.json() == [], "nothing read in 2000")
    r = zf("--db", "db", "access", "--actor", "SX-OF-0091")
    expect_rc(r, EXIT_OK)
    expect_in("决定说明", r.out, "stdout")
    expect_in("2 条查阅记录", r.out, "stdout")
    expect_rc(zf("--db", "db", "access"), EXIT_USAGE)
    expect_rc(zf("--db", "db", "access", "--case", "SX-2024-R1601", "--from", "2024-13-01"),
              EXIT_INVALID)
    expect_rc(zf("--db", "db", "access", "--case", "SX-NOPE", "--json"), EXIT_OK)
    # The trail is chained with everything else and disturbs no projection.
    expect_rc(zf("--db", "db", "store", "verify"), EXIT_OK)
    expect_rc(zf("--db", "db", "replay", "--verify"), EXIT_OK)


def test_org_short_name():
    """Issue 18: a township or department may register the short name its
    document numbers (文号) use (short_name, optional); the event keeps it,
    an empty one is refused, and the sample's generator prefers it to the
    name it derives (沙生态环境罚…, never the unit id)."""
    load_reference()
    actor = {"id": "SX-ADMIN-01", "role": "list_admin", "unit": "sx-justice"}
    town = {"command": "register_township", "command_id": "short-name-town",
            "at": "2023-01-05T09:00:00+08:00", "actor": actor,
            "data": {"township_id": "shiyan", "name": "试验镇", "kind": "town",
                     "legal_name": "三明市沙县区试验镇人民政府", "district": "sx",
                     "short_name": "试验"}}
    expect_rc(zf("--db", "db", "exec", json.dumps(town, ensure_ascii=False)), EXIT_OK)
    dept = {"command": "register_department", "command_id": "short-name-dept",
            "at": "2023-01-05T09:00:00+08:00", "actor": actor,
            "data": {"department_id": "sx-test", "name": "三明市沙县区试验局",
                     "legal_name": "三明市沙县区试验局", "level": "district", "district": "sx",
                     "short_name": ""}}
    expect_rc(zf("--db", "db", "exec", json.dumps(dept, ensure_ascii=False)), EXIT_INVALID)
    r = zf("--db", "db", "export")
    expect_rc(r, 0)
    events = [json.loads(l) for l in r.out.splitlines() if '"township_registered"' in l]
    mine = [e for e in events if e["data"]["township_id"] == "shiyan"]
    check(len(mine) == 1 and mine[0]["data"].get("short_name") == "试验",
          "the event keeps short_name: %r" % mine)
    check(all("short_name" not in e["data"] for e in events if e["data"]["township_id"] != "shiyan"),
          "the sample's registrations carry no short_name")
    # A replay folds the new field like the others.
    expect_rc(zf("--db", "db", "replay", "--verify"), 0)
    # The generator's document numbers: the registered short name first.
    gen = os.path.join(os.path.dirname(SAMPLE), "gen")
    sys.path.insert(0, gen)
    try:
        import make_cases
    finally:
        sys.path.remove(gen)
    org = [{"command": "register_department",
            "data": {"department_id": "sx-eco", "name": "三明市沙县生态环境局"}},
           {"command": "register_department",
            "data": {"department_id": "sx-test", "name": "三明市沙县区试验局", "short_name": "试"}},
           {"command": "register_township", "data": {"township_id": "gaosha", "name": "高砂镇"}},
           {"command": "register_township",
            "data": {"township_id": "shiyan", "name": "试验镇", "short_name": "试验乡"}}]
    short = make_cases.Org(org=org, powers=[]).short_names
    check(short == {"sx-eco": "生态环境", "sx-test": "试", "gaosha": "高砂", "shiyan": "试验乡"},
          "document-number units: %r" % short)


def test_as_actor_township():
    """Issue 19: a read naming a reader (--as-actor) whose unit is a
    township or its brigade reads only that township's cases, as a
    township token does through the server: another township's case is
    refused (exit 4, outside_township, in Chinese or English) before
    anything is recorded; case list and deadlines are limited to the
    township, another --township refused. Other units read everything."""
    load_reference()
    expect_rc(zf("--db", "db", "import", write_lines("cases.jsonl", case_commands())), 0)
    gaosha = ["--as-actor", "SX-OF-0103", "--role", "enforcement_officer", "--unit", "gaosha"]
    for command in (["case", "show"], ["case", "history"], ["case", "explain"]):
        r = zf("--db", "db", *command, "SX-T-003", *gaosha)
        expect_rc(r, EXIT_REJECTED)
        expect_in("outside_township", r.err, "stderr")
        # The units by name, the ids beside them (issue 18).
        expect_in("只能查阅本乡镇 高砂镇（gaosha） 的案件", r.err, "stderr")
        expect_in("查阅人 罗志强（SX-OF-0103）", r.err, "stderr")
        expect_in("发生在 凤岗街道（fenggang）", r.err, "stderr")
        check("由  办理" not in r.err, "no empty handling subject: %r" % r.err)
    r = zf("--db", "db", "--lang", "en", "case", "show", "SX-T-003", *gaosha)
    expect_rc(r, EXIT_REJECTED)
    expect_in("reads only the cases of the township 高砂镇 (gaosha)", r.err, "stderr")
    r = zf("--db", "db", "--json", "access", "--case", "SX-T-003")
    expect_rc(r, EXIT_OK)
    check(r.json() == [], "a refused read is not recorded: %r" % r.out)
    expect_rc(zf("--db", "db", "case", "show", "SX-T-001", *gaosha), EXIT_OK)
    r = zf("--db", "db", "--json", "case", "list", *gaosha)
    expect_rc(r, EXIT_OK)
    check([c["case_id"] for c in r.json()] == ["SX-T-001", "SX-T-002"], "gaosha's list %r" % r.out)
    for command in (["case", "list"], ["deadlines"]):
        r = zf("--db", "db", *command, "--township", "fenggang", *gaosha)
        expect_rc(r, EXIT_REJECTED)
        expect_in("outside_township", r.err, "stderr")
    brigade = ["--as-actor", "SX-OF-0094", "--role", "brigade_captain", "--unit",
               "fenggang-brigade"]
    expect_rc(zf("--db", "db", "case", "show", "SX-T-001", *brigade), EXIT_REJECTED)
    r = zf("--db", "db", "--json", "case", "list", *brigade)
    expect_rc(r, EXIT_OK)
    check([c["case_id"] for c in r.json()] == ["SX-T-003"], "the brigade's list %r" % r.out)
    department = ["--as-actor", "SX-OF-0032", "--role", "enforcement_officer", "--unit",
                  "sx-market"]
    r = zf("--db", "db", "--json", "case", "list", *department)
    expect_rc(r, EXIT_OK)
    check(len(r.json()) == 3, "a department lists every case: %r" % r.out)
    expect_rc(zf("--db", "db", "case", "list", "--role", "x"), EXIT_USAGE)


def test_cache_aggregates():
    """$ZF_CACHE_AGGREGATES sets the engine's cache; a cache of one case
    answers as the default one; a bad value is refused, naming the variable."""
    load_reference()
    expect_rc(zf("--db", "db", "import", write_lines("cases.jsonl", case_commands())), 0)
    default = zf("--db", "db", "--json", "case", "list")
    expect_rc(default, 0)
    tiny = run([ZFCLI, "--db", "db", "--json", "case", "list"],
               env={"ZF_CACHE_AGGREGATES": "1"})
    expect_rc(tiny, 0)
    check(tiny.out == default.out, "a cache of one answers as the default")
    for bad in ("0", "-3", "many", "12x"):
        r = run([ZFCLI, "--db", "db", "case", "list"], env={"ZF_CACHE_AGGREGATES": bad})
        expect_rc(r, 3)
        expect_in("ZF_CACHE_AGGREGATES", r.err, "stderr")


def test_replay_projections():
    load_reference()
    expect_rc(zf("--db", "db", "import", write_lines("cases.jsonl", case_commands())), 0)
    r = zf("--db", "db", "--json", "replay", "--verify")
    expect_rc(r, 0)
    report = json.loads(r.out)
    check(report["ok"] and report["rows"] == 3, "inline rows agree with a rebuild: " + r.out)
    # Change a stored row behind zf's back with RocksDB's own tool.
    r = ldb("--db=" + path("db"), "--column_family=projections", "put",
            "case_view/SX-T-002", '{"case_id":"SX-T-002","state":"closed"}')
    require(r.rc == 0, "ldb put failed: %s %s" % (r.out, r.err))
    r = zf("--db", "db", "--json", "replay", "--verify")
    expect_rc(r, EXIT_FINDINGS)
    check(json.loads(r.out)["different"] == ["case_view/SX-T-002"], "names the row: " + r.out)
    r = zf("--db", "db", "replay")
    expect_rc(r, 0)
    expect_in("已按事件重建", r.out, "stdout")
    expect_rc(zf("--db", "db", "replay", "--verify"), 0)
    expect_rc(zf("--db", "missing", "replay", "--verify"), 3)


def _store_files(db):
    """Every file under db with its size and modification time."""
    files = {}
    for root, _, names in os.walk(path(db)):
        for n in names:
            st = os.stat(os.path.join(root, n))
            files[os.path.relpath(os.path.join(root, n), path(db))] = (st.st_size, st.st_mtime_ns)
    return files


READS = [
    ["--json", "case", "show", "SX-T-001"],
    ["--json", "case", "list"],
    ["--json", "case", "history", "SX-T-001"],
    ["--json", "case", "explain", "SX-T-001", "--as-of", "2024-06-30"],
    ["--json", "deadlines", "--as-of", "2030-01-01"],
    ["--json", "stats", "--from", "2023-01-01", "--to", "2023-12-31"],
    ["--json", "rules", "show", "--power", "SAFE-017", "--as-of", "2023-06-01"],
    ["--json", "grid", "list"],
    ["--json", "review", "list"],
    ["--json", "access", "--case", "SX-T-001"],
    ["--json", "log", "--limit", "5"],
    ["--json", "store", "verify"],
    ["--json", "audit", "verify"],
    ["--json", "replay", "--verify"],
    ["case", "show", "SX-T-001"],
]


def test_read_only_media():
    """Reads need no writable store: they change no file in it, and they
    answer the same on a read-only mount of it."""
    load_reference()
    expect_rc(zf("--db", "db", "import", write_lines("cases.jsonl", case_commands())), 0)
    before = _store_files("db")
    answers = []
    for args in READS:
        r = zf("--db", "db", *args)
        # The audit finds the filed case's D9 breached (exit 6): it is left open.
        expect_rc(r, EXIT_FINDINGS if args[1:3] == ["audit", "verify"] else EXIT_OK)
        answers.append(r.out)
    check(_store_files("db") == before, "reads changed the store's files:\n  %r\n  %r"
          % (sorted(before.items()), sorted(_store_files("db").items())))
    r = zf("--db", "db", "backup", "copy")
    expect_rc(r, EXIT_OK)
    check(_store_files("db") == before, "a backup changed the store's files")
    # A read keeps its RocksDB secondary's own files in a temporary
    # directory, and removes it.
    os.mkdir(path("tmp"))
    r = run([ZFCLI, "--db", "db", "--json", "case", "show", "SX-T-001"],
            env={"TMPDIR": path("tmp")})
    check(r.rc == EXIT_OK and r.out == answers[0], "case show with TMPDIR set: %s" % r.err)
    check(os.listdir(path("tmp")) == [], "a read left %r in $TMPDIR" % os.listdir(path("tmp")))

    # The same reads on a read-only view of the store. As root, file modes
    # do not stop writes: a read-only bind mount in a private mount
    # namespace does (unshare -m; it needs CAP_SYS_ADMIN).
    os.mkdir(path("ro"))
    if os.geteuid() != 0:
        for root, dirs, names in os.walk(path("copy")):
            for n in dirs + names:
                os.chmod(os.path.join(root, n), 0o555 if n in dirs else 0o444)
        os.chmod(path("copy"), 0o555)
        prefix, db = [], "copy"
    else:
        unshare = shutil.which("unshare")
        require(unshare is not None, "unshare (util-linux) is needed for a read-only mount")
        prefix = [unshare, "-m", "sh", "-c",
                  'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && shift 2 && '
                  'exec "$@"', "sh", path("copy"), path("ro")]
        r = run(prefix + ["touch", path("ro", "probe")])
        require(r.rc != 0 and "Read-only" in r.err,
                "the read-only bind mount is writable or failed: %d %s" % (r.rc, r.err))
        require(not os.path.exists(path("copy", "probe")), "a write reached the copy")
        db = path("ro")
    def comparable(args, out):
        if args[1:3] != ["audit", "verify"]:
            return out
        report = json.loads(out)
        report.pop("elapsed_seconds", None)
        return report
    for args, expected in zip(READS, answers):
        r = run(prefix + [ZFCLI, "--db", db] + args)
        expect_rc(r, EXIT_FINDINGS if args[1:3] == ["audit", "verify"] else EXIT_OK)
        check(comparable(args, r.out) == comparable(args, expected),
              "`%s` on the read-only copy answers otherwise:\n  %s\n  %s"
              % (" ".join(args), r.out[:300], expected[:300]))
    # A write is refused there, as an I/O error (storage), and stores nothing.
    r = run(prefix + [ZFCLI, "--db", db, "import", path("cases.jsonl")])
    check(r.rc == EXIT_STORAGE, "import on read-only media exited %d: %s" % (r.rc, r.err))
    if os.geteuid() != 0:
        for root, dirs, _ in os.walk(path("copy")):
            os.chmod(root, 0o755)


def _run_with_file_size_limit(limit, *args):
    """zfcli with RLIMIT_FSIZE at `limit` bytes: a write that would grow a
    file past it fails (EFBIG, SIGXFSZ ignored), for root as for anyone —
    the failed-write path of a full disk without a small filesystem."""
    import resource
    import signal

    def limit_writes():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    e = dict(os.environ)
    e.pop("ZF_DB", None)
    argv = [ZFCLI] + list(args)
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TMP, env=e,
                       preexec_fn=limit_writes, timeout=60 * TIMEOUT_SCALE)
    r = Run(argv, p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))
    TRANSCRIPT.append("$ (file size limit %d) %s\n  -> exit %d\n  stdout: %s\n  stderr: %s"
                      % (limit, " ".join(argv), r.rc, r.out.strip()[:600], r.err.strip()[:600]))
    return r


def test_disk_full():
    """Writes that fail (a full disk) never abort zfcli (issue 14 §6: SIGABRT
    in RocksDB's `sync_without_flush_called_` assertion, from its info log):
    reads answer, an import fails with exit 1 io_error, and once writes work
    again the store imports and verifies."""
    load_reference()
    expected = zf("--db", "db", "--json", "case", "list").out
    for limit in (4096, 65536):
        for args in (["--json", "case", "list"], ["--json", "stats", "--from", "2023-01-01",
                                                  "--to", "2023-12-31"]):
            r = _run_with_file_size_limit(limit, "--db", "db", *args)
            check(r.rc == EXIT_OK, "`%s` with writes failing exited %d: %s"
                  % (" ".join(args), r.rc, r.err[-400:]))
        r = _run_with_file_size_limit(limit, "--db", "db", "--json", "case", "list")
        check(r.out == expected, "case list with writes failing: " + r.out[:200])
        for db, args in (("db", ["import", sample_file("07-cases-2022.jsonl")]),
                         ("raw", ["store", "append", SAMPLE])):
            if db == "raw" and limit > 4096:
                continue      # the sample's events fit in 64 KiB
            r = _run_with_file_size_limit(limit, "--db", db, "--lang", "en", *args)
            check(r.rc == EXIT_STORAGE, "`%s` with writes failing exited %d (want 1): %s"
                  % (args[0], r.rc, r.err[-400:]))
            expect_in("[io_error]", r.err, "stderr of %s with writes failing" % args[0])
            expect_in("File too large", r.err, "stderr of %s with writes failing" % args[0])
            expect_not_in("Assertion", r.err, "stderr of %s with writes failing" % args[0])
    # Space again: nothing acknowledged was lost, the import completes.
    expect_rc(zf("--db", "db", "import", sample_file("07-cases-2022.jsonl")), EXIT_OK)
    expect_rc(zf("--db", "db", "store", "verify"), EXIT_OK)
    expect_rc(zf("--db", "db", "replay", "--verify"), EXIT_OK)
    expect_rc(zf("--db", "raw", "store", "append", SAMPLE), EXIT_OK)
    expect_rc(zf("--db", "raw", "store", "verify"), EXIT_OK)


def test_store_holder():
    """A writer names itself in the store while it holds it; a command that
    would write is refused with exit 7 naming it; a stale file is ignored."""
    load_reference()
    holder = path("db", "zf-holder.json")
    check(not os.path.exists(holder), "a holder file outlived the imports")
    e = dict(os.environ)
    e.pop("ZF_DB", None)
    # `import -` holds the store while it waits for its input.
    writer = subprocess.Popen([ZFCLI, "--db", "db", "import", "-"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TMP, env=e)
    try:
        # Held from the open until exit; polled, as there is nothing to wait on.
        for _ in range(600):
            if os.path.exists(holder) or writer.poll() is not None:
                break
            import time
            time.sleep(0.05)
        require(os.path.exists(holder), "no holder file while `import -` runs")
        with open(holder) as f:
            h = json.load(f)
        check(h["pid"] == writer.pid and h["address"] == "" and h["since"],
              "holder %r (pid %d)" % (h, writer.pid))
        lines = case_commands()
        r = zf("--db", "db", "exec", lines[0])
        expect_rc(r, 7)
        expect_in("存储（db）正由进程 %d 写入（自 %s 起）；请待其结束后重试" % (writer.pid, h["since"]),
                  r.err, "stderr of a write beside a writer")
        expect_not_in("LOCK", r.err, "stderr of a write beside a writer")
        r = zf("--db", "db", "--lang", "en", "import", write_lines("cases.jsonl", lines))
        expect_rc(r, 7)
        expect_in("the store at db is held for writing by process %d" % writer.pid, r.err,
                  "stderr (en)")
        expect_rc(zf("--db", "db", "case", "list"), EXIT_OK)
        out, err = writer.communicate(("\n".join(lines) + "\n").encode(),
                                       timeout=60 * TIMEOUT_SCALE)
        check(writer.returncode == 0, "import - exited %d: %s" % (writer.returncode, err))
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    check(not os.path.exists(holder), "the holder file outlived `import -`")
    r = zf("--db", "db", "--json", "case", "list")
    check([c["case_id"] for c in r.json()] == ["SX-T-001", "SX-T-002", "SX-T-003"],
          "the cases of `import -`: %r" % r.out)

    # A holder file whose process is gone neither names it nor blocks a write.
    gone = subprocess.Popen(["true"])
    gone.wait()
    with open(holder, "w") as f:
        json.dump({"pid": gone.pid, "address": "http://127.0.0.1:1", "since": "x"}, f)
    more = json.dumps({"command": "register_clue", "command_id": "cli-stale", "at":
                       "2023-10-09T09:00:00+08:00", "case_id": "SX-T-009",
                       "actor": {"id": "SX-OF-0094", "role": "enforcement_officer",
                                 "unit": "fenggang"},
                       "data": {"source": "inspection", "township": "fenggang",
                                "description": "现场检查发现", "discovered_on": "2023-10-09"}},
                      ensure_ascii=False)
    r = zf("--db", "db", "exec", more)
    expect_rc(r, EXIT_OK)
    check(not os.path.exists(holder), "the stale holder file was left behind")
    expect_rc(zf("--db", "db", "case", "show", "SX-T-009"), EXIT_OK)


def _audit_findings(r):
    report = r.json()
    return report, [(f["kind"], f["code"], f["position"], f["stream"])
                    for f in report.get("findings_list", [])]


def test_import_sigkill_resume():
    """Issue 14 §7, a crash test with its own oracle: `zfcli import` is
    SIGKILLed mid-import several times, then run again to the end; the
    store it leaves holds, event for event, what a clean import of the same
    file holds (every field but recorded_at and the hashes that cover it),
    its rows agree with a rebuild, it reads the same and it audits clean.
    (The SIGKILL tests of the integration tier check that acknowledged
    writes survive; this one checks that resuming an import gives the
    clean result.)"""
    import random
    import time
    lines = []
    for name in ("01-calendar.jsonl", "02-org.jsonl", "03-powers.jsonl", "04-leniency.jsonl",
                 "05-benchmarks.jsonl", "06-hearing-thresholds.jsonl", "07-cases-2022.jsonl"):
        with open(sample_file(name), encoding="utf-8") as f:
            lines += [l for l in f.read().split("\n") if l.strip() and not l.startswith("#")]
    source = write_lines("year.jsonl", lines)

    started = time.monotonic()
    r = zf("--db", "clean", "--json", "import", source)
    took = time.monotonic() - started
    expect_rc(r, 0)
    check(r.json()["applied"] == len(lines), "clean import: " + r.out)

    # The killed imports write every 256 commands (--commit-every; the
    # file's 1,423 lines are otherwise one write, all or nothing). Each
    # kill comes once the store has grown to a random part of what the
    # clean import left, at least 40 % of it: more than the store's own
    # files and one write, so the first round has committed something
    # however loaded the machine; then after a random pause of up to 20 ms.
    def store_bytes(db):
        total = 0
        for root, _, files in os.walk(path(db)):
            for name in files:
                try:
                    total += os.path.getsize(os.path.join(root, name))
                except OSError:
                    pass
        return total
    full = store_bytes("clean")
    rng = random.Random(os.environ.get("ZF_TEST_SEED", str(time.time_ns())))
    killed = 0
    for target in sorted(rng.uniform(0.4, 0.9) * full for _ in range(3)):
        p = subprocess.Popen([ZFCLI, "--db", "crashed", "import", source, "--commit-every", "256"],
                             cwd=TMP,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60 * TIMEOUT_SCALE
        while p.poll() is None and store_bytes("crashed") < target and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.02))
        if p.poll() is None:
            p.kill()
            killed += 1
        p.wait()
        TRANSCRIPT.append("$ zfcli --db crashed import year.jsonl  # SIGKILL %d at %d of %d bytes"
                          % (killed, store_bytes("crashed"), full))
    check(killed >= 2, "import killed mid-way only %d times (clean import took %.2f s)"
          % (killed, took))
    r = zf("--db", "crashed", "--json", "import", source)
    expect_rc(r, 0)
    summary = r.json()
    check(summary["applied"] + summary["already_applied"] == len(lines)
          and summary["already_applied"] > 0, "resumed import: " + r.out)

    # The oracle: the clean import, field by field.
    clean, _ = export_events("clean")
    crashed, _ = export_events("crashed")
    check(len(crashed) == len(clean), "%d events after the crashes, %d after a clean import"
          % (len(crashed), len(clean)))
    derived = ("recorded_at", "hash", "prev_hash", "ledger_hash")
    for a, b in zip(clean, crashed):
        want = {k: v for k, v in a.items() if k not in derived}
        got = {k: v for k, v in b.items() if k not in derived}
        if not check(got == want, "position %s differs:\n    clean   %s\n    crashed %s"
                     % (a.get("position"), json.dumps(want, ensure_ascii=False)[:400],
                        json.dumps(got, ensure_ascii=False)[:400])):
            break
    # Its rows, reads and audit.
    r = zf("--db", "crashed", "--json", "replay", "--verify")
    expect_rc(r, 0)
    check(r.json()["ok"], "rows agree with a rebuild: " + r.out[:400])
    for query in (["case", "list"], ["stats", "--from", "2022-01-01", "--to", "2023-12-31"]):
        want = zf("--db", "clean", "--json", *query)
        got = zf("--db", "crashed", "--json", *query)
        expect_rc(got, 0)
        check(got.out == want.out, "`%s` differs after the crashes" % " ".join(query))
    r = zf("--db", "crashed", "--json", "audit", "verify")
    expect_rc(r, 0)
    report, findings = _audit_findings(r)
    check(report["ok"] and findings == [], "audit after the crashes: %r" % findings[:5])
    expect_rc(zf("--db", "crashed", "store", "verify"), 0)


def test_audit_year():
    """The generated year (examples/shaxian/01..09) audits clean, whole and
    by case; a case's dossier verifies offline and fails with a byte changed."""
    load_reference(files="[0-9][0-9]-*.jsonl")
    head = json.loads(zf("--db", "db", "store", "verify", "--json").out)["to"]
    # Every act of the year: chains intact, every command re-decided to the
    # same events, every decision lawful, every deadline met when acted on.
    r = zf("--db", "db", "--json", "audit", "verify", "--to", str(head), "--report", "report.json")
    expect_rc(r, 0)
    report, findings = _audit_findings(r)
    check(report["ok"] and findings == [], "the generated year audits clean: %r" % findings[:5])
    check(report["commands_redecided"] == report["commands_checked"] > 7000,
          "every command re-decided: %r" % {k: report[k] for k in report if k != "findings_list"})
    check(report["decisions_checked"] > 700, "decisions checked: %r" % report["decisions_checked"])
    with open(path("report.json"), encoding="utf-8") as f:
        check(json.load(f)["ok"] is True, "--report writes the JSON report")
    # Without --to the audit also looks at what is still open at its
    # reference time (the latest occurred_at: the 2025 calendar published on
    # 2024-11-12): the cases of 2022-2023 the generator leaves undecided were
    # suspended or had a period excluded in time, so nothing is past due.
    r = zf("--db", "db", "--json", "audit", "verify")
    expect_rc(r, 0)
    report, findings = _audit_findings(r)
    check(report["reference_time"].startswith("2024-11-12"), "reference time: %r" % report["reference_time"])
    check(report["ok"] and findings == [], "the whole year audits clean: %r" % findings[:5])
    # Still open at the reference time, lawfully: past 90 days, not breached.
    r = zf("--db", "db", "--json", "deadlines", "--past-limit", "--as-of", "2024-11-12")
    expect_rc(r, 0)
    rows = json.loads(r.out)
    check(len(rows) > 50 and all(d["deadline"] == "D9" and not d["breached"] for d in rows),
          "undecided cases are past 90 days and paused: %r" % rows[:3])
    check(all("paused since" in d["basis"] for d in rows), "each says why: %r" % rows[:3])
    # One thread or several: the same report, finding for finding.
    def report_without_time(*args):
        r = zf("--db", "db", "--json", "audit", "verify", *args)
        expect_rc(r, 0)
        report = r.json()
        report.pop("elapsed_seconds")
        return report
    one = report_without_time("--jobs", "1", "--to", str(head))
    check(report_without_time("--jobs", "3", "--to", str(head)) == one,
          "--jobs 3 reports what --jobs 1 does")
    for bad in ("-1", "100000", "two"):
        expect_rc(zf("--db", "db", "audit", "verify", "--jobs", bad), EXIT_USAGE)
    r = zf("--db", "db", "audit", "verify", "--case", "SX-2023-E0010")
    expect_rc(r, 0)
    expect_in("审计通过", r.out, "audit verify --case (zh)")
    r = zf("--db", "db", "--lang", "en", "audit", "verify", "--case", "SX-2023-E0010")
    expect_in("audit clean", r.out, "audit verify --case (en)")
    expect_rc(zf("--db", "db", "audit", "verify", "--case", "NO-SUCH"), EXIT_INVALID)

    r = zf("--db", "db", "case", "dossier", "SX-2023-E0010", "--out", "d.jsonl")
    expect_rc(r, 0)
    r = zf("dossier", "verify", "d.jsonl", "--json")
    expect_rc(r, 0)
    check(r.json()["commands_redecided"] > 3, "the dossier's commands re-decided: " + r.out[:300])
    with open(path("d.jsonl"), encoding="utf-8") as f:
        text = f.read()
    at = text.index('"hash":"', text.index('"stream":"case/SX-2023-E0010"')) + 8
    bad = text[:at] + ("1" if text[at] != "1" else "2") + text[at + 1:]
    write_lines("bad.jsonl", bad.splitlines())
    r = zf("dossier", "verify", "bad.jsonl", "--json")
    expect_rc(r, EXIT_FINDINGS)
    _, findings = _audit_findings(r)
    check(any(k == "integrity" and c == "hash_mismatch" for k, c, _, _ in findings),
          "the changed byte is named: %r" % findings[:5])


def test_audit_tamper_ldb():
    """Tampering with RocksDB's own tool: a changed amount and a deleted
    event are caught and named by audit verify."""
    load_reference(files="0[1-7]-*.jsonl")
    head = json.loads(zf("--db", "db", "store", "verify", "--json").out)["to"]
    expect_rc(zf("--db", "db", "audit", "verify", "--to", str(head)), 0)
    evs, _ = export_events("db")
    target = next(e for e in evs if e["type"] == "decision_made" and e["data"].get("fine_fen", 0) > 0)
    pos = target["position"]
    r = ldb("--db=" + path("db"), "--column_family=events", "get", key_hex(pos),
            "--key_hex", "--value_hex")
    require(r.rc == 0, "ldb get failed: %s %s" % (r.out, r.err))
    value = bytes.fromhex(r.out.strip()[2:])
    needle = b'"fine_fen":'
    at = value.index(needle) + len(needle)
    digit = value[at:at + 1]
    value = value[:at] + (b"9" if digit != b"9" else b"8") + value[at + 1:]
    r = ldb("--db=" + path("db"), "--column_family=events", "put", key_hex(pos),
            "0x" + value.hex().upper(), "--key_hex", "--value_hex")
    require(r.rc == 0, "ldb put failed: %s %s" % (r.out, r.err))
    r = zf("--db", "db", "--json", "audit", "verify")
    expect_rc(r, EXIT_FINDINGS)
    _, findings = _audit_findings(r)
    check(("integrity", "hash_mismatch", pos, target["stream"]) in findings,
          "hash_mismatch at %d: %r" % (pos, findings[:6]))
    check(("not_rederivable", "decision_differs", pos, target["stream"]) in findings,
          "decision_differs at %d: %r" % (pos, findings[:6]))
    victim = evs[pos - 3]
    r = ldb("--db=" + path("db"), "--column_family=events", "delete", "--key_hex",
            key_hex(victim["position"]))
    require(r.rc == 0, "ldb delete failed: %s %s" % (r.out, r.err))
    r = zf("--db", "db", "--lang", "en", "audit", "verify")
    expect_rc(r, EXIT_FINDINGS)
    expect_in("position_gap", r.out, "audit verify after the delete")
    expect_in(victim["stream"], r.out, "the deleted event's stream is named")
    # The report in one language: each finding's message (the line under
    # its heading) Chinese by default, English with --lang en.
    en = _finding_messages(r.out)
    r = zf("--db", "db", "audit", "verify")
    expect_rc(r, EXIT_FINDINGS)
    zh = _finding_messages(r.out)
    check(len(zh) == len(en) >= 3, "findings in both languages: %d, %d" % (len(zh), len(en)))
    _scan_chinese("audit verify's findings", "\n".join(zh))
    check(all(_HAN.search(m) for m in zh), "every message in Chinese: %r" % zh[:4])
    check(not [m for m in en if _HAN.search(m)],
          "no Chinese in English messages: %r" % [m for m in en if _HAN.search(m)][:4])


def test_case_show_names_from_rows():
    """Issue 13: case show names the case's township, area and handlers
    from the stored names rows, not from a fold of the reference data (at a
    province's size the fold is a second per query). The org stream's first
    event is deleted with RocksDB's ldb: a fold of the reference data fails
    from then on, so the names case show still prints were read from the
    rows."""
    load_reference(files="0[1-7]-*.jsonl")
    evs, _ = export_events("db")
    filed = next(e for e in evs if e["type"] == "case_filed" and e["data"].get("handlers"))
    case_id = filed["stream"][len("case/"):]
    view = json.loads(zf("--db", "db", "--json", "case", "show", case_id).out)
    ids = [view["township"], view["area"]] + list(view["filing"]["handlers"])
    first_org = next(e for e in evs if e["stream"] == "org" and e["version"] == 1)
    r = ldb("--db=" + path("db"), "--column_family=events", "delete", "--key_hex",
            key_hex(first_org["position"]))
    require(r.rc == 0, "ldb delete failed: %s %s" % (r.out, r.err))
    # The fold does fail now: a view as of a moment folds the reference data.
    r = zf("--db", "db", "case", "show", case_id, "--as-of", "2099-01-01")
    check(r.rc != EXIT_OK, "case show --as-of folded without the org stream's first event")
    r = zf("--db", "db", "case", "show", case_id)
    expect_rc(r, EXIT_OK)
    for unit in ids:
        expect_in("（%s）" % unit, r.out, "case show names %s" % unit)
    r = zf("--db", "db", "--lang", "en", "case", "show", case_id)
    expect_rc(r, EXIT_OK)
    for unit in ids:
        expect_in("(%s)" % unit, r.out, "case show --lang en names %s" % unit)


def _finding_messages(out):
    """The message lines of `audit verify`'s findings: the line after each
    finding's heading ("  [kind] ...")."""
    lines = out.splitlines()
    return [lines[i + 1].strip() for i, l in enumerate(lines[:-1]) if l.startswith("  [")]


def keys_file(name):
    return os.path.join(os.path.dirname(SAMPLE), "keys", name)


def _roll_back_last_command(db, evs):
    """The rollback attack with RocksDB's own tool: the last command's events,
    their stream index entries, the command record and the checkpoints on
    them deleted, and the ledger head rewound. Returns the new head."""
    last = evs[-1]
    group = [e for e in evs if e["command_id"] == last["command_id"]]
    cut = group[0]["position"]
    for e in group:
        for family, key in (
                ("events", key_hex(e["position"])),
                ("streams", "0x" + (e["stream"].encode() + b"\0" +
                                    e["version"].to_bytes(8, "big")).hex().upper()),
                ("meta", "0x" + (b"checkpoint/" + e["position"].to_bytes(8, "big")).hex().upper())):
            r = ldb("--db=" + path(db), "--column_family=" + family, "delete", "--key_hex", key)
            require(r.rc == 0, "ldb delete failed: %s %s" % (r.out, r.err))
    r = ldb("--db=" + path(db), "--column_family=commands", "delete", last["command_id"])
    require(r.rc == 0, "ldb delete failed: %s %s" % (r.out, r.err))
    before = zf("--db", db, "store", "verify", "--to", str(cut - 1), "--json").json()
    value = (cut - 1).to_bytes(8, "big") + bytes.fromhex(before["ledger_hash"])
    r = ldb("--db=" + path(db), "--column_family=meta", "put", "--key_hex", "--value_hex",
            "0x" + b"ledger_head".hex().upper(), "0x" + value.hex().upper())
    require(r.rc == 0, "ldb put failed: %s %s" % (r.out, r.err))
    return cut - 1


def test_checkpoint_anchors():
    """Issue 14 §4: signed checkpoints written at the interval and on demand,
    exported (JSON lines and paper), and compared: a store rolled back with
    ldb (events, index, command record, checkpoint rows and ledger head)
    passes `store verify` and `audit verify` alone and fails both, exit 6
    naming the checkpoint, with the export kept before the attack."""
    key, pub, other = (keys_file("checkpoint-test.pem"), keys_file("checkpoint-test.pub.pem"),
                       keys_file("other-test.pem"))
    for f in sorted(__import__("glob").glob(os.path.join(os.path.dirname(SAMPLE), "0[1-6]-*.jsonl"))):
        r = zf("--db", "db", "--checkpoint-key", key, "--checkpoint-every", "100", "import", f)
        require(r.rc == 0, "import %s exited %d: %s" % (f, r.rc, r.err.strip()[:400]))
    r = zf("--db", "db", "checkpoint", "write")
    expect_rc(r, EXIT_USAGE)
    r = zf("--db", "db", "checkpoint", "write", "--checkpoint-key", key)
    expect_rc(r, EXIT_OK)
    at_head = json.loads(r.out)
    v = zf("--db", "db", "store", "verify", "--json").json()
    check(at_head["position"] == v["to"] and at_head["ledger_hash"] == v["ledger_hash"],
          "checkpoint write signed %r, the head is %r" % (at_head, v))
    r = zf("--db", "db", "checkpoint", "export", "--out", "cp.jsonl")
    expect_rc(r, EXIT_OK)
    with open(path("cp.jsonl"), encoding="utf-8") as f:
        cps = [json.loads(l) for l in f if l.strip()]
    positions = [c["position"] for c in cps]
    check(len(cps) >= 3 and positions == sorted(positions) and positions[-1] == v["to"],
          "exported checkpoint positions %r (head %d)" % (positions, v["to"]))
    check(all(c["format"] == "zf.checkpoint.v1" and HEX64.match(c["key_id"]) for c in cps),
          "checkpoint lines: %r" % cps[:1])
    # Gaps of at least 100 events between the interval's checkpoints.
    check(all(b - a >= 100 for a, b in zip(positions[:-2], positions[1:-1])),
          "interval checkpoints %r" % positions)
    # Another SM2 implementation (the openssl tool) verifies the signature as
    # docs/event-format.md §8 says, with the default signer id and no other.
    c = cps[-1]
    with open(path("signed.txt"), "w", encoding="ascii") as f:
        f.write("zf-checkpoint-v1\n%d\n%s\n%s\n%s\n"
                % (c["position"], c["ledger_hash"], c["time"], c["key_id"]))
    with open(path("sig.der"), "wb") as f:
        f.write(bytes.fromhex(c["signature"]))
    for distid, rc in (("1234567812345678", 0), ("1234567812345679", 1)):
        r = run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                 keys_file("checkpoint-test.pub.pem"), "-rawin", "-digest", "sm3", "-pkeyopt",
                 "distid:" + distid, "-in", path("signed.txt"), "-sigfile", path("sig.der")])
        check(r.rc == rc, "openssl pkeyutl -verify with id %s exited %d: %s %s"
              % (distid, r.rc, r.out, r.err))
    r = zf("--db", "db", "checkpoint", "export", "--text")
    expect_rc(r, EXIT_OK)
    expect_in("总账哈希", r.out, "checkpoint export --text")
    expect_in("--anchor %d:%s" % (v["to"], v["ledger_hash"]), r.out, "checkpoint export --text")

    # The store agrees with its own export, pinned to the key or not.
    expect_rc(zf("--db", "db", "store", "verify", "--anchor", "cp.jsonl"), EXIT_OK)
    expect_rc(zf("--db", "db", "store", "verify", "--anchor", "cp.jsonl", "--anchor-key", pub),
              EXIT_OK)
    r = zf("--db", "db", "--json", "store", "verify", "--anchor", "cp.jsonl", "--anchor-key", other)
    expect_rc(r, EXIT_FINDINGS)
    kinds = {f["kind"] for f in r.json()["findings"]}
    check(kinds == {"anchor_signature_invalid"}, "another key's anchors: %r" % kinds)
    # A flipped bit in one signature is named with its line.
    lines = open(path("cp.jsonl"), encoding="utf-8").read().splitlines()
    j = json.loads(lines[0])
    j["signature"] = j["signature"][:20] + ("0" if j["signature"][20] != "0" else "1") + \
        j["signature"][21:]
    write_lines("flipped.jsonl", [json.dumps(j)] + lines[1:])
    r = zf("--db", "db", "store", "verify", "--anchor", "flipped.jsonl")
    expect_rc(r, EXIT_FINDINGS)
    expect_in("anchor_signature_invalid", r.out, "store verify with a flipped signature")
    expect_in("flipped.jsonl:1", r.out, "store verify with a flipped signature")
    expect_in("签名验证失败", r.out, "store verify with a flipped signature: the reason")
    # In English the finding gives the same reason in English.
    r = zf("--db", "db", "--lang", "en", "store", "verify", "--anchor", "flipped.jsonl")
    expect_rc(r, EXIT_FINDINGS)
    expect_in("the signature does not verify (the checkpoint or its signature was changed)",
              r.out, "store verify --lang en with a flipped signature: the reason")
    r = zf("--db", "db", "store", "verify", "--anchor", "12:abc")
    expect_rc(r, EXIT_INVALID)

    # The attack.
    evs, _ = export_events("db")
    head = _roll_back_last_command("db", evs)
    v2 = zf("--db", "db", "store", "verify", "--json").json()
    check(v2["ok"] is True and v2["to"] == head,
          "the rolled-back store verifies as %r (head %d)" % (v2, head))
    expect_rc(zf("--db", "db", "audit", "verify"), EXIT_OK)
    r = zf("--db", "db", "store", "verify", "--anchor", "cp.jsonl")
    expect_rc(r, EXIT_FINDINGS)
    expect_in("anchor_beyond_head", r.out, "store verify --anchor after the rollback")
    expect_in("cp.jsonl:%d" % len(cps), r.out, "the contradicted checkpoint is named")
    expect_in("位置 %d" % v["to"], r.out, "the contradicted checkpoint's position")
    r = zf("--db", "db", "--json", "audit", "verify", "--anchor", "cp.jsonl", "--anchor-key", pub)
    expect_rc(r, EXIT_FINDINGS)
    _, findings = _audit_findings(r)
    check(findings == [("integrity", "anchor_beyond_head", v["to"], "")],
          "audit verify --anchor after the rollback: %r" % findings)
    # One hash off paper is enough.
    r = zf("--db", "db", "store", "verify", "--anchor", "%d:%s" % (v["to"], v["ledger_hash"]))
    expect_rc(r, EXIT_FINDINGS)


def test_checkpoint_backup():
    """A backup with a key signs the head of the copy (and of the store, when
    no other process holds it) and prints the checkpoints."""
    key = keys_file("checkpoint-test.pem")
    j = load_sample()
    r = zf("--db", "db", "backup", "plain", "--json")
    expect_rc(r, EXIT_OK)
    check(r.json().get("checkpoints") == [], "a backup without a key signs nothing")
    r = zf("--db", "db", "--json", "backup", "copy", "--checkpoint-key", key)
    expect_rc(r, EXIT_OK)
    cps = r.json().get("checkpoints", [])
    check(len(cps) == 2 and all(c["position"] == j["ledger_position"] and
                                c["ledger_hash"] == j["ledger_hash"] for c in cps),
          "backup checkpoints %r, head %r" % (cps, j))
    for db in ("copy", "db"):
        r = zf("--db", db, "checkpoint", "export")
        expect_rc(r, EXIT_OK)
        got = [json.loads(l) for l in r.out.splitlines() if l.strip()]
        check([c["position"] for c in got] == [j["ledger_position"]],
              "%s keeps checkpoints %r" % (db, got))
    write_lines("cp.jsonl", [json.dumps(c) for c in cps])
    expect_rc(zf("--db", "copy", "store", "verify", "--anchor", "cp.jsonl", "--anchor-key",
                 keys_file("checkpoint-test.pub.pem")), EXIT_OK)
    # The key's errors name the file.
    r = zf("--db", "db", "backup", "copy3", "--checkpoint-key", path("missing.pem"))
    expect_rc(r, EXIT_INVALID)
    expect_in("missing.pem", r.err, "backup with a missing key")


def test_seal_keys():
    """Issue 14 §4 slice B: with a seal of 市场监管局 registered (in force
    from 2022-06-01), its on-the-spot decision is refused without
    --seal-keys (no unsealed decision), sealed with it; the seal verifies
    with the openssl tool; audit and dossier verify are clean, and find a
    seal_invalid in a dossier whose decision was changed."""
    load_reference()
    pub = run(["openssl", "pkey", "-in", keys_file(os.path.join("seals", "sx-market.pem")),
               "-pubout"]).out
    seal = {"command": "register_agency_seal", "command_id": "cli-seal-market",
            "at": "2022-06-01T09:00:00+08:00",
            "actor": {"id": "SX-ADMIN-01", "role": "list_admin", "unit": "sx-justice"},
            "data": {"agency": "sx-market", "public_key": pub, "valid_from": "2022-06-01"}}
    expect_rc(zf("--db", "db", "import", write_lines("seal.jsonl", [json.dumps(seal)])), EXIT_OK)
    case = []
    with open(sample_file("07-cases-2022.jsonl"), encoding="utf-8") as f:
        for line in f:
            c = json.loads(line)
            if c.get("case_id") == "SX-2022-X0001" and c["command"] in (
                    "register_clue", "issue_on_spot_decision"):
                case.append(json.dumps(c, ensure_ascii=False))
    require(len(case) == 2, "the clue and decision of SX-2022-X0001: %r" % case)
    cmds = write_lines("case.jsonl", case)
    r = zf("--db", "db", "import", cmds)
    check(r.rc == EXIT_REJECTED, "import without seal keys exited %d" % r.rc)
    expect_in("sx-market", r.err, "import of a decision without its seal key")
    expect_in("--seal-keys", r.err, "import of a decision without its seal key")
    r = zf("--db", "db", "--seal-keys", path("no-such-dir"), "import", cmds)
    expect_rc(r, EXIT_INVALID)
    expect_in("no-such-dir", r.err, "a missing seal key directory")
    # A dry run decides (and seals) what it would write: it needs the keys too.
    expect_rc(zf("--db", "db", "import", "--dry-run", cmds), EXIT_REJECTED)
    expect_rc(zf("--db", "db", "--seal-keys", keys_file("seals"), "import", "--dry-run", cmds),
              EXIT_OK)
    r = zf("--db", "db", "--seal-keys", keys_file("seals"), "import", cmds)
    expect_rc(r, EXIT_OK)
    decision = None
    for e in (json.loads(l) for l in zf("--db", "db", "export").out.splitlines() if l.strip()):
        if e.get("type") == "on_spot_decision_issued":
            decision = e
    require(decision is not None and "seal" in decision["data"],
            "the decision carries a seal: %r" % decision)
    s = decision["data"]["seal"]
    check(s["agency"] == "sx-market" and s["algorithm"] == "SM2-with-SM3" and
          HEX64.match(s["key_id"]), "seal %r" % s)
    # Another SM2 implementation verifies it (docs/event-format.md §7): the
    # canonical JSON of the data without the seal, default signer id.
    data = dict(decision["data"])
    del data["seal"]
    with open(path("sealed.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    with open(path("seal.der"), "wb") as f:
        f.write(bytes.fromhex(s["signature"]))
    r = run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", write_lines("pub.pem", [pub.strip()]),
             "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
             "-in", path("sealed.json"), "-sigfile", path("seal.der")])
    check(r.rc == 0, "openssl verifies the seal: %s %s" % (r.out, r.err))
    # Clean but for the case's open report deadline (D13: only its clue and
    # decision were recorded).
    for r in (zf("--db", "db", "--json", "audit", "verify"),):
        _, findings = _audit_findings(r)
        check([(k, c) for k, c, _, _ in findings] == [("deadline", "deadline_open_past_due")],
              "audit of the sealed decision: %r" % findings)
    # The deadline finding's basis and message in the chosen language
    # (issue 18): the law by its official title, the same basis as
    # `deadlines`; --json carries both forms.
    f = zf("--db", "db", "--json", "audit", "verify").json()["findings_list"][0]
    check(f["rule"] == "D13" and f["legal_basis"] == f["legal_basis_en"]
          and f["legal_basis_en"].startswith("APL art. 52")
          and f["legal_basis_zh"].startswith("《中华人民共和国行政处罚法》第五十二条")
          and "应于" in f["message_zh"] and "was due on" in f["message"],
          "the D13 finding in both languages: %r" % f)
    r = zf("--db", "db", "audit", "verify")
    expect_rc(r, EXIT_FINDINGS)
    finding = [l for l in r.out.splitlines() if l.startswith("      ")]
    check(len(finding) == 2, "a finding's message and basis lines: %r" % r.out[:800])
    expect_in("依据: 《中华人民共和国行政处罚法》第五十二条", r.out, "audit verify (zh)")
    expect_in("事件=", r.out, "audit verify (zh)")
    _scan_chinese("audit verify's finding", "\n".join(finding))
    r = zf("--db", "db", "--lang", "en", "audit", "verify")
    expect_rc(r, EXIT_FINDINGS)
    expect_in("basis: APL art. 52", r.out, "audit verify --lang en")
    expect_in("was due on", r.out, "audit verify --lang en")
    expect_not_in("《", r.out, "audit verify --lang en")
    expect_rc(zf("--db", "db", "case", "dossier", "SX-2022-X0001", "--out", "d.jsonl"), EXIT_OK)
    _, findings = _audit_findings(zf("dossier", "verify", path("d.jsonl"), "--json"))
    check([(k, c) for k, c, _, _ in findings] == [("deadline", "deadline_open_past_due")],
          "dossier verify of the sealed decision: %r" % findings)
    # The decision's document number changed in the dossier, with its hash,
    # the ledger links and the recorded command made to agree, is caught
    # by the seal alone; here the hash is left, so the seal is one finding.
    text = open(path("d.jsonl"), encoding="utf-8").read()
    changed = text.replace("沙市监当罚〔2022〕1号", "沙市监当罚〔2022〕2号")
    check(changed != text, "the dossier names the document number")
    with open(path("bad.jsonl"), "w", encoding="utf-8") as f:
        f.write(changed)
    r = zf("--json", "dossier", "verify", path("bad.jsonl"))
    expect_rc(r, EXIT_FINDINGS)
    _, findings = _audit_findings(r)
    check(any(k == "integrity" and c == "seal_invalid" for k, c, _, _ in findings),
          "dossier verify of a changed decision names the seal: %r" % findings[:8])


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(SAMPLE))))


def readme_line(pattern):
    """The first line of README.md matching the regex, with its match."""
    with open(os.path.join(repo_root(), "README.md"), encoding="utf-8") as f:
        for line in f:
            m = re.search(pattern, line)
            if m:
                return line.rstrip("\n"), m
    fail("README.md has no line matching %r" % pattern)
    raise Abort()


def readme_argv(line):
    """A README command line as argv, run from TMP: $Z is zfcli, a path
    into the checkout is made absolute, the comment is dropped."""
    import shlex
    argv = shlex.split(line.split("  #")[0])
    argv = [ZFCLI if a == "$Z" else a for a in argv]
    return [os.path.join(repo_root(), a) if a.startswith("examples/") else a for a in argv]


def test_readme_tour_import():
    """The tour's `import --dry-run FILE` names a file shipped in the
    checkout, and the dry run on the sample's reference data would apply
    every line of it and writes nothing (issue 18)."""
    line, _ = readme_line(r"^\$Z import --dry-run ")
    argv = readme_argv(line)
    require(os.path.isfile(argv[-1]), "the tour's import file does not exist: %r" % line)
    load_reference()
    with open(argv[-1], encoding="utf-8") as f:
        lines = [l for l in f if l.strip()]
    check(2 <= len(lines) <= 20, "a small example: %d lines" % len(lines))
    before = zf("--db", "db", "--json", "store", "verify").json()["to"]
    r = run(argv + ["--json"], env={"ZF_DB": path("db")})
    expect_rc(r, EXIT_OK)
    summary = r.json()
    check(summary.get("applied") == len(lines) and summary.get("dry_run") is True,
          "every line would be applied: %r" % summary)
    after = zf("--db", "db", "--json", "store", "verify").json()["to"]
    check(before == after, "the dry run wrote events: %r -> %r" % (before, after))
    r = run(argv, env={"ZF_DB": path("db")})
    expect_rc(r, EXIT_OK)


def test_readme_tamper():
    """The README's tamper example works as written: the ldb line deletes
    the event it claims and store verify names that position, stream and
    version (issue 18: it named the wrong stream)."""
    find_ldb()
    append, _ = readme_line(r"^\$Z --db \S+ store append ")
    delete, m = readme_line(r"^ldb --db=(\S+) --column_family=events delete 0x([0-9A-Fa-f]{16})")
    verify, claim = readme_line(
        r"store verify\s+# position_gap at position (\d+), stream ([^,\s]+), version (\d+); exit 6")
    check(m.group(1) in append, "the ldb line tampers with the store appended above: %r" % delete)
    expect_rc(run(readme_argv(append)), EXIT_OK)
    argv = readme_argv(delete)
    argv[0] = find_ldb()
    expect_rc(run(argv), EXIT_OK)
    check(int(m.group(2), 16) == int(claim.group(1)), "deletes the position it names")
    r = run(readme_argv(verify) + ["--json"])
    expect_rc(r, EXIT_FINDINGS)
    found = [(f.get("kind"), f.get("position"), f.get("stream"), f.get("version"))
             for f in r.json().get("findings", [])]
    expected = ("position_gap", int(claim.group(1)), claim.group(2), int(claim.group(3)))
    check(expected in found, "README claims %r; store verify found %r" % (expected, found))


def test_audit_unrecorded():
    """The audit summary explains its count of commands unrecorded (event
    groups written without a command: recorded reads, events appended below
    the engine on a stream it does not write), in Chinese by default and in
    English with --lang en; the JSON keeps the count."""
    load_sample()
    r = zf("--db", "db", "--json", "audit", "verify")
    report = r.json()
    check(report.get("commands_unrecorded", 0) > 0, "store append groups counted: %r"
          % {k: report.get(k) for k in ("commands_checked", "commands_unrecorded")})
    r = zf("--db", "db", "audit", "verify")
    expect_in("无记录命令", r.out, "audit summary (zh)")
    expect_in("不经命令写入、无可重新裁决的事件组", r.out, "audit summary (zh)")
    expect_in("用 zfcli store append 直接写入非引擎流", r.out, "audit summary (zh)")
    expect_in("只计数，不作为问题报告", r.out, "audit summary (zh)")
    r = zf("--db", "db", "--lang", "en", "audit", "verify")
    expect_in("commands unrecorded", r.out, "audit summary (en)")
    expect_in("event groups written without a command", r.out, "audit summary (en)")
    expect_in("appended with zfcli store append", r.out, "audit summary (en)")
    expect_not_in("不经命令", r.out, "audit summary (en)")
    # Nothing unrecorded: no note.
    load_reference("ref")
    r = zf("--db", "ref", "audit", "verify")
    expect_in("无记录命令", r.out, "audit summary (zh)")
    expect_not_in("不经命令", r.out, "audit summary without unrecorded commands")


TESTS = {name[5:]: fn for name, fn in sorted(globals().items())
         if name.startswith("test_") and callable(fn)}


def main(argv):
    global ZFCLI, SAMPLE, TMP
    if len(argv) >= 3 and argv[2] == "--registered":
        # ctest's list (tests/cli/CMakeLists.txt) must name every test here.
        missing = sorted(set(TESTS) - set(argv[3:]))
        unknown = sorted(set(argv[3:]) - set(TESTS))
        for n in missing:
            print("FAIL: test %r is not registered in tests/cli/CMakeLists.txt"
                  % n)
        for n in unknown:
            print("FAIL: tests/cli/CMakeLists.txt registers unknown test %r"
                  % n)
        return 1 if missing or unknown else 0
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    ZFCLI, SAMPLE, name = os.path.abspath(argv[0]), os.path.abspath(argv[1]), argv[2]
    if name == "--list":
        print("\n".join(TESTS))
        return 0
    if name not in TESTS:
        sys.stderr.write("unknown test %r; tests: %s\n" % (name, ", ".join(TESTS)))
        return 2
    for p, what in ((ZFCLI, "zfcli"), (SAMPLE, "sample")):
        if not os.path.isfile(p):
            sys.stderr.write("FAIL: %s not found at %s\n" % (what, p))
            return 1
    # RAM-backed when available: every append fsyncs, and these stores are
    # throwaway. $TMPDIR, when set, wins.
    base = None
    if not os.environ.get("TMPDIR") and os.path.isdir("/dev/shm") and \
            os.access("/dev/shm", os.W_OK):
        base = "/dev/shm"
    TMP = tempfile.mkdtemp(prefix="zf-cli-%s-" % name, dir=base)
    try:
        try:
            TESTS[name]()
        except Abort:
            pass
        except subprocess.TimeoutExpired as e:
            fail("timed out: %s" % e)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    if FAILURES:
        print("FAIL cli.%s: %d failed check(s)" % (name, len(FAILURES)))
        for f in FAILURES:
            print("  - " + f)
        print("\ncommands run:")
        print("\n".join(TRANSCRIPT))
        return 1
    print("PASS cli.%s (%d commands)" % (name, len(TRANSCRIPT)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

