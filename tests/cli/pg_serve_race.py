#!/usr/bin/env python3
"""Two `zfcli serve` processes on one PostgreSQL database (ctest: pg.serve_race).

    pg_serve_race.py ZFCLI EXAMPLES_DIR SCENARIO_FILE

Issue 16, several engines on one database. The sample's reference data is
imported once; then two servers are started on the same schema. Each round
registers two clues of one act on the boundary of 高砂镇 and 高桥镇 (scenario
30: the same party, item and act date), one through each server, and then
posts the two filings at the same moment, 高砂镇's to one server and
高桥镇's to the other (which to which alternates). The first filer wins
(J5): exactly one filing must be applied and the other refused with
already_filed_elsewhere, whichever process judged it. After the rounds,
with both servers stopped: `store verify` and `audit verify` (which decides
every command again in log order) are clean. Rounds: $ZF_SERVE_RACE_ROUNDS
(default 25). The test cluster's URL comes from $ZF_TEST_PG_URL or the
file $ZF_TEST_PG_URL_FILE names; without one the test is skipped (77)
unless $ZF_TEST_PG_REQUIRED is set.
"""

import atexit
import hashlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

from pg_serve_failover import die, run  # the same helpers, beside this file

SCHEMA = "zf_serve_race_%d" % os.getpid()
GAOSHA = {"id": "SX-OF-0102", "role": "brigade_captain", "unit": "gaosha"}
GAOQIAO = {"id": "SX-OF-0104", "role": "brigade_captain", "unit": "gaoqiao"}


def post(port, token, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/v1/commands", body=json.dumps(body),
                     headers={"Authorization": "Bearer " + token,
                              "Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, json.loads(r.read().decode("utf-8"))
    finally:
        conn.close()


def round_commands(template, n):
    """Scenario 30's first four commands, with their own party and ids."""
    out = []
    for command in template:
        text = json.dumps(command, ensure_ascii=False)
        text = text.replace("91350427MA0003001X", "91350427MA%07dX" % n)
        text = text.replace("GS-2024-C3001", "GS-2024-C%d" % (4000 + n))
        text = text.replace("GQ-2024-C3002", "GQ-2024-C%d" % (6000 + n))
        text = text.replace('"c30-', '"srace%d-' % n)
        out.append(json.loads(text))
    return out


def start_server(zfcli, url, config):
    server = subprocess.Popen([zfcli, "--db", url, "serve", "--config", config, "--listen",
                               "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = server.stdout.readline().decode()
    if "listening on" not in line:
        die("serve did not start: %r %s" % (line, server.stderr.read().decode()[:400]))
    errors = []
    threading.Thread(target=lambda: errors.extend(server.stderr), daemon=True).start()
    return server, int(line.strip().rsplit(":", 1)[1]), errors


def stop_server(server, errors):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
    try:
        code = server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        code = -1
    if code != 0:
        die("serve exited %d after SIGTERM: %s" % (code, b"".join(errors).decode()[-600:]))


def main(argv):
    zfcli, examples, scenario = argv[1:4]
    rounds = int(os.environ.get("ZF_SERVE_RACE_ROUNDS", "25"))
    base = os.environ.get("ZF_TEST_PG_URL", "")
    if not base and os.path.isfile(os.environ.get("ZF_TEST_PG_URL_FILE", "")):
        with open(os.environ["ZF_TEST_PG_URL_FILE"]) as f:
            base = f.read().strip()
    if not base:
        print("SKIPPED: no PostgreSQL test cluster is configured (scripts/pg-test-cluster)")
        return 1 if os.environ.get("ZF_TEST_PG_REQUIRED") else 77
    psql = os.path.join(os.environ.get("ZF_PG_BIN", "/usr/lib/postgresql/15/bin"), "psql")
    r = run(psql, "-q", base, "-c", "CREATE SCHEMA %s" % SCHEMA)
    if r.returncode != 0:
        die("psql: %s" % r.stderr.decode())
    url = base + ("&" if "?" in base else "?") + "options=-csearch_path%%3D%s" % SCHEMA

    references = sorted(os.path.join(examples, f) for f in os.listdir(examples)
                        if f[:2] in ("01", "02", "03", "04", "05", "06") and f.endswith(".jsonl"))
    for path in references:
        r = run(zfcli, "--db", url, "import", path, timeout=600)
        if r.returncode != 0:
            die("import of %s: %s" % (path, r.stderr.decode()[:400]))
    with open(scenario, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    template = [line for line in lines if "command" in line][:4]
    for command in template:
        command.pop("expect", None)

    tmp = tempfile.mkdtemp(prefix="zf-serve-race-")
    # Removed on every way out, die() (SystemExit) included.
    atexit.register(shutil.rmtree, tmp, True)
    config = os.path.join(tmp, "serve.json")
    with open(config, "w") as f:
        json.dump({"tokens": [{"sha256": hashlib.sha256(b"tok-gaosha").hexdigest(),
                               "actor": GAOSHA},
                              {"sha256": hashlib.sha256(b"tok-gaoqiao").hexdigest(),
                               "actor": GAOQIAO}],
                   "limits": {"io_threads": 2, "work_threads": 4}}, f)
    servers = [start_server(zfcli, url, config) for _ in range(2)]
    ports = [s[1] for s in servers]
    wins = [0, 0]
    try:
        for n in range(rounds):
            c = round_commands(template, n)
            for port, command, token in ((ports[0], c[0], "tok-gaosha"),
                                         (ports[1], c[1], "tok-gaoqiao")):
                status, body = post(port, token, command)
                if status != 201:
                    die("round %d: clue %s: %d %s" % (n, command["command_id"], status, body))
            # The filings at once: 高砂镇's through server n % 2, 高桥镇's
            # through the other.
            first, second = ports[n % 2], ports[1 - n % 2]
            answers = [None, None]
            start = threading.Barrier(2)

            def file(i, port, command, token):
                start.wait()
                answers[i] = post(port, token, command)

            threads = [threading.Thread(target=file, args=(0, first, c[2], "tok-gaosha")),
                       threading.Thread(target=file, args=(1, second, c[3], "tok-gaoqiao"))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            applied = [a for a in answers if a[0] == 201]
            refused = [a for a in answers if a[0] == 422]
            if len(applied) != 1 or len(refused) != 1:
                die("round %d: not exactly one filing applied: %s" % (n, answers))
            if refused[0][1].get("code") != "already_filed_elsewhere":
                die("round %d: the second filing was refused for %s" % (n, refused[0][1]))
            wins[0 if answers[0][0] == 201 else 1] += 1
    finally:
        for server, _, errors in servers:
            stop_server(server, errors)

    r = run(zfcli, "--db", url, "--json", "store", "verify")
    if r.returncode != 0 or not json.loads(r.stdout.decode()).get("ok"):
        die("store verify: %s" % r.stdout.decode()[:600])
    r = run(zfcli, "--db", url, "--lang", "en", "audit", "verify", timeout=600)
    if r.returncode != 0:
        die("audit verify: %s" % (r.stdout + r.stderr).decode()[-800:])
    run(psql, "-q", base, "-c", "DROP SCHEMA %s CASCADE" % SCHEMA)
    print("serve race: %d rounds, exactly one filing applied in each (高砂镇 first %d times, "
          "高桥镇 %d); store verify and audit verify clean" % (rounds, wins[0], wins[1]),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
