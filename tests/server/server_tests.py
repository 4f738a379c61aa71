#!/usr/bin/env python3
"""End-to-end tests of `zfcli serve` against a real server on loopback.

    server_tests.py ZFCLI EXAMPLES_DIR TEST_NAME
    server_tests.py ZFCLI EXAMPLES_DIR --registered NAME...   (list is complete)

Each test imports the Shaxian reference data (examples/shaxian/01..06) into
a fresh store in a temporary directory, starts `zfcli serve --listen
127.0.0.1:0` on it (the port is read from its first line of output), talks
HTTP to it with the standard library only, and stops it with SIGTERM.
Registered in ctest by tests/server/CMakeLists.txt as server.<TEST_NAME>.
"""

import glob
import http.client
import json
import re
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import FAILURES, Abort, check, fail, require  # noqa: E402
from store_cache import copy_of_imported  # noqa: E402

ZFCLI = None
EXAMPLES = None
TMP = None

TOKENS = {
    "officer": ("SX-OF-0032", "enforcement_officer", "sx-market"),
    "captain": ("SX-OF-0094", "brigade_captain", "fenggang-brigade"),
    "auditor": ("AUD-0001", "auditor", "sx-justice"),
    "grid": ("SX-OF-0118", "grid_worker", "fenggang"),
    # Under the sample's permission matrix (examples/shaxian/02-permissions.jsonl):
    # an actor the organisation does not know, and a hearing officer.
    "stranger": ("SX-OF-9999", "enforcement_officer", "sx-market"),
    "hearing": ("SX-OF-0134", "hearing_officer", "gaosha"),
    # The operator: an admin token (write_config's admin_tokens).
    "operator": ("OPS-0001", "operator", "sx-bigdata"),
}


def read_until_closed(sock):
    """What the server sends before it closes (or resets) the connection."""
    data = b""
    try:
        while True:
            b = sock.recv(4096)
            if not b:
                break
            data += b
    except (ConnectionResetError, socket.timeout):
        pass
    return data


def expect_status(r, status, what):
    return check(r.status == status, "%s: HTTP %d, expected %d: %s"
                 % (what, r.status, status, r.text[:400]))


# A sanitized build runs zfcli several times slower (tests/CMakeLists.txt).
TIMEOUT_SCALE = float(os.environ.get("ZF_TEST_TIMEOUT_SCALE", "1"))


def zf(*args):
    p = subprocess.run([ZFCLI] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, cwd=TMP, timeout=60 * TIMEOUT_SCALE)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def load_reference(db="db"):
    """The sample's reference data (01..06) in db: a copy of a store
    imported once (tests/support/store_cache.py), or imported into an
    existing store."""
    sources = sorted(glob.glob(os.path.join(EXAMPLES, "0[1-6]-*.jsonl")))

    def import_into(target):
        for f in sources:
            rc, out, err = zf("--db", target, "import", f)
            require(rc == 0, "importing %s exited %d: %s" % (f, rc, err))

    if os.path.exists(os.path.join(TMP, db)):
        import_into(db)
    else:
        copy_of_imported(ZFCLI, sources, os.path.join(TMP, db), import_into)


def token_digest(token):
    import hashlib
    return hashlib.sha256(token.encode()).hexdigest()


def write_config(limits=None, name="config.json", tls=None, checkpoints=None, seal_keys=None,
                 tokens=None, admin=None, admin_tokens=("operator",)):
    tokens = [dict({"sha256": token_digest("tok-" + k),
                    "actor": {"id": v[0], "role": v[1], "unit": v[2]}},
                   **({"admin": True} if k in admin_tokens else {}))
              for k, v in (TOKENS if tokens is None else tokens).items()]
    config = {"tokens": tokens,
              "limits": dict({"io_threads": 2, "work_threads": 16}, **(limits or {}))}
    if tls:
        config["tls"] = tls
    if checkpoints:
        config["checkpoints"] = checkpoints
    if seal_keys:
        config["seal_keys"] = seal_keys
    if admin:
        config["admin"] = admin
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        json.dump(config, f)
    return path


class Reply(object):
    def __init__(self, status, headers, text):
        self.status, self.headers, self.text = status, headers, text

    def json(self):
        try:
            return json.loads(self.text)
        except ValueError:
            fail("not JSON (HTTP %d): %r" % (self.status, self.text[:300]))
            raise Abort()


class Server(object):
    def __init__(self, limits=None, db="db", tls=None, prefix=(), checkpoints=None,
                 seal_keys=None, serve_args=(), admin=None):
        self.log = os.path.join(TMP, "access.log")
        self.tls = tls
        config = write_config(limits, tls=tls, checkpoints=checkpoints, seal_keys=seal_keys,
                              admin=admin)
        self.proc = subprocess.Popen(
            list(prefix) + [ZFCLI, "--db", db, "serve", "--config", config, "--listen",
                            "127.0.0.1:0", "--access-log", self.log] + list(serve_args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TMP)
        line = self.proc.stdout.readline().decode()
        require("listening on" in line, "serve did not start: %r %s"
                % (line, self.proc.stderr.read().decode()[:400]
                   if self.proc.poll() is not None else ""))
        self.port = int(line.strip().rsplit(":", 1)[1])

    def request(self, method, path, body=None, token="officer", headers=None,
                timeout=30 * TIMEOUT_SCALE):
        if self.tls:
            import ssl
            context = ssl.create_default_context(cafile=self.tls["cert"])
            context.check_hostname = False
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                               context=context)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer tok-" + token
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            h["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            return Reply(r.status, r.getheaders(), r.read().decode("utf-8", "replace"))
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, body, **kw):
        return self.request("POST", "/v1/commands", body=body, **kw)

    def raw(self, data, wait=5.0):
        """Sends raw bytes; returns what the server answers until it closes."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=wait)
        try:
            s.sendall(data)
            return read_until_closed(s).decode("utf-8", "replace")
        finally:
            s.close()

    def stop(self, timeout=30 * TIMEOUT_SCALE):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("the server did not stop within %ds of SIGTERM" % timeout)
            return -1
        return rc

    def access_log(self):
        with open(self.log) as f:
            return [json.loads(l) for l in f if l.strip()]


def clue(case_id, command_id=None, township="qiujiang", actor=None):
    c = {"command": "register_clue", "command_id": command_id or "cmd-" + case_id,
         "at": "2023-01-09T09:00:00+08:00", "case_id": case_id,
         "data": {"source": "inspection", "channel": "online", "item_code": "MARKET-006",
                  "township": township, "description": "流动摊贩销售无合法来源证明商品",
                  "discovered_on": "2023-01-09",
                  "party": {"id": "350427198000000130", "name": "刘某某",
                            "category": "natural_person"}}}
    if actor:
        c["actor"] = {"id": actor[0], "role": actor[1], "unit": actor[2]}
    return c


def start(limits=None):
    load_reference()
    return Server(limits)


# --- Tests -------------------------------------------------------------------

def test_health_metrics():
    s = start()
    try:
        r = s.get("/v1/health", token=None)
        expect_status(r, 200, "health")
        health = r.json()
        head = health["position"]
        check(head > 800, "health position %d" % head)
        r = s.get("/v1/events?from=%d" % head)
        check(r.json()["head"] == head, "events head %r != %d" % (r.json(), head))
        expect_status(s.post(clue("SX-T-0001")), 201, "a clue")
        r = s.get("/metrics", token=None)
        expect_status(r, 200, "metrics")
        check(('content-type', 'text/plain; version=0.0.4; charset=utf-8')
              in [(k.lower(), v) for k, v in r.headers], "metrics content type %r" % r.headers)
        for needle in ['zf_commands_total{outcome="applied"} 1',
                       "zf_append_latency_seconds_count 1", "zf_subscriptions_active 0",
                       "zf_store_events %d" % (head + 1), "zf_store_bytes ",
                       'zf_build_info{version="%s",commit="%s"} 1' % (health["version"],
                                                                     health["commit"])]:
            check(needle in r.text, "metrics lack %r:\n%s" % (needle, r.text[:1500]))
        check(re.fullmatch(r"[0-9a-f]{12}(-dirty)?|unknown", health["commit"]) is not None,
              "health names the commit: %r" % health)
        check(s.get("/v1/health", token=None).json()["position"] == head + 1, "position moved")
        # Latency by route (ids folded into {id}, unknown paths one label)
        # and the process_* metrics.
        expect_status(s.get("/v1/cases/SX-T-0001"), 200, "a case")
        expect_status(s.get("/v1/cases/SX-NONE"), 404, "no such case")
        expect_status(s.get("/v1/no/such/endpoint"), 404, "no such endpoint")
        text = s.get("/metrics", token=None).text
        counts = dict(re.findall(r'zf_http_request_duration_seconds_count\{route="([^"]+)"\} (\d+)',
                                 text))
        check(counts.get("/v1/cases/{id}") == "2" and counts.get("unmatched") == "1"
              and int(counts.get("/v1/health", "0")) >= 1 and "/v1/events" in counts,
              "request durations by route: %r" % counts)
        check(not any("SX-" in route for route in counts), "no ids in routes: %r" % counts)
        for name in ("process_resident_memory_bytes", "process_cpu_seconds_total",
                     "process_open_fds", "process_start_time_seconds", "process_max_fds"):
            m = re.search(r"^%s (\S+)$" % name, text, re.M)
            check(m is not None and float(m.group(1)) > 0, "%s: %r" % (name, m and m.group(0)))
    finally:
        check(s.stop() == 0, "serve exit code")


def test_commands():
    s = start()
    try:
        r = s.post(clue("SX-T-0001"))
        expect_status(r, 201, "first submit")
        check(r.json().get("outcome") == "applied", "outcome %r" % r.text)
        r = s.post(clue("SX-T-0001"))
        expect_status(r, 200, "the same command again")
        check(r.json().get("outcome") == "already_applied", "repeat: %r" % r.text)
        other = clue("SX-T-0002", command_id="cmd-SX-T-0001")
        expect_status(s.post(other), 409, "the command id reused for another command")
        # Rejected by a rule: the case exists already.
        r = s.post(clue("SX-T-0001", command_id="cmd-again"))
        expect_status(r, 422, "case exists")
        check(r.json().get("code") == "case_exists", "rejection %r" % r.text)
        # Invalid against the schema: the field is named.
        bad = clue("SX-T-0003")
        del bad["data"]["township"]
        bad["data"]["discovered_on"] = "yesterday"
        r = s.post(bad)
        expect_status(r, 422, "schema")
        check(r.json().get("subject", "").startswith("/data"), "subject %r" % r.text)
        # A date of the right form that is no calendar date (issue 14 §5):
        # 422 naming the field and the rule, not 500.
        for day, rule in (("2024-02-30", "day 30 is not valid for 2024-02"),
                          ("2024-13-45", "month 13 is out of range"),
                          ("0000-00-00", "year 0000 is out of range")):
            bad = clue("SX-T-0005", command_id="cmd-bad-day-" + day)
            bad["at"] = "2024-03-01T09:00:00+08:00"
            bad["data"]["discovered_on"] = day
            r = s.post(bad)
            expect_status(r, 422, "discovered_on " + day)
            body = r.json()
            check(body.get("error") == "invalid_argument" and
                  body.get("subject") == "/data/discovered_on" and rule in body.get("message", ""),
                  "an impossible discovered_on: %r" % r.text)
        expect_status(s.get("/v1/cases/SX-T-0005"), 404, "the case of an impossible date")
        unknown = clue("SX-T-0004")
        unknown["command"] = "no_such_command"
        expect_status(s.post(unknown), 422, "unknown command type")
        # A batch as an array: each command its own status.
        r = s.post([clue("SX-T-0010"), clue("SX-T-0011")])
        expect_status(r, 200, "batch")
        b = r.json()
        check([x["status"] for x in b["results"]] == [201, 201] and b["applied"] == 2,
              "batch %r" % b)
        # An atomic batch with a failure commits nothing.
        r = s.post({"mode": "atomic",
                    "commands": [clue("SX-T-0020"), clue("SX-T-0001", command_id="dup")]})
        expect_status(r, 200, "atomic batch")
        check(r.json()["committed"] is False and r.json()["applied"] == 0, "atomic %r" % r.text)
        expect_status(s.get("/v1/cases/SX-T-0020"), 404, "the atomic batch's first case")
        # A batch with an invalid envelope runs nothing and names it.
        r = s.post({"commands": [clue("SX-T-0030"), {"command": "register_clue"}]})
        expect_status(r, 422, "batch with a bad envelope")
        check(r.json().get("index") == 1 and r.json()["subject"].startswith("/commands/1"),
              "bad batch %r" % r.text)
        expect_status(s.get("/v1/cases/SX-T-0030"), 404, "nothing of the bad batch ran")
        expect_status(s.post({"mode": "sideways", "commands": [clue("SX-T-0031")]}), 400,
                      "bad mode")
    finally:
        check(s.stop() == 0, "serve exit code")


def test_who_acts():
    """The engine's actor check applies to the token's actor (issue 14 §3):
    an unregistered officer and a role the matrix does not grant the
    command are 403 with the code; so is a case read by an unknown reader."""
    s = start()
    try:
        for token, code, case_id in (("stranger", "unknown_officer", "SX-T-0401"),
                                     ("hearing", "role_not_permitted", "SX-T-0402")):
            r = s.post(clue(case_id), token=token)
            expect_status(r, 403, "register_clue by %s" % token)
            check(r.json().get("code") == code, "%s: %r" % (token, r.text))
        expect_status(s.post(clue("SX-T-0403")), 201, "the market officer's clue")
        expect_status(s.get("/v1/cases/SX-T-0403", token="stranger"), 403,
                      "a case read by an unknown reader")
        expect_status(s.get("/v1/cases/SX-T-0403"), 200, "the officer's read")
    finally:
        check(s.stop() == 0, "serve exit code")


def test_auth():
    s = start()
    try:
        r = s.post(clue("SX-T-0001"), token=None)
        expect_status(r, 401, "no token")
        check(any(k.lower() == "www-authenticate" for k, v in r.headers), "WWW-Authenticate")
        expect_status(s.post(clue("SX-T-0001"), token="nobody"), 401, "unknown token")
        expect_status(s.get("/v1/cases", token=None), 401, "a read without a token")
        expect_status(s.get("/v1/events/stream", token=None), 401, "the feed without a token")
        # Wrong role: an auditor only reads; a grid worker only reports.
        r = s.post(clue("SX-T-0001"), token="auditor")
        expect_status(r, 403, "auditor submits")
        check(r.json().get("error") == "role_not_permitted", "auditor: %r" % r.text)
        expect_status(s.get("/v1/cases", token="auditor"), 200, "auditor reads")
        r = s.post(clue("SX-T-0001"), token="grid")
        expect_status(r, 403, "grid worker registers a clue")
        # The actor is the token's, never the body's.
        r = s.post(clue("SX-T-0001", actor=TOKENS["captain"]), token="officer")
        expect_status(r, 403, "someone else's actor")
        check(r.json().get("error") == "actor_mismatch", "mismatch %r" % r.text)
        r = s.post(clue("SX-T-0001", actor=TOKENS["officer"]), token="officer")
        expect_status(r, 201, "the token's own actor, stated")
        # Wrong unit: the engine's own rule (a township brigade does not act
        # for a clue the market bureau holds).
        r = s.post({"command": "route_clue", "command_id": "rc-1",
                    "at": "2023-01-10T09:00:00+08:00", "case_id": "SX-T-0001", "data": {}},
                   token="captain")
        expect_status(r, 403, "wrong unit")
        check(r.json().get("code") == "not_clue_holder", "wrong unit: %r" % r.text)
        history = s.get("/v1/cases/SX-T-0001/history").json()
        check(len(history) == 1, "the refused command wrote nothing: %r" % history)
        check(history[0]["actor"]["id"] == "SX-OF-0032", "actor %r" % history[0]["actor"])
    finally:
        check(s.stop() == 0, "serve exit code")


def test_malformed():
    s = start({"max_body_bytes": 4096, "max_header_bytes": 2048})
    try:
        r = s.post("{\"command\": ", )
        expect_status(r, 400, "truncated JSON")
        check(r.json().get("error") == "invalid_json", "bad json %r" % r.text)
        expect_status(s.post('{"a":1,"a":2}'), 400, "duplicate key")
        expect_status(s.post("[]"), 400, "empty batch")
        big = json.dumps(clue("SX-T-0001")).replace("x", "x")
        big = big[:-1] + ', "pad": "' + "x" * 5000 + '"}'
        r = s.post(big)
        expect_status(r, 413, "oversized body")
        # Announced oversize: refused from the header, the body never read.
        out = s.raw(b"POST /v1/commands HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-officer"
                    b"\r\nContent-Length: 100000000\r\n\r\n{")
        check(out.startswith("HTTP/1.1 413"), "announced oversize: %r" % out[:200])
        out = s.raw(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 4000 + b"\r\n\r\n")
        check(out.startswith("HTTP/1.1 431"), "oversized header: %r" % out[:200])
        out = s.raw(b"NOT HTTP AT ALL\r\n\r\n")
        check(out.startswith("HTTP/1.1 400"), "garbage: %r" % out[:200])
        expect_status(s.get("/v1/cases?colour=red"), 400, "unknown query parameter")
        expect_status(s.get("/v1/events?from=abc"), 400, "bad number")
        expect_status(s.get("/v1/nothing"), 404, "unknown endpoint")
        # A stray byte in a case id (not a valid stream name: 400) is quoted
        # back as U+FFFD: the answer is
        # still UTF-8 and JSON (tests/fuzz/fuzz_http.cc found it was not).
        # Escaped, it is the decoded case id that is quoted; sent raw, the
        # target is no URI (400 naming it) and the target is quoted.
        for target, quoted in ((b"/v1/cases/SX-%E3X-%FF", "SX-\ufffdX-\ufffd"),
                               (b"/v1/cases/SX-%E3X-\xff", "SX-%E3X-\ufffd")):
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            try:
                sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n"
                             b"Authorization: Bearer tok-officer\r\nConnection: close\r\n\r\n")
                out = read_until_closed(sock)
            finally:
                sock.close()
            head, _, body = out.partition(b"\r\n\r\n")
            check(head.startswith(b"HTTP/1.1 400"), "stray byte: %r" % out[:200])
            try:
                answer = json.loads(body.decode("utf-8"))
                check(answer.get("error") == "invalid_argument" and quoted in answer["message"],
                      "stray byte quoted as U+FFFD: %r" % answer)
            except ValueError as e:
                fail("the answer to a stray byte is not UTF-8 JSON (%s): %r" % (e, body[:200]))
        # ... and its access log line too.
        with open(s.log, "rb") as f:
            lines = [l for l in f.read().split(b"\n") if l.strip()]
        try:
            logged = [json.loads(l.decode("utf-8")) for l in lines]
            check(any("SX-%E3X-\ufffd" in e.get("target", "") for e in logged),
                  "stray byte logged as U+FFFD: %r" % logged[-3:])
        except ValueError as e:
            fail("the access log is not UTF-8 JSON lines (%s): %r" % (e, lines[-3:]))
        expect_status(s.request("DELETE", "/v1/commands"), 405, "wrong method")
        expect_status(s.get("/v1/health", token=None), 200, "still serving")
    finally:
        check(s.stop() == 0, "serve exit code")


def _read_head(sock, data=b"", timeout_ends=False):
    """Reads from sock onto data until it holds the blank line that ends a
    response head, or the server closes (or, with timeout_ends, the
    socket's timeout passes); returns what it holds then."""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        if not timeout_ends:
            raise
    return data


def test_expect_continue():
    """`Expect: 100-continue` is answered at once with 100 Continue, then the
    request as usual; an announced oversized body gets its 413 instead, and
    never a 100 (issue 14 §6: it was answered only at the body timeout)."""
    s = start({"max_body_bytes": 4096, "body_timeout_ms": 20000})
    try:
        body = json.dumps(clue("SX-T-0200")).encode()
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        try:
            sock.sendall(b"POST /v1/commands HTTP/1.1\r\nHost: x\r\n"
                         b"Authorization: Bearer tok-officer\r\nContent-Type: application/json\r\n"
                         b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
            sock.settimeout(3)
            started = time.time()
            interim = _read_head(sock, timeout_ends=True)
            check(interim.startswith(b"HTTP/1.1 100 Continue\r\n"),
                  "no 100 Continue within 3 s: %r" % interim[:200])
            check(time.time() - started < 2, "100 Continue took %.1fs" % (time.time() - started))
            sock.settimeout(10)
            sock.sendall(body)
            rest = _read_head(
                sock, interim.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in interim else b"")
            check(rest.startswith(b"HTTP/1.1 201"), "the command after 100 Continue: %r" % rest[:200])
        finally:
            sock.close()
        expect_status(s.get("/v1/cases/SX-T-0200"), 200, "the case sent after 100 Continue")
        out = s.raw(b"POST /v1/commands HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-officer"
                    b"\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n", wait=5)
        check(out.startswith("HTTP/1.1 413") and "100 Continue" not in out,
              "an oversized body with Expect: %r" % out[:200])
    finally:
        check(s.stop() == 0, "serve exit code")


def test_rate_limit():
    """Expensive reads of a case (audit, dossier, explain) are limited per
    token: past the burst, 429 with Retry-After; other tokens and cheap
    reads are not held back (issue 14 §6)."""
    s = start({"expensive_per_minute": 6, "expensive_burst": 2})
    try:
        # In fenggang, which the captain's brigade may read (township scope).
        expect_status(s.post(clue("SX-T-0300", township="fenggang")), 201, "a case")
        for n in (1, 2):
            expect_status(s.get("/v1/cases/SX-T-0300/audit"), 200, "audit %d of the burst" % n)
        r = s.get("/v1/cases/SX-T-0300/audit")
        expect_status(r, 429, "audit past the burst")
        check(r.json().get("error") == "rate_limited", "429 body: %r" % r.text)
        retry = dict((k.lower(), v) for k, v in r.headers).get("retry-after", "")
        check(retry.isdigit() and 1 <= int(retry) <= 10, "Retry-After: %r" % retry)
        expect_status(s.get("/v1/cases/SX-T-0300/explain"), 429, "explain shares the bucket")
        expect_status(s.get("/v1/cases/SX-T-0300/dossier"), 429, "dossier shares the bucket")
        expect_status(s.get("/v1/cases/SX-T-0300"), 200, "a cheap read is not limited")
        expect_status(s.get("/v1/cases/SX-T-0300/audit", token="captain"), 200,
                      "another token has its own bucket")
        time.sleep(int(retry) + 0.2)
        expect_status(s.get("/v1/cases/SX-T-0300/audit"), 200, "after Retry-After")
    finally:
        check(s.stop() == 0, "serve exit code")
    path = write_config({"expensive_burst": 0}, name="bad.json")
    rc, out, err = zf("--db", "db", "serve", "--config", path, "--listen", "127.0.0.1:0")
    check(rc == 3 and "/limits/expensive_burst" in err, "a zero burst: %d %r" % (rc, err))


def http_on(sock, path, token):
    """One keep-alive GET on an open socket; returns (status, body)."""
    sock.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-%s\r\n\r\n"
                  % (path, token)).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        require(chunk, "the connection closed before a response: %r" % data[:200])
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length:
        chunk = sock.recv(4096)
        require(chunk, "the connection closed inside a body")
        body += chunk
    return int(head.split(b" ", 2)[1]), body[:length]


def wait_for_log(s, event, count):
    """The access log's entries of `event` once there are `count` of them."""
    deadline = time.time() + 10 * TIMEOUT_SCALE
    while True:
        found = [e for e in s.access_log() if e.get("event") == event]
        if len(found) >= count or time.time() > deadline:
            return found
        time.sleep(0.05)


def test_token_reload():
    """SIGHUP reads the config again: added tokens work, removed ones get
    401, a token's new actor is used, and the log names who changed;
    an open keep-alive connection is not dropped; a config that fails to
    load leaves the old tokens in force and is logged with its field."""
    s = start()
    try:
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10 * TIMEOUT_SCALE)
        status, _ = http_on(sock, "/v1/cases?open=true", "officer")
        check(status == 200, "before the reload: HTTP %d" % status)
        tokens = dict(TOKENS)
        del tokens["captain"]
        tokens["newcomer"] = ("SX-OF-0140", "enforcement_officer", "sx-market")
        tokens["auditor"] = ("AUD-0002", "auditor", "sx-justice")  # same token, new actor
        write_config(tokens=tokens)
        s.proc.send_signal(signal.SIGHUP)
        reloads = wait_for_log(s, "config_reloaded", 1)
        require(len(reloads) == 1, "no config_reloaded entry: %r" % s.access_log()[-5:])
        entry = reloads[0]
        check([t["actor"] for t in entry["added"]] == ["SX-OF-0140"] and
              [t["actor"] for t in entry["removed"]] == ["SX-OF-0094"] and
              [t["actor"] for t in entry["changed"]] == ["AUD-0002"] and
              entry["tokens"] == len(tokens) and "not_applied_until_restart" not in entry,
              "the reload entry: %r" % entry)
        check(all("tok-" not in json.dumps(t) for t in entry["added"] + entry["removed"]),
              "the log never holds a token: %r" % entry)
        status, _ = http_on(sock, "/v1/cases?open=true", "officer")
        check(status == 200, "the same connection after the reload: HTTP %d" % status)
        status, body = http_on(sock, "/v1/cases?open=true", "captain")
        check(status == 401, "a removed token: HTTP %d %r" % (status, body[:200]))
        expect_status(s.get("/v1/cases?open=true", token="newcomer"), 200, "an added token")
        expect_status(s.get("/v1/cases?open=true", token="auditor"), 200, "a changed token")
        actors = [e.get("actor") for e in s.access_log() if "status" in e]
        check("AUD-0002" in actors and "AUD-0001" not in actors,
              "the changed token acts as its new actor: %r" % actors)

        # A broken config: logged with its field; the tokens stay.
        with open(os.path.join(TMP, "config.json"), "w") as f:
            json.dump({"tokens": [{"sha256": "00",
                                   "actor": {"id": "a", "role": "r", "unit": "u"}}]}, f)
        s.proc.send_signal(signal.SIGHUP)
        failed = wait_for_log(s, "config_reload_failed", 1)
        check(len(failed) == 1 and failed[0].get("field") == "/tokens/0/sha256",
              "config_reload_failed names the field: %r" % failed)
        expect_status(s.get("/v1/cases?open=true", token="newcomer"), 200,
                      "the tokens in force survive a bad reload")
        # Limits are fixed at startup: a change is reported, not applied.
        write_config(limits={"expensive_burst": 3}, tokens=tokens)
        s.proc.send_signal(signal.SIGHUP)
        reloads = wait_for_log(s, "config_reloaded", 2)
        check(len(reloads) == 2 and reloads[1].get("not_applied_until_restart") == ["limits"]
              and reloads[1]["added"] == [] and reloads[1]["removed"] == [],
              "a limits change needs a restart: %r" % reloads[-1:])
        status, _ = http_on(sock, "/v1/cases?open=true", "officer")
        check(status == 200, "the connection is still open: HTTP %d %r" % (status, _))
        sock.close()
    finally:
        check(s.stop() == 0, "serve exit code")


def test_admin():
    """The operator's endpoints (an admin token): an online backup into the
    configured directory that the CLI can read, the chain check and the
    audit, all while the server serves; refused to other tokens, with
    their fields checked (issue 17, "Operating it")."""
    load_reference()
    backups = os.path.join(TMP, "backups")
    os.mkdir(backups)
    s = Server(admin={"backup_dir": backups})

    def admin(what, body=None, token="operator", method="POST"):
        return s.request(method, "/v1/admin/" + what, body=body, token=token)

    try:
        expect_status(s.post(clue("SX-T-0001")), 201, "a clue")
        head = s.get("/v1/health", token=None).json()["position"]
        r = admin("verify", token="officer")
        expect_status(r, 403, "an officer's token")
        check(r.json().get("error") == "forbidden", "403 body: %r" % r.text)
        expect_status(admin("verify", token=None), 401, "no token")
        expect_status(admin("verify", method="GET"), 405, "GET on an admin endpoint")
        expect_status(admin("reindex"), 404, "an unknown admin endpoint")

        r = admin("verify")
        expect_status(r, 200, "verify")
        v = r.json()
        check(v.get("ok") is True and v.get("events_checked") == head and v.get("findings") == [],
              "verify body: %r" % v)
        r = admin("verify", {"from_position": 5, "to_position": 3})
        check(r.status == 400 and r.json().get("subject") == "/to_position",
              "a reversed range: %d %r" % (r.status, r.text))
        r = admin("verify", {"bogus": 1})
        check(r.status == 400 and r.json().get("subject") == "/bogus",
              "an unknown field: %d %r" % (r.status, r.text))

        r = admin("audit")
        expect_status(r, 200, "audit")
        a = r.json()
        check(a.get("ok") is True and a.get("last_position") == head and
              a.get("commands_redecided", 0) > 0 and a.get("findings_list") == [],
              "audit body: %r" % {k: a.get(k) for k in ("ok", "last_position",
                                                         "commands_redecided", "findings")})
        r = admin("audit", {"case": "SX-T-0001"})
        expect_status(r, 200, "audit of one case")
        r = admin("audit", {"case": "SX-NONE"})
        check(r.status == 404 and r.json().get("subject") == "/case", "no such case: %r" % r.text)

        r = admin("backup", {"name": "b1"})
        expect_status(r, 201, "backup")
        b = r.json()
        copy = os.path.join(backups, "b1")
        check(b.get("backup") == copy and b.get("ledger_position") == head and
              os.path.isdir(copy), "backup body: %r" % b)
        # Served on as before, and the copy is a store the CLI reads.
        expect_status(s.post(clue("SX-T-0002")), 201, "a clue after the backup")
        rc, out, err = zf("--db", copy, "--json", "store", "verify")
        check(rc == 0 and json.loads(out).get("ledger_hash") == b.get("ledger_hash"),
              "the copy verifies with the same ledger: %d %s %s" % (rc, out[:300], err[:300]))
        rc, out, err = zf("--db", copy, "--json", "case", "show", "SX-T-0001")
        check(rc == 0 and json.loads(out).get("case_id") == "SX-T-0001",
              "the copy holds the case: %d %s" % (rc, err[:300]))
        r = admin("backup", {"name": "b1"})
        check(r.status == 409 and r.json().get("subject") == "/name", "b1 again: %r" % r.text)
        for bad in ("../escape", ".hidden", "", "a/b", "x" * 65):
            r = admin("backup", {"name": bad})
            check(r.status == 400 and r.json().get("subject") == "/name",
                  "name %r: %d %s" % (bad, r.status, r.text[:200]))
        check(not os.path.exists(os.path.join(TMP, "escape")), "nothing written outside")
        r = admin("backup")
        expect_status(r, 201, "a backup named by the time")
        check(re.fullmatch(r"zf-backup-\d{8}T\d{6}Z", r.json().get("name", "")) is not None,
              "default name: %r" % r.text)
        entries = [e for e in s.access_log() if "admin" in e]
        backups_logged = [(e["actor"], e["ok"]) for e in entries if e["admin"] == "backup"]
        check(backups_logged == [("OPS-0001", True)] + [("OPS-0001", False)] * 6 +
              [("OPS-0001", True)] and all("seconds" in e for e in entries),
              "the access log records each admin operation: %r" % entries)
    finally:
        check(s.stop() == 0, "serve exit code")
    # Without a backup directory, or with one that is not there.
    s = Server()
    try:
        r = admin("backup")
        check(r.status == 409 and r.json().get("subject") == "/admin/backup_dir",
              "no backup_dir: %d %r" % (r.status, r.text))
    finally:
        check(s.stop() == 0, "serve exit code")
    path = write_config(admin={"backup_dir": os.path.join(TMP, "missing")}, name="bad.json")
    rc, out, err = zf("--db", "db", "serve", "--config", path, "--listen", "127.0.0.1:0")
    check(rc == 3 and "/admin/backup_dir" in err, "a missing backup_dir: %d %r" % (rc, err))


def test_slow_client():
    s = start({"header_timeout_ms": 800, "body_timeout_ms": 800})
    try:
        # Slow header (slowloris): cut off after the header timeout.
        t0 = time.time()
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        # Meanwhile others are served at once.
        t1 = time.time()
        expect_status(s.get("/v1/health", token=None), 200, "a client beside the slow one")
        check(time.time() - t1 < 0.5, "the other client waited %.2fs" % (time.time() - t1))
        data = read_until_closed(sock)
        took = time.time() - t0
        check(0.6 < took < 5, "slow header cut off after %.2fs" % took)
        check(data == b"", "slow header answer %r" % data[:100])
        sock.close()
        # Slow body: the header arrives, the body does not.
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        t0 = time.time()
        sock.sendall(b"POST /v1/commands HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                     b"tok-officer\r\nContent-Length: 100\r\n\r\n{\"comm")
        data = read_until_closed(sock)
        took = time.time() - t0
        check(0.6 < took < 5, "slow body cut off after %.2fs" % took)
        check(data == b"", "slow body answer %r" % data[:100])
        sock.close()
        # The socket closes when the time runs out; the log line follows.
        for _ in range(20):
            timeouts = [e for e in s.access_log() if e.get("status") == 408]
            if len(timeouts) >= 2:
                break
            time.sleep(0.1)
        check([e["target"] for e in timeouts] == ["/v1/health", "/v1/commands"],
              "timeouts logged: %r" % timeouts)
    finally:
        check(s.stop() == 0, "serve exit code")


def _open_feed(s, source="127.0.0.1"):
    """A live event feed: a connection that is busy (never idle) for as
    long as it stays open."""
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5, source_address=(source, 0))
    sock.sendall(b"GET /v1/events/stream HTTP/1.1\r\nHost: x\r\n"
                 b"Authorization: Bearer tok-officer\r\n\r\n")
    head = _read_head(sock)
    require(head.startswith(b"HTTP/1.1 200"), "the feed did not start: %r" % head[:200])
    return sock


def _closed_by_server(sock, wait=0.5):
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def test_connection_limit():
    """At a limit — the server's `max_connections` or one client's
    `max_connections_per_client` — the oldest idle connection makes room;
    a new connection is refused (503) only when none is idle (issue 14 §6:
    a client re-opening idle connections kept 36 of 40 health checks out)."""
    s = start({"max_connections": 4, "max_connections_per_client": 2,
               "header_timeout_ms": 30000})
    try:
        # Busy connections are never evicted: a client at its limit with
        # two live feeds gets 503 for a third connection.
        feeds = [_open_feed(s) for _ in range(2)]
        out = s.raw(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        check(out.startswith("HTTP/1.1 503") and "too_many_connections" in out,
              "a third connection beside two feeds: %r" % out[:200])
        # Written before a session exists, still the API's error form, with
        # its Content-Length and the Chinese rule.
        head, _, body = out.partition("\r\n\r\n")
        length = re.search(r"(?im)^content-length: *(\d+)", head)
        check(length is not None and int(length.group(1)) == len(body.encode("utf-8"))
              and json.loads(body).get("message_zh", "").startswith("服务器连接数已满"),
              "the 503 body: %r" % out[:400])
        for f in feeds:
            f.close()
        time.sleep(0.3)
        # One client (127.0.0.2) opening idle connections in a loop holds at
        # most its limit: each new one closes its oldest idle one.
        idle = []
        for _ in range(6):
            idle.append(socket.create_connection(("127.0.0.1", s.port),
                                                 source_address=("127.0.0.2", 0)))
            time.sleep(0.05)
        time.sleep(0.3)
        closed = [_closed_by_server(c) for c in idle]
        check(closed == [True] * 4 + [False] * 2,
              "the client's idle connections closed by the server: %r" % closed)
        # Others are answered meanwhile; at the server's limit (two idle of
        # 127.0.0.2, two of 127.0.0.3) a new client evicts an idle one.
        more = [socket.create_connection(("127.0.0.1", s.port), source_address=("127.0.0.3", 0))
                for _ in range(2)]
        time.sleep(0.3)
        answered = 0
        for _ in range(10):
            if s.get("/v1/health", token=None).status == 200:
                answered += 1
        check(answered == 10, "health checks answered beside idle connections: %d of 10"
              % answered)
        for c in idle + more:
            c.close()
        time.sleep(0.3)
        metrics = s.get("/metrics", token=None).text
        check("zf_connections_refused_total 1" in metrics, "refused connections counted: %s"
              % [l for l in metrics.splitlines() if "refused" in l])
        log = s.access_log()
        check(sum(1 for e in log if e.get("event") == "evicted") >= 5,
              "evictions in the access log: %r" % [e for e in log if "event" in e][:8])
    finally:
        check(s.stop() == 0, "serve exit code")


def test_registers():
    """Issue 17: the registers the CLI lists have endpoints, with the same
    filters, as_of and answers: /v1/grid, /v1/joint-actions, /v1/reviews
    and /v1/access."""
    for f in sorted(glob.glob(os.path.join(EXAMPLES, "0[1-8]-*.jsonl"))):
        rc, out, err = zf("--db", "db", "import", f)
        require(rc == 0, "importing %s exited %d: %s" % (f, rc, err))
    # A review campaign (the generated year has none): the demo's.
    rc, out, err = zf("--db", "db", "import",
                      os.path.join(EXAMPLES, "..", "tour", "archive-2023q4.jsonl"))
    require(rc == 0, "archiving: %s" % err)
    rc, out, err = zf("--db", "db", "review", "start", "RC-2023-Q4", "--org", "sx-justice",
                      "--from", "2023-10-01", "--to", "2023-12-31", "--count", "3", "--seed",
                      "2023", "--title", "2023年第四季度案卷评查", "--actor", "SX-OF-0202", "--role",
                      "case_reviewer", "--unit", "sx-justice", "--at", "2024-01-08T09:00:00+08:00")
    require(rc == 0, "review start: %s" % err)
    s = Server()
    try:
        for target, argv in [("/v1/grid", ["grid", "list"]),
                             ("/v1/grid?state=closed", ["grid", "list", "--state", "closed"]),
                             ("/v1/grid?as_of=2023-06-30", ["grid", "list", "--as-of", "2023-06-30"]),
                             ("/v1/joint-actions", ["joint", "list"]),
                             ("/v1/joint-actions?from=2023-07-01&to=2023-12-31",
                              ["joint", "list", "--from", "2023-07-01", "--to", "2023-12-31"]),
                             ("/v1/reviews", ["review", "list"])]:
            r = s.get(target)
            expect_status(r, 200, target)
            rc, out, err = zf("--db", "db", "--json", *argv)
            require(rc == 0, "zfcli %s beside the server: %s" % (" ".join(argv), err))
            check(r.json() == json.loads(out), "%s answers as zfcli %s" % (target, " ".join(argv)))
        campaigns = s.get("/v1/reviews").json()
        check([c.get("campaign_id") for c in campaigns] == ["RC-2023-Q4"], "campaigns %r"
              % campaigns)
        rc, out, err = zf("--db", "db", "--json", "review", "show", "RC-2023-Q4")
        check(rc == 0 and s.get("/v1/reviews/RC-2023-Q4").json() == json.loads(out),
              "/v1/reviews/RC-2023-Q4 answers as zfcli review show")
        tickets = s.get("/v1/grid").json()
        actions = s.get("/v1/joint-actions").json()
        require(tickets and actions, "the generated year has tickets and joint actions")
        check(len(s.get("/v1/grid?as_of=2023-06-30").json()) < len(tickets), "as_of is applied")
        check(s.get("/v1/grid/" + tickets[0]["ticket_id"]).json() == tickets[0], "one ticket")
        check(s.get("/v1/joint-actions/" + actions[0]["joint_action_id"]).json() == actions[0],
              "one joint action")
        expect_status(s.get("/v1/grid/NO-SUCH-TICKET"), 404, "unknown ticket")
        expect_status(s.get("/v1/reviews/NO-SUCH-CAMPAIGN"), 404, "unknown campaign")
        expect_status(s.get("/v1/grid?township_id=x"), 400, "an unknown parameter")
        expect_status(s.get("/v1/access"), 400, "access without case or actor")
        case_id = s.get("/v1/cases").json()[0]["case_id"]
        expect_status(s.get("/v1/cases/" + case_id), 200, "a case read")
        r = s.get("/v1/access?case=" + case_id)
        expect_status(r, 200, "the access trail")
        reads = [a for a in r.json() if a["reader"]["id"] == TOKENS["officer"][0]]
        check(len(reads) == 1 and reads[0]["what"] == "view", "the read is in the trail: %r"
              % r.json()[-3:])
        rc, out, err = zf("--db", "db", "--json", "access", "--case", case_id)
        check(rc == 0 and json.loads(out) == r.json(), "/v1/access answers as zfcli access")
    finally:
        check(s.stop() == 0, "serve exit code")


def test_queries():
    s = start()
    try:
        expect_status(s.post(clue("SX-T-0001")), 201, "a clue")
        r = s.get("/v1/cases?township=qiujiang")
        expect_status(r, 200, "docket")
        check([c["case_id"] for c in r.json()] == ["SX-T-0001"], "docket %r" % r.text)
        check(s.get("/v1/cases?township=gaosha").json() == [], "other township's docket")
        # The clue is the last event until a read records its access.
        head = s.get("/v1/health", token=None).json()["position"]
        r = s.get("/v1/cases/SX-T-0001")
        expect_status(r, 200, "case view")
        check(r.json()["state"] == "registered", "view %r" % r.text[:300])
        expect_status(s.get("/v1/cases/SX-T-0001?at_position=%d" % (head - 1)), 404,
                      "as of before the clue")
        expect_status(s.get("/v1/cases/SX-T-0001?as_of=2023-01-08"), 404, "as_of before")
        expect_status(s.get("/v1/cases/SX-T-0001?as_of=2023-01-09"), 200, "as_of that day")
        expect_status(s.get("/v1/cases/SX-T-0001?as_of=garbage"), 400, "bad as_of")
        r = s.get("/v1/cases/SX-T-0001/history")
        check([e["type"] for e in r.json()] == ["clue_registered"], "history %r" % r.text[:300])
        expect_status(s.get("/v1/cases/SX-T-0001/explain"), 200, "explain")
        expect_status(s.get("/v1/cases/SX-NONE/history"), 404, "history of no case")
        r = s.get("/v1/cases/SX-T-0001/audit")
        expect_status(r, 200, "audit verify of one case")
        a = r.json()
        check(a["ok"] is True and a["findings_list"] == [] and a["commands_redecided"] >= 1
              and a["case_id"] == "SX-T-0001", "audit %r" % r.text[:300])
        expect_status(s.get("/v1/cases/SX-NONE/audit"), 404, "audit of no case")
        r = s.get("/v1/cases/SX-T-0001/dossier")
        expect_status(r, 200, "dossier")
        lines = [json.loads(l) for l in r.text.splitlines() if l.strip()]
        check(len(lines) > 2 and "SX-T-0001" in r.text, "dossier lines: %r" % r.text[:300])
        with open(os.path.join(TMP, "dossier.jsonl"), "w", encoding="utf-8") as f:
            f.write(r.text)
        rc, out, err = zf("dossier", "verify", "dossier.jsonl")
        check(rc == 0, "the served dossier verifies offline: %s %s" % (out[-300:], err[-300:]))
        r = s.get("/v1/deadlines?as_of=2023-01-20")
        expect_status(r, 200, "deadlines")
        check(isinstance(r.json(), list), "deadlines %r" % r.text[:300])
        expect_status(s.get("/v1/deadlines?within=soon"), 400, "deadlines within=soon")
        # A clue under verification: D2, 15 working days from 2023-01-09.
        expect_status(s.post(clue("SX-T-0002")), 201, "a second clue")
        for step in ("route_clue", "start_verification"):
            c = {"command": step, "command_id": "cmd-%s-2" % step, "at": "2023-01-09T10:00:00+08:00",
                 "case_id": "SX-T-0002", "data": {}}
            expect_status(s.post(c), 201, step)
        everything = s.get("/v1/deadlines?as_of=2030-01-01").json()
        require([d["deadline"] for d in everything if d["case_id"] == "SX-T-0002"] == ["D2"],
                "D2 open: %r" % everything)
        r = s.get("/v1/deadlines?past_limit=true&as_of=2030-01-01")
        expect_status(r, 200, "deadlines past_limit")
        check(r.json() == [d for d in everything if d["past_limit"]] and len(r.json()) >= 1,
              "past_limit keeps the rows past their plain period: %r" % r.text[:300])
        early = s.get("/v1/deadlines?past_limit=true&as_of=2023-01-20").json()
        check(early == [], "not yet past the plain period on 2023-01-20: %r" % early)
        expect_status(s.get("/v1/deadlines?past_limit=maybe"), 400, "deadlines past_limit=maybe")
        r = s.get("/v1/statistics?from=2023-01-01&to=2023-12-31")
        expect_status(r, 200, "statistics")
        check("cases_total" in r.json(), "statistics %r" % r.text[:300])
        expect_status(s.get("/v1/statistics?from=2023-01-01"), 400, "statistics without to")
        r = s.get("/v1/rules?item=MARKET-006&as_of=2023-06-01")
        expect_status(r, 200, "rules")
        check([i["item_code"] for i in r.json()] == ["MARKET-006"], "rules %r" % r.text[:300])
        r = s.get("/v1/rules/competent?item=MARKET-006&township=qiujiang&as_of=2023-06-01")
        check(r.json().get("subject") == "sx-market", "competent %r" % r.text[:300])
        expect_status(s.get("/v1/rules/competent?item=NOPE&township=qiujiang"), 404,
                      "unknown item")
        r = s.get("/v1/calendar/due?from=2023-09-28&working_days=5&bearer=party")
        expect_status(r, 200, "calendar due")
        check(r.json().get("due") == "2023-10-11", "due over the National Day holiday: %r"
              % r.text)
        expect_status(s.get("/v1/calendar/due?from=2023-09-28"), 400, "due without a period")
        reads = [e for e in s.access_log() if "case_read" in e]
        check(sorted(set(e["what"] for e in reads)) == ["dossier", "explain", "history", "view"]
              and all(e["actor"] == "SX-OF-0032" and e["recorded"] for e in reads),
              "case reads recorded: %r" % reads)
    finally:
        check(s.stop() == 0, "serve exit code")
    # Every successful read of the case is in the engine's access trail.
    rc, out, err = zf("--db", "db", "--json", "access", "--case", "SX-T-0001")
    check(rc == 0, "zfcli access: %s" % err)
    trail = json.loads(out) if rc == 0 else []
    check(len(trail) == len([e for e in reads if e["case_read"] == "SX-T-0001"])
          and all(a["reader"]["id"] == "SX-OF-0032" for a in trail)
          and sorted(set(a["what"] for a in trail)) == ["dossier", "explain", "history", "view"],
          "access trail: %r" % trail)


def test_events():
    s = start()
    try:
        for i in range(3):
            expect_status(s.post(clue("SX-T-%04d" % i)), 201, "clue %d" % i)
        head = s.get("/v1/health", token=None).json()["position"]
        r = s.get("/v1/events?from=1&limit=10")
        b = r.json()
        check([e["position"] for e in b["events"]] == list(range(1, 11)) and b["next"] == 11,
              "first page %r" % [e["position"] for e in b["events"]])
        b = s.get("/v1/events?from=%d" % (head - 1)).json()
        check([e["position"] for e in b["events"]] == [head - 1, head], "tail %r" % b)
        b = s.get("/v1/events?prefix=case/&type=clue_registered").json()
        check([e["stream"] for e in b["events"]] == ["case/SX-T-%04d" % i for i in range(3)],
              "filtered %r" % [e["stream"] for e in b["events"]])
        check(b["next"] == head + 1, "filtered next %r" % b["next"])
        # from=end: nothing yet, and the position the next event will have.
        b = s.get("/v1/events?from=end").json()
        check(b["events"] == [] and b["next"] == head + 1 and b["head"] == head,
              "from=end %r" % b)
        r = s.get("/v1/events?from=ende")
        expect_status(r, 400, "from=ende")
        check(r.json().get("subject") == "from", "a bad from names it: %r" % r.text)
    finally:
        check(s.stop() == 0, "serve exit code")


def test_feed_from_end():
    """The live feed from the end carries only what is committed after it
    was opened (issue 17: from=end was a 400)."""
    s = start()
    try:
        for i in range(3):
            expect_status(s.post(clue("SX-T-%04d" % i)), 201, "clue %d" % i)
        # The answer's head comes after the server has read `from`.
        feed = Sse(s.port, "/v1/events/stream?prefix=case/&type=clue_registered&from=end")
        expect_status(s.post(clue("SX-T-0100")), 201, "clue after the feed opened")
        position, event = feed.next_event()
        feed.close()
        check(event["stream"] == "case/SX-T-0100",
              "the first event from the end is %r" % event["stream"])
    finally:
        check(s.stop() == 0, "serve exit code")


def test_bearer_scheme():
    """RFC 7235 §2.1: the auth-scheme is case-insensitive, so `bearer` and
    `BEARER` are Bearer; anything else, or no space before the token, is
    still 401 (issue 17, HTTP details)."""
    s = start()
    try:
        for scheme in ("Bearer", "bearer", "BEARER", "bEaReR"):
            r = s.get("/v1/events?limit=1", token=None,
                      headers={"Authorization": scheme + " tok-officer"})
            expect_status(r, 200, "scheme %r" % scheme)
        r = s.post(clue("SX-T-0001"), token=None,
                   headers={"Authorization": "bearer tok-officer"})
        expect_status(r, 201, "a command with scheme 'bearer'")
        for header in ("Basic tok-officer", "Bearertok-officer", "bearer ", "Bearer tok-nobody",
                       "Bearers tok-officer"):
            r = s.get("/v1/events?limit=1", token=None, headers={"Authorization": header})
            expect_status(r, 401, "Authorization %r" % header)
            check(r.json().get("subject") == "Authorization", "401 names the header: %r" % r.text)
        out = s.raw(b"GET /v1/events/stream HTTP/1.1\r\nHost: x\r\n"
                    b"Authorization: bearer tok-officer\r\n\r\n", wait=1)
        check(out.startswith("HTTP/1.1 200"), "the feed with scheme 'bearer': %r" % out[:200])
    finally:
        check(s.stop() == 0, "serve exit code")


def _head_and_body(port, request):
    """(head, body) of the answer to one raw request sent with Connection:
    close: the body is whatever follows the head until the server closes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        sock.sendall(request)
        out = read_until_closed(sock)
    finally:
        sock.close()
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return lines[0], headers, body


def test_head():
    """HEAD answers what GET would, without the body (RFC 9110 §9.3.2): the
    same status, Content-Type and Content-Length (issue 17, HTTP details)."""
    s = start()
    try:
        auth = b"Authorization: Bearer tok-officer\r\n"
        for path, token in ((b"/v1/health", b""), (b"/metrics", b""),
                            (b"/v1/events?limit=3", auth), (b"/v1/rules?item=MARKET-006", auth),
                            (b"/v1/cases", b"")):
            tail = b" HTTP/1.1\r\nHost: x\r\n" + token + b"Connection: close\r\n\r\n"
            get_line, get_headers, get_body = _head_and_body(s.port, b"GET " + path + tail)
            head_line, head_headers, head_body = _head_and_body(s.port, b"HEAD " + path + tail)
            what = "HEAD " + path.decode()
            check(head_line == get_line, "%s: %r, GET: %r" % (what, head_line, get_line))
            check(head_body == b"", "%s sent a body: %r" % (what, head_body[:200]))
            # /metrics counts the requests themselves (responses, durations
            # by route), so only its length may differ.
            fields = ("content-type",) if path == b"/metrics" else ("content-type",
                                                                   "content-length")
            for field in fields:
                check(head_headers.get(field) == get_headers.get(field),
                      "%s: %s %r, GET's %r" % (what, field, head_headers.get(field),
                                               get_headers.get(field)))
            if path != b"/metrics":
                check(int(head_headers.get("content-length", "-1")) == len(get_body),
                      "%s: Content-Length %r, GET's body %d bytes"
                      % (what, head_headers.get("content-length"), len(get_body)))
        check(_head_and_body(s.port, b"HEAD /v1/cases HTTP/1.1\r\nHost: x\r\n"
                             b"Connection: close\r\n\r\n")[0].startswith("HTTP/1.1 401"),
              "HEAD without a token")
        # A keep-alive connection goes on after a HEAD: http.client reads no body.
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
        try:
            conn.request("HEAD", "/v1/health")
            r = conn.getresponse()
            check(r.status == 200 and r.read() == b"", "HEAD on a keep-alive connection")
            conn.request("GET", "/v1/health")
            r = conn.getresponse()
            check(r.status == 200 and json.loads(r.read())["status"] == "ok",
                  "GET after HEAD on the same connection")
        finally:
            conn.close()
        r = s.request("POST", "/v1/health", body="{}", token=None)
        expect_status(r, 405, "POST /v1/health")
        check(dict((k.lower(), v) for k, v in r.headers).get("allow") == "GET, HEAD",
              "Allow of /v1/health: %r" % r.headers)
        r = s.request("HEAD", "/v1/events/stream")
        expect_status(r, 405, "HEAD of the live feed")
        check(dict((k.lower(), v) for k, v in r.headers).get("allow") == "GET",
              "Allow of the feed: %r" % r.headers)
        expect_status(s.get("/v1/health", token=None), 200, "still serving")
        heads = [e for e in s.access_log() if e.get("method") == "HEAD"]
        check(len(heads) == 8, "HEAD requests logged: %r" % heads[:3])
    finally:
        check(s.stop() == 0, "serve exit code")


def test_limit_zero():
    """limit=0 asks for nothing: refused (400 naming limit and the rule), not
    read as 1 (issue 17, HTTP details; docs/openapi.yaml: minimum 1)."""
    s = start()
    try:
        r = s.get("/v1/events?from=1&limit=0")
        expect_status(r, 400, "limit=0")
        b = r.json()
        check(b.get("error") == "invalid_argument" and b.get("subject") == "limit" and
              "limit must be at least 1" in b.get("message", ""), "limit=0: %r" % b)
        r = s.get("/v1/events?from=1&limit=1")
        expect_status(r, 200, "limit=1")
        check([e["position"] for e in r.json()["events"]] == [1], "limit=1: %r" % r.text[:300])
        expect_status(s.get("/v1/events?limit=-1"), 400, "limit=-1")
    finally:
        check(s.stop() == 0, "serve exit code")


def test_content_type():
    """A command's body is JSON: a Content-Type other than application/json
    (parameters allowed) is 415 naming the header, and nothing runs (issue
    17, HTTP details). A request without Content-Type is read as JSON."""
    s = start()
    try:
        for i, ctype in enumerate(("text/plain", "text/plain; charset=utf-8",
                                   "application/x-www-form-urlencoded", "application/jsonx",
                                   "application/json-seq", "multipart/form-data; boundary=x", "")):
            case_id = "SX-T-%04d" % (100 + i)
            r = s.request("POST", "/v1/commands", body=json.dumps(clue(case_id)),
                          headers={"Content-Type": ctype})
            expect_status(r, 415, "Content-Type %r" % ctype)
            b = r.json()
            check(b.get("error") == "unsupported_media_type" and
                  b.get("subject") == "Content-Type" and
                  "application/json" in b.get("message", "") and
                  ("'%s'" % ctype) in b.get("message", ""), "415 for %r: %r" % (ctype, b))
            expect_status(s.get("/v1/cases/" + case_id), 404, "nothing ran for %r" % ctype)
        for i, ctype in enumerate(("application/json", "application/json; charset=utf-8",
                                   "Application/JSON;charset=UTF-8", " application/json ")):
            r = s.request("POST", "/v1/commands", body=json.dumps(clue("SX-T-%04d" % (200 + i))),
                          headers={"Content-Type": ctype})
            expect_status(r, 201, "Content-Type %r" % ctype)
        r = s.request("POST", "/v1/commands", body=json.dumps([clue("SX-T-0300")]),
                      headers={"Content-Type": "text/plain"})
        expect_status(r, 415, "a batch as text/plain")
        # No Content-Type at all: read as JSON (docs/api.md).
        r = s.request("POST", "/v1/commands", body=json.dumps(clue("SX-T-0301")))
        expect_status(r, 201, "a command without Content-Type")
    finally:
        check(s.stop() == 0, "serve exit code")


def test_case_read_log():
    """Every access-log line has a timestamp, case_read lines too (issue
    17, HTTP details)."""
    import re
    s = start()
    try:
        expect_status(s.post(clue("SX-T-0001")), 201, "a clue")
        for path in ("/v1/cases/SX-T-0001", "/v1/cases/SX-T-0001/history"):
            expect_status(s.get(path), 200, path)
    finally:
        check(s.stop() == 0, "serve exit code")
    log = s.access_log()
    reads = [e for e in log if "case_read" in e]
    check(len(reads) == 2, "two case reads logged: %r" % reads)
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
    for e in log:
        check(isinstance(e.get("ts"), str) and stamp.match(e["ts"]) is not None,
              "an access-log line without a timestamp: %r" % e)


def test_serve_missing_store():
    """`zfcli --db ./typo serve` does not create and serve an empty store:
    exit 3 naming --db and --create; --create does (issue 17, HTTP details)."""
    config = write_config()

    def serve(*args):
        # Without the fix this serves (forever): a short timeout keeps the
        # test's failure quick.
        try:
            p = subprocess.run([ZFCLI] + list(args), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=TMP, timeout=10 * TIMEOUT_SCALE)
        except subprocess.TimeoutExpired:
            fail("serve %r did not exit: it serves the missing store" % (args,))
            raise Abort()
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    for lang, needle in (([], "--create"), (["--lang", "en"], "no event store at")):
        rc, out, err = serve(*(lang + ["--db", "typo", "serve", "--config", config,
                                       "--listen", "127.0.0.1:0"]))
        check(rc == 3 and "--db" in err and "--create" in err and needle in err and
              "typo" in err, "serve on a missing store %r: exit %d, %r" % (lang, rc, err))
        check(not os.path.exists(os.path.join(TMP, "typo")), "the missing store was created")
    os.mkdir(os.path.join(TMP, "empty"))
    rc, out, err = serve("--db", "empty", "serve", "--config", config, "--listen", "127.0.0.1:0")
    check(rc == 3 and "--create" in err, "serve on an empty directory: exit %d, %r" % (rc, err))
    rc, out, err = serve("--db", "typo", "serve", "--config", config, "--listen", "127.0.0.1:0")
    check(("没有事件存储" in err), "the message is Chinese by default: %r" % err)
    s = Server(db="typo", serve_args=["--create"])
    try:
        r = s.get("/v1/health", token=None)
        expect_status(r, 200, "health of a store served with --create")
        check(r.json().get("position") == 0, "a new, empty store: %r" % r.text)
    finally:
        check(s.stop() == 0, "serve exit code")
    # The store exists now: served without --create.
    s = Server(db="typo")
    try:
        expect_status(s.get("/v1/health", token=None), 200, "health of the existing store")
    finally:
        check(s.stop() == 0, "serve exit code")


def test_percent_slash():
    """A path is split into segments before they are percent-decoded, so an
    encoded slash stays inside its segment: /v1/cases/X%2Fhistory is the
    case "X/history", not X's history (issue 17, HTTP details)."""
    s = start()
    try:
        expect_status(s.post(clue("SX-T-0001")), 201, "a clue")
        r = s.get("/v1/cases/SX-T-0001/history")
        expect_status(r, 200, "the history")
        for path in ("/v1/cases/SX-T-0001%2Fhistory", "/v1/cases/SX-T-0001%2fhistory",
                     "/v1/cases/SX-T-0001%2F..%2FSX-T-0001"):
            r = s.get(path)
            body = r.json()
            check(r.status in (400, 404) and isinstance(body, dict) and
                  body.get("error") in ("invalid_argument", "not_found"),
                  "%s: HTTP %d %s" % (path, r.status, r.text[:200]))
        for path in ("/v1%2Fhealth", "/v1/rules%2Fcompetent?item=MARKET-006&township=qiujiang"):
            expect_status(s.get(path, token="officer"), 404, path)
        # Other escapes still decode, in the path and in the query.
        expect_status(s.get("/v1/cases/SX%2DT%2D0001"), 200, "an escaped '-' in the case id")
        r = s.get("/v1/events?prefix=case%2FSX-T-0001&type=clue_registered")
        expect_status(r, 200, "an escaped '/' in a query value")
        check([e["stream"] for e in r.json()["events"]] == ["case/SX-T-0001"],
              "prefix=case%%2F…: %r" % r.text[:300])
        reads = [e for e in s.access_log() if "case_read" in e]
        check(all(e["what"] != "history" or e["case_read"] == "SX-T-0001" for e in reads) and
              len([e for e in reads if e["what"] == "history"]) == 1,
              "only the real history read is recorded: %r" % reads)
    finally:
        check(s.stop() == 0, "serve exit code")


class Sse(object):
    """A Server-Sent Events reader on a raw socket."""

    def __init__(self, port, path, last_id=None, token="officer"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        h = "GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-%s\r\n" % (path, token)
        if last_id is not None:
            h += "Last-Event-ID: %d\r\n" % last_id
        self.sock.sendall((h + "\r\n").encode())
        self.buf = b""
        head = self._until(b"\r\n\r\n")
        require(head.startswith(b"HTTP/1.1 200"), "stream answer %r" % head[:200])

    def _until(self, sep):
        while sep not in self.buf:
            b = self.sock.recv(65536)
            if not b:
                raise Abort()
            self.buf += b
        i = self.buf.index(sep)
        out, self.buf = self.buf[:i], self.buf[i + len(sep):]
        return out

    def next_event(self):
        """(id, event) of the next frame with data; comments are skipped."""
        while True:
            frame = self._until(b"\n\n").decode()
            fields = dict(l.split(": ", 1) for l in frame.split("\n") if ": " in l
                          and not l.startswith(":"))
            if "data" in fields:
                return int(fields["id"]), json.loads(fields["data"])

    def close(self):
        self.sock.close()


def test_subscription_resume():
    s = start()
    try:
        for i in range(4):
            expect_status(s.post(clue("SX-T-%04d" % i)), 201, "clue %d" % i)
        feed = Sse(s.port, "/v1/events/stream?prefix=case/&type=clue_registered")
        got = []
        for _ in range(3):
            got.append(feed.next_event())
        # Live: a command after the catch-up arrives on the open stream.
        for i in range(4, 6):
            expect_status(s.post(clue("SX-T-%04d" % i)), 201, "clue %d" % i)
        got.append(feed.next_event())
        feed.close()
        # Commands while disconnected, then resume from the last id.
        for i in range(6, 9):
            expect_status(s.post(clue("SX-T-%04d" % i)), 201, "clue %d" % i)
        feed = Sse(s.port, "/v1/events/stream?prefix=case/&type=clue_registered",
                   last_id=got[-1][0])
        while len(got) < 9:
            got.append(feed.next_event())
        feed.close()
        ids = [g[0] for g in got]
        streams = [g[1]["stream"] for g in got]
        check(streams == ["case/SX-T-%04d" % i for i in range(9)],
              "missing or repeated events: %r" % streams)
        check(ids == sorted(set(ids)) and all(g[0] == g[1]["position"] for g in got),
              "ids %r" % ids)
        expected = [e["position"] for e in
                    s.get("/v1/events?prefix=case/&type=clue_registered").json()["events"]]
        check(ids == expected, "stream %r != read %r" % (ids, expected))
        # An open feed counts, and does not hold up a shutdown.
        feed = Sse(s.port, "/v1/events/stream?from=%d" % (expected[-1] + 1))
        check("zf_subscriptions_active 1" in s.get("/metrics", token=None).text,
              "subscriptions metric")
        t0 = time.time()
        check(s.stop() == 0, "serve exit code with a feed open")
        check(time.time() - t0 < 5, "shutdown with a feed open took %.1fs" % (time.time() - t0))
        try:
            check(feed.sock.recv(100) == b"", "the feed was not closed at shutdown")
        except (ConnectionResetError, socket.timeout):
            pass
        feed.close()
    finally:
        check(s.stop() == 0, "serve exit code")


def test_sigterm_burst():
    s = start({"work_threads": 16})
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def client(k):
        n = 0
        while not stop.is_set():
            case_id = "SX-B-%02d-%05d" % (k, n)
            n += 1
            try:
                r = s.post(clue(case_id), timeout=20)
            except (OSError, http.client.HTTPException):
                continue          # refused or cut: not acknowledged
            if r.status == 201:
                with lock:
                    acked.append(case_id)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    try:
        # SIGTERM once commands are being acknowledged (a loaded or
        # sanitized machine takes longer to get there), mid-burst.
        deadline = time.time() + 30 * TIMEOUT_SCALE
        while time.time() < deadline:
            with lock:
                if len(acked) >= 5:
                    break
            time.sleep(0.05)
        time.sleep(0.5)
        with lock:
            before = len(acked)
        s.proc.send_signal(signal.SIGTERM)
        rc = s.proc.wait(timeout=30)
        check(rc == 0, "serve exit code %d after SIGTERM" % rc)
    finally:
        stop.set()
        for t in threads:
            t.join()
        if s.proc.poll() is None:
            s.proc.kill()
    require(before > 0, "no command acknowledged before SIGTERM")
    rc, out, err = zf("--db", "db", "--json", "case", "list")
    require(rc == 0, "case list after the server stopped: %s" % err)
    stored = set(c["case_id"] for c in json.loads(out))
    lost = [c for c in acked if c not in stored]
    check(not lost, "%d acknowledged commands lost, e.g. %r" % (len(lost), lost[:5]))
    rc, out, err = zf("--db", "db", "store", "verify")
    check(rc == 0, "store verify after SIGTERM: %s %s" % (out, err))


def on_spot(case_id, command_id, depth):
    """An on-spot fine (APL art. 51) on a clue() case, by the officer token,
    with its free-form facts nested `depth` deep."""
    facts = "leaf"
    for _ in range(depth):
        facts = {"a": facts}
    return {"command": "issue_on_spot_decision", "command_id": command_id,
            "at": "2023-01-09T10:00:00+08:00", "case_id": case_id,
            "data": {"document_number": "沙市监当罚〔2023〕%s号" % command_id,
                     "officers": ["SX-OF-0032", "SX-OF-0033"], "credentials_shown": True,
                     "statement_heard": True, "penalty_types": ["fine"], "fine_fen": 20000,
                     "delivery": "on_spot", "circumstance_level": "general",
                     "adjustment": "general", "facts": {"x": facts}}}


def test_malicious_client():
    """A client looping on a command the store would refuse (issue 14 §1)
    leaves every other client's commands applied. Before, the store refused
    the whole group write the attacker's command shared with them, and they
    got its 422."""
    s = start({"work_threads": 16})
    try:
        # The vector is real: the same decision with shallow facts applies.
        expect_status(s.post(clue("SX-M-CTRL")), 201, "the attacker's clue")
        expect_status(s.post(on_spot("SX-M-CTRL", "m-ctrl", 1)), 201,
                      "an on-spot decision with shallow facts")
        good, evil, lock, done = [], [], threading.Lock(), threading.Event()

        def client(k):
            for n in range(20):
                case_id = "SX-G-%02d-%03d" % (k, n)
                r = s.post(clue(case_id), timeout=60)
                with lock:
                    good.append((case_id, r.status, r.text[:200]))

        def attacker():
            n = 0
            while not done.is_set() or n < 5:
                case_id = "SX-M-%04d" % n
                s.post(clue(case_id), timeout=60)
                r = s.post(on_spot(case_id, "m-%04d" % n, 40), timeout=60)
                with lock:
                    evil.append((r.status, r.text[:300]))
                n += 1

        threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
        bad = threading.Thread(target=attacker)
        bad.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done.set()
        bad.join()
        failed = [g for g in good if g[1] != 201]
        check(len(good) == 160 and not failed,
              "%d of %d valid commands failed, e.g. %r" % (len(failed), len(good), failed[:3]))
        check(all(e[0] == 422 and '"subject":"/data/facts/x/a' in e[1].replace(" ", "")
                  for e in evil),
              "the attacker's commands are its own 422s: %r"
              % [e for e in evil if e[0] != 422][:3])
        for case_id, _, _ in good[:: 20]:
            expect_status(s.get("/v1/cases/" + case_id), 200, "stored " + case_id)
    finally:
        check(s.stop() == 0, "serve exit code")


def test_store_fault():
    """A full disk: the server's store lives on a small tmpfs (a private
    mount namespace: `unshare -m`, or `unshare -r -m` when not root) that
    the test fills through /proc/PID/root. While it is full, commands fail
    and /v1/health answers 503 naming the store's error; once space is
    freed, health is 200 again and commands are applied, without a restart
    (issue 14 §6)."""
    load_reference()
    unshare = shutil.which("unshare")
    require(unshare is not None, "unshare (util-linux) is needed for a small filesystem")
    mnt = os.path.join(TMP, "small")
    os.mkdir(mnt)
    prefix = [unshare, "-m"] + (["-r"] if os.geteuid() != 0 else []) + [
        "sh", "-c", 'mount -t tmpfs -o size=24m tmpfs "$1" && cp -r "$2" "$1/db" && shift 2 && '
        'exec "$@"', "sh", mnt, os.path.join(TMP, "db")]
    s = Server(db=os.path.join(mnt, "db"), prefix=prefix)
    fill = "/proc/%d/root%s/fill" % (s.proc.pid, mnt)
    try:
        expect_status(s.post(clue("SX-T-0100")), 201, "a command before the fault")
        expect_status(s.get("/v1/health", token=None), 200, "health before the fault")
        with open(fill, "wb") as f:          # the disk fills up
            try:
                while True:
                    f.write(b"\0" * (1 << 20))
                    f.flush()
            except OSError:
                pass
        r = s.post(clue("SX-T-0101"))
        check(r.status == 500, "a command on a full disk: HTTP %d %s" % (r.status, r.text[:300]))
        h = s.get("/v1/health", token=None)
        expect_status(h, 503, "health on a full disk")
        body = h.json()
        check(body.get("status") == "store_error" and body.get("error") == "io_error" and
              "No space left on device" in body.get("reason", ""),
              "health names the fault: %r" % body)
        r = s.post(clue("SX-T-0102"))
        check(r.status >= 500, "a command while the disk is full: HTTP %d" % r.status)
        os.remove(fill)                       # space again
        # RocksDB looks for room every few seconds; zf tries at most once a second.
        deadline = time.time() + 40 * TIMEOUT_SCALE
        while True:
            h = s.get("/v1/health", token=None)
            if h.status == 200 or time.time() > deadline:
                break
            time.sleep(0.2)
        expect_status(h, 200, "health once space is freed")
        recovered_in = 40 * TIMEOUT_SCALE - (deadline - time.time())
        check(h.json().get("status") == "ok", "health: %r" % h.text)
        expect_status(s.post(clue("SX-T-0101")), 201, "the failed command again, after the fault")
        expect_status(s.post(clue("SX-T-0103")), 201, "a new command after the fault")
        for case in ("SX-T-0100", "SX-T-0101", "SX-T-0103"):
            expect_status(s.get("/v1/cases/" + case), 200, case)
        expect_status(s.get("/v1/cases/SX-T-0102"), 404, "the command that failed in the fault")
        r = s.get("/v1/events?from=1&limit=10000")
        expect_status(r, 200, "the log after the fault")
        positions = [e["position"] for e in r.json()["events"]]
        check(positions == list(range(1, len(positions) + 1)), "positions dense after the fault")
    finally:
        try:
            os.remove(fill)
        except OSError:
            pass
        check(s.stop() == 0, "serve exit code")


def test_tls():
    load_reference()
    cert, key = os.path.join(TMP, "cert.pem"), os.path.join(TMP, "key.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TMP)
    require(p.returncode == 0, "openssl req (needed to make a test certificate): %s"
            % p.stderr.decode()[:300])
    s = Server(tls={"cert": cert, "key": key})
    try:
        expect_status(s.get("/v1/health", token=None), 200, "health over TLS")
        expect_status(s.post(clue("SX-T-0001")), 201, "a command over TLS")
        expect_status(s.post(clue("SX-T-0002"), token=None), 401, "no token over TLS")
        out = s.raw(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", wait=3)
        check("200 OK" not in out, "plain HTTP answered on the TLS port: %r" % out[:200])
    finally:
        check(s.stop() == 0, "serve exit code")


def test_config_errors():
    load_reference()
    cases = [
        ({"tokens": [{"sha256": "abc", "actor": {"id": "a", "role": "r", "unit": "u"}}]},
         "/tokens/0/sha256"),
        ({"tokens": [{"sha256": token_digest("t"), "actor": {"id": "a", "role": "r"}}]},
         "/tokens/0/actor/unit"),
        ({"tokens": [], "limits": {"max_body_byte": 5}}, "/limits/max_body_byte"),
        ({"tokens": [], "tls": {"cert": "x.pem"}}, "/tls/key"),
        # The shape is schemas/serve-config.schema.json's: its description
        # of the field follows the rule broken.
        ({"tokens": [], "limits": {"header_timeout_ms": "10s"}},
         "config /limits/header_timeout_ms: "),
        ({"tokens": [], "limits": {"max_connections": 0}},
         "(open connections at once)"),
        ({"tokens": [{"sha256": token_digest("t"), "sm3": token_digest("t"),
                      "actor": {"id": "a", "role": "r", "unit": "u"}}]}, "config /tokens/0: "),
        ({"tokens": [{"sha256": token_digest("t").upper(),
                      "actor": {"id": "a", "role": "r", "unit": "u"}}]},
         "64 lowercase hex digits"),
        ({"tokens": [{"sha256": token_digest("t"), "admin": "yes",
                      "actor": {"id": "a", "role": "r", "unit": "u"}}]}, "/tokens/0/admin"),
        ([], "config /: "),
        ({"tokens": [{"sha256": token_digest("t"), "actor": {"id": "a", "role": "r", "unit": "u"}},
                     {"sha256": token_digest("t"), "actor": {"id": "b", "role": "r", "unit": "u"}}]},
         "config /tokens/1: duplicate digest"),
        # The store's rule for actors (issue 14 §5), at load time: a token
        # whose actor breaks it would have every command refused.
        ({"tokens": [{"sha256": token_digest("t"), "comment": "night shift",
                      "actor": {"id": "SX-OF-0032\n", "role": "r", "unit": "u"}}]},
         '/tokens/0/actor/id: actor id of the token "night shift": control characters'),
        ({"tokens": [{"sha256": token_digest("s"), "actor": {"id": "a", "role": "r", "unit": "u"}},
                     {"sha256": token_digest("t"),
                      "actor": {"id": "a", "role": "r\u007f", "unit": "u"}}]},
         "/tokens/1/actor/role: actor role of the token %s…: control characters"
         % token_digest("t")[:12]),
        ({"tokens": [{"sha256": token_digest("t"),
                      "actor": {"id": "a", "role": "r", "unit": "u" * 129}}]},
         "/tokens/0/actor/unit: actor unit of the token %s…: longer than 128 bytes"
         % token_digest("t")[:12]),
    ]
    for config, field in cases:
        path = os.path.join(TMP, "bad.json")
        with open(path, "w") as f:
            json.dump(config, f)
        rc, out, err = zf("--db", "db", "serve", "--config", path, "--listen", "127.0.0.1:0")
        check(rc == 3 and field in err, "config %r: exit %d, stderr %r (want %s)"
              % (config, rc, err, field))
    rc, out, err = zf("serve", "--hash-token", "secret")
    check(rc == 0 and out.strip() == token_digest("secret"), "--hash-token: %r" % out)
    rc, out, err = zf("--db", "db", "serve")
    check(rc == 2 and "--config" in err, "serve without --config: %d %r" % (rc, err))


def test_checkpoints():
    """serve.json's "checkpoints" makes the server sign its ledger head at the
    interval (docs/audit.md §6); its errors name the field or the file."""
    load_reference()
    key = os.path.join(EXAMPLES, "keys", "checkpoint-test.pem")
    s = Server(checkpoints={"key": key, "every": 1})
    try:
        for n in range(3):
            expect_status(s.post(clue("SX-T-%04d" % (n + 1))), 201, "clue %d" % n)
    finally:
        s.stop()
    rc, out, err = zf("--db", "db", "store", "verify", "--json")
    head = json.loads(out)
    rc, out, err = zf("--db", "db", "checkpoint", "export")
    cps = [json.loads(l) for l in out.splitlines() if l.strip()]
    check(rc == 0 and len(cps) == 3 and cps[-1]["position"] == head["to"] and
          cps[-1]["ledger_hash"] == head["ledger_hash"],
          "checkpoints after three commands: %r (head %r)" % (cps, head))
    for config, field in (
            ({"tokens": [], "checkpoints": {"every": 5}}, "/checkpoints/key"),
            ({"tokens": [], "checkpoints": {"key": key, "every": -1}}, "/checkpoints/every"),
            ({"tokens": [], "checkpoints": {"key": key, "often": 1}}, "/checkpoints/often"),
            ({"tokens": [], "checkpoints": {"key": os.path.join(TMP, "none.pem")}},
             "none.pem")):
        path = os.path.join(TMP, "bad.json")
        with open(path, "w") as f:
            json.dump(config, f)
        rc, out, err = zf("--db", "db", "serve", "--config", path, "--listen", "127.0.0.1:0")
        check(rc == 3 and field in err, "config %r: exit %d, stderr %r (want %s)"
              % (config, rc, err, field))


def test_seal_keys():
    """serve.json's "seal_keys" names the directory of the agencies' seal
    keys (docs/api.md): a server starts with the sample's test keys and
    takes commands; a bad value or a missing directory exits 3 naming it."""
    load_reference()
    s = Server(seal_keys=os.path.join(EXAMPLES, "keys", "seals"))
    try:
        expect_status(s.post(clue("SX-T-0001")), 201, "clue")
    finally:
        s.stop()
    for config, field in (
            ({"tokens": [], "seal_keys": 5}, "/seal_keys"),
            ({"tokens": [], "seal_keys": os.path.join(TMP, "no-keys")}, "no-keys")):
        path = os.path.join(TMP, "bad.json")
        with open(path, "w") as f:
            json.dump(config, f)
        rc, out, err = zf("--db", "db", "serve", "--config", path, "--listen", "127.0.0.1:0")
        check(rc == 3 and field in err, "config %r: exit %d, stderr %r (want %s)"
              % (config, rc, err, field))


def test_cli_beside_server():
    """While `zfcli serve` holds the store, the CLI reads it (the same answers
    as the server's), backs it up, verifies it, and refuses to write to it
    with exit 7 naming the server's process and address."""
    holder_file = os.path.join(TMP, "db", "zf-holder.json")
    s = start()
    try:
        expect_status(s.post(clue("SX-T-0001")), 201, "a clue")
        expect_status(s.post(clue("SX-T-0002")), 201, "a second clue")
        for step in ("route_clue", "start_verification"):
            c = {"command": step, "command_id": "cmd-%s-2" % step,
                 "at": "2023-01-09T10:00:00+08:00", "case_id": "SX-T-0002", "data": {}}
            expect_status(s.post(c), 201, step)
        address = "http://127.0.0.1:%d" % s.port
        with open(holder_file) as f:
            holder = json.load(f)
        check(holder.get("pid") == s.proc.pid and holder.get("address") == address,
              "the server's holder file: %r (pid %d, %s)" % (holder, s.proc.pid, address))

        def cli_json(*args):
            rc, out, err = zf("--db", "db", "--json", *args)
            require(rc == 0, "`%s` beside the server exited %d: %s"
                    % (" ".join(args), rc, err[-400:]))
            return json.loads(out)

        # The CLI first: the server's case reads append to the access trail.
        pairs = [
            (("case", "show", "SX-T-0002"), "/v1/cases/SX-T-0002"),
            (("case", "show", "SX-T-0001", "--as-of", "2023-01-09"),
             "/v1/cases/SX-T-0001?as_of=2023-01-09"),
            (("case", "list", "--township", "qiujiang"), "/v1/cases?township=qiujiang"),
            (("case", "list"), "/v1/cases"),
            (("deadlines", "--as-of", "2030-01-01"), "/v1/deadlines?as_of=2030-01-01"),
            (("stats", "--from", "2023-01-01", "--to", "2023-12-31"),
             "/v1/statistics?from=2023-01-01&to=2023-12-31"),
            (("rules", "competent", "--power", "MARKET-006", "--township", "qiujiang",
              "--as-of", "2023-06-01"),
             "/v1/rules/competent?item=MARKET-006&township=qiujiang&as_of=2023-06-01"),
        ]
        answers = [cli_json(*args) for args, _ in pairs]
        check([c["case_id"] for c in answers[3]] == ["SX-T-0001", "SX-T-0002"],
              "the CLI's docket beside the server: %r" % answers[3])
        check([d["deadline"] for d in answers[4] if d["case_id"] == "SX-T-0002"] == ["D2"],
              "the CLI's deadlines beside the server: %r" % answers[4])
        for (args, url), mine in zip(pairs, answers):
            r = s.get(url)
            expect_status(r, 200, url)
            check(r.json() == mine, "`zfcli %s` and GET %s differ:\n  cli: %s\n  api: %s"
                  % (" ".join(args), url, json.dumps(mine)[:400], r.text[:400]))
        head = s.get("/v1/health", token=None).json()["position"]
        # Every other read works too, in Chinese and in English.
        for args in (["case", "explain", "SX-T-0002"], ["case", "history", "SX-T-0001"],
                     ["case", "show", "SX-T-0001"], ["grid", "list"], ["joint", "list"],
                     ["review", "list"], ["access", "--case", "SX-T-0001"],
                     ["rules", "show", "--power", "MARKET-006"], ["log", "--limit", "3"],
                     ["export", "--from", str(head)],
                     ["calendar", "due", "--from", "2023-09-28", "--working-days", "5"],
                     ["replay", "--verify"], ["store", "verify"],
                     ["--lang", "en", "stats", "--from", "2023-01-01", "--to", "2023-12-31"]):
            rc, out, err = zf("--db", "db", *args)
            check(rc == 0 and out.strip(), "`zfcli %s` beside the server exited %d: %s"
                  % (" ".join(args), rc, err[-400:]))
            check("LOCK" not in err, "`zfcli %s`: %s" % (" ".join(args), err[-300:]))
        # The audit finds SX-T-0002's D2 breached (exit 6), as the server's does.
        rc, out, err = zf("--db", "db", "--json", "audit", "verify")
        check(rc == 6 and json.loads(out)["events_read"] == head
              and json.loads(out)["findings"]["integrity"] == 0,
              "audit verify beside the server: %d %s %s" % (rc, out[:400], err[-300:]))
        rc, out, err = zf("--db", "db", "--json", "store", "verify")
        check(rc == 0 and json.loads(out)["events_checked"] == head,
              "store verify beside the server checks every event: %s %s" % (out, err))
        with open(os.path.join(TMP, "more.jsonl"), "w") as f:
            f.write(json.dumps(clue("SX-T-0099", actor=TOKENS["officer"]), ensure_ascii=False)
                    + "\n")
        rc, out, err = zf("--db", "db", "--json", "import", "--dry-run", "more.jsonl")
        check(rc == 0 and json.loads(out)["applied"] == 1,
              "import --dry-run beside the server: %d %s %s" % (rc, out, err))

        # Writes are refused: exit 7, naming the server, not RocksDB's lock.
        zh = "存储正由进程 %d 提供服务（%s）；请把命令发送给该服务" % (s.proc.pid, address)
        en = "the store is served by process %d at %s; send commands to the server" % (
            s.proc.pid, address)
        clue_json = json.dumps(clue("SX-T-0098", actor=TOKENS["officer"]), ensure_ascii=False)
        for args in (["import", "more.jsonl"], ["exec", clue_json], ["replay"],
                     ["case", "show", "SX-T-0001", "--as-actor", "SX-OF-0032",
                      "--role", "enforcement_officer", "--unit", "sx-market"],
                     ["review", "start", "RC-1", "--org", "sx-justice", "--from", "2023-01-01",
                      "--to", "2023-12-31", "--cases", "SX-T-0001", "--actor", "SX-ADMIN-01",
                      "--role", "list_admin", "--unit", "sx-justice"],
                     ["store", "append", "more.jsonl"]):
            rc, out, err = zf("--db", "db", *args)
            check(rc == 7, "`zfcli %s` on a served store exited %d, expected 7: %s"
                  % (" ".join(args)[:60], rc, err[-300:]))
            check(zh in err and "LOCK" not in err and "Resource temporarily" not in err,
                  "`zfcli %s` on a served store says %r" % (" ".join(args)[:60], err))
        rc, out, err = zf("--db", "db", "--lang", "en", "import", "more.jsonl")
        check(rc == 7 and en in err, "refused import (en): %d %r" % (rc, err))
        check(s.get("/v1/health", token=None).json()["position"] == head,
              "a refused write stored something")
        expect_status(s.get("/v1/cases/SX-T-0099"), 404, "the refused import's case")

        # A backup of the held store, verified, with the server's answers.
        rc, out, err = zf("--db", "db", "--json", "backup", "bk")
        require(rc == 0, "backup beside the server exited %d: %s" % (rc, err))
        b = json.loads(out)
        head = s.get("/v1/health", token=None).json()["position"]
        check(b["ledger_position"] == head, "backup at %r, server at %d" % (b, head))
        rc, out, err = zf("--db", "bk", "--json", "store", "verify")
        check(rc == 0 and json.loads(out)["ok"] is True
              and json.loads(out)["events_checked"] == head,
              "the backup verifies: %d %s %s" % (rc, out[:300], err[-300:]))
        rc, out, err = zf("--db", "bk", "--json", "case", "show", "SX-T-0002")
        check(rc == 0 and json.loads(out) == answers[0], "the backup's case view: %s" % out[:300])
        check(not os.path.exists(os.path.join(TMP, "bk", "zf-holder.json")),
              "the backup carries the server's holder file")
    finally:
        check(s.stop() == 0, "serve exit code")
    check(not os.path.exists(holder_file), "the holder file outlives the server")
    rc, out, err = zf("--db", "db", "import", "more.jsonl")
    check(rc == 0, "import after the server stopped: %d %s" % (rc, err))


def load_sample(db="db"):
    """The Shaxian sample with its cases (examples/shaxian/01..09), the
    tour's archive and the demo's review campaign RC-2023-Q4 with one file
    scored: a copy of a store imported once (tests/support/store_cache.py)."""
    sources = sorted(glob.glob(os.path.join(EXAMPLES, "0[1-9]-*.jsonl")))
    sources.append(os.path.join(EXAMPLES, "..", "tour", "archive-2023q4.jsonl"))

    def import_into(target):
        for f in sources:
            rc, out, err = zf("--db", target, "import", f)
            require(rc == 0, "importing %s exited %d: %s" % (f, rc, err))
        rc, out, err = zf("--db", target, "review", "start", "RC-2023-Q4", "--org", "sx-justice",
                          "--from", "2023-10-01", "--to", "2023-12-31", "--count", "3", "--seed",
                          "2023", "--title", "2023年第四季度案卷评查", "--actor", "SX-OF-0202",
                          "--role", "case_reviewer", "--unit", "sx-justice",
                          "--at", "2024-01-08T09:00:00+08:00")
        require(rc == 0, "review start: %s" % err)
        rc, out, err = zf("--db", target, "review", "score", "RC-2023-Q4", "SX-2023-T0045",
                          "--reviewer", "SX-OF-0202", "--form", "18", "--content", "72",
                          "--actor", "SX-OF-0202", "--role", "case_reviewer",
                          "--unit", "sx-justice", "--at", "2024-01-15T09:00:00+08:00")
        require(rc == 0, "review score: %s" % err)

    # The review campaign is not a file: the driver's name is in the key.
    copy_of_imported(ZFCLI, sources + [os.path.abspath(__file__)], os.path.join(TMP, db),
                     import_into)


def openapi_spec():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "openapi"))
    try:
        from spec_check import Spec
    except ImportError as e:
        require(False, "%s: install python3-yaml and python3-jsonschema (scripts/deps)" % e)
    return Spec(os.path.join(EXAMPLES, "..", "..", "docs", "openapi.yaml"))


def test_openapi_responses():
    """Issue 17: every endpoint's real answers, for every status the test
    can bring about on the sample store (applied, already applied,
    rejected, batch, 400/401/403/404/405/409/413/415/422/429/431), conform to
    docs/openapi.yaml: the status is listed for the operation, the media
    type is the spec's, and the body validates against the response's
    schema (tests/openapi/spec_check.py); the live feed's frames are
    Events. Every operation of the spec is exercised. Output that drifts
    from the spec fails."""
    spec = openapi_spec()
    # The checker itself catches drift: a body without a required field
    # (an Error without message_zh), with a field the spec does not know,
    # a rejection taken for an Error.
    check(spec.schema_problems({"$ref": "#/components/schemas/Error"},
                               {"error": "not_found", "message": "m"}) != [],
          "an Error without message_zh is refused")
    rejected = {"outcome": "rejected", "error": "rejected", "stream": "case/X", "code": "c",
                "message": "m", "legal_basis": "b", "pointer": "", "message_zh": "z",
                "citation": {"zh": "z", "en": "e"}}
    check(spec.schema_problems({"$ref": "#/components/schemas/CommandResult"}, rejected) == [],
          "a rejection matches one branch")
    check(spec.schema_problems({"$ref": "#/components/schemas/Error"}, rejected) != [],
          "a rejection is not an Error")
    check(spec.schema_problems({"$ref": "#/components/schemas/CommandResult"},
                               dict(rejected, first_position=1)) != [],
          "the checker refuses an unknown field")
    # Every error code the server's sources answer with (and every Status
    # code it passes on) has its Chinese rule, and the table no other.
    root = os.path.join(EXAMPLES, "..", "..")
    codes = set()
    for f in glob.glob(os.path.join(root, "cli", "server", "*.cc")):
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        codes |= set(re.findall(r'(?:Error|Refuse|RefuseAndClose)\(\s*(?:[\w:>.-]+,\s*)?'
                                r'http::status::\w+,\s*"([a-z_]+)"', text))
        codes |= set(re.findall(r'\{"error", "([a-z_]+)"\}', text))
    with open(os.path.join(root, "lib", "src", "util", "status.cc"), encoding="utf-8") as fh:
        codes |= set(re.findall(r'return "([a-z_]+)";', fh.read())) - {"ok", "unknown"}
    with open(os.path.join(root, "cli", "server", "error_messages.cc"), encoding="utf-8") as fh:
        rows = set(re.findall(r'\{"([a-z_]+)", "', fh.read()))
    check(len(codes) > 20 and codes == rows,
          "error codes without a Chinese rule: %s; rules of no code: %s"
          % (sorted(codes - rows), sorted(rows - codes)))
    load_sample()
    backups = os.path.join(TMP, "backups")
    os.mkdir(backups)
    s = Server(limits={"expensive_per_minute": 1, "expensive_burst": 8, "max_body_bytes": 16384},
               admin={"backup_dir": backups})
    problems = []
    statuses = {}

    def call(method, target, expect, body=None, token="officer", headers=None):
        r = s.request(method, target, body=body, token=token, headers=headers)
        ctype = dict((k.lower(), v) for k, v in r.headers).get("content-type", "")
        check(r.status == expect, "%s %s: HTTP %d, expected %d: %s"
              % (method, target, r.status, expect, r.text[:300]))
        problems.extend(spec.check(method, target, r.status, ctype, r.text))
        if r.status >= 400 and ctype.startswith("application/json"):
            body = r.json()
            # The server's own errors in Chinese too, each code its own rule.
            zh = body.get("message_zh", "")
            check(re.search("[\u4e00-\u9fff]", zh) is not None
                  and not zh.startswith("请求未能完成"),
                  "%s %s: no Chinese rule for %r: %r" % (method, target, body.get("error"), zh))
        statuses.setdefault((method, spec.operation(method, target)[0]), set()).add(r.status)
        return r

    try:
        case = "SX-2023-E0010"
        head = call("GET", "/v1/health", 200, token=None).json()["position"]
        call("GET", "/v1/health?x=%ZZ", 400, token=None)
        call("HEAD", "/v1/health", 200, token=None)
        call("GET", "/metrics", 200, token=None)
        # Commands: applied, already applied, rejected (422 and 403),
        # refused by the server (403, 409, 415, 400, 401), invalid (422),
        # batches.
        call("POST", "/v1/commands", 201, clue("SX-T-0001"))
        call("POST", "/v1/commands", 200, clue("SX-T-0001"))
        r = call("POST", "/v1/commands", 422, clue("SX-T-0001", command_id="cmd-again"))
        check(r.json().get("outcome") == "rejected", "a rejection: %r" % r.text)
        r = call("POST", "/v1/commands", 403, clue("SX-T-0002"), token="stranger")
        check(r.json().get("code") == "unknown_officer", "a 403 rejection: %r" % r.text)
        call("POST", "/v1/commands", 403, clue("SX-T-0003"), token="auditor")
        call("POST", "/v1/commands", 403, clue("SX-T-0004", actor=TOKENS["captain"]))
        call("POST", "/v1/commands", 409, clue("SX-T-0005", command_id="cmd-SX-T-0001"))
        bad = clue("SX-T-0006")
        del bad["data"]["township"]
        call("POST", "/v1/commands", 422, bad)
        call("POST", "/v1/commands", 400, "{not json", headers={"Content-Type": "application/json"})
        call("POST", "/v1/commands", 415, json.dumps(clue("SX-T-0007")),
             headers={"Content-Type": "text/plain"})
        call("POST", "/v1/commands", 401, clue("SX-T-0008"), token=None)
        call("POST", "/v1/commands", 401, clue("SX-T-0008"), token="nobody")
        r = call("POST", "/v1/commands", 200, [clue("SX-T-0010"), clue("SX-T-0011"),
                                                clue("SX-T-0001", command_id="cmd-dup")])
        check([x.get("status") for x in r.json().get("results", [])] == [201, 201, 422],
              "batch statuses: %r" % r.text[:300])
        call("POST", "/v1/commands", 200,
             {"mode": "atomic", "commands": [clue("SX-T-0020"), clue("SX-T-0001", "dup2")]})
        call("POST", "/v1/commands", 422, {"commands": [clue("SX-T-0030"), {"command": "x"}]})
        call("POST", "/v1/commands", 400, {"mode": "sideways", "commands": [clue("SX-T-0031")]})
        call("GET", "/v1/commands", 405)
        call("POST", "/v1/commands", 413, "[" + " " * 20000 + "]",
             headers={"Content-Type": "application/json"})
        call("GET", "/v1/cases", 431, headers={"X-Padding": "x" * 9000})
        # The docket and a case, with its reads.
        call("GET", "/v1/cases", 200)
        call("GET", "/v1/cases?township=gaosha&open=true&as_of=2023-12-31", 200)
        call("GET", "/v1/cases?open=maybe", 400)
        call("GET", "/v1/cases", 401, token=None)
        for target in ("/v1/cases/" + case, "/v1/cases/SX-T-0001",
                       "/v1/cases/%s?at_position=%d" % (case, head - 100),
                       "/v1/cases/%s?as_of=2023-02-01" % case):
            call("GET", target, 200)
        call("GET", "/v1/cases/%s?as_of=garbage" % case, 400)
        call("GET", "/v1/cases/SX-NONE", 404)
        call("GET", "/v1/cases/" + case, 403, token="stranger")
        call("GET", "/v1/cases/%s/history" % case, 200)
        call("GET", "/v1/cases/SX-NONE/history", 404)
        call("GET", "/v1/cases/%s/history" % case, 401, token=None)
        # The expensive reads: 8 in the burst, then 429.
        call("GET", "/v1/cases/%s/explain" % case, 200)
        call("GET", "/v1/cases/%s/explain?at_position=%d" % (case, head - 100), 200)
        call("GET", "/v1/cases/SX-2023-T0045/explain?as_of=2023-12-31", 200)
        call("GET", "/v1/cases/SX-NONE/explain", 404)
        call("GET", "/v1/cases/%s/audit" % case, 200)
        call("GET", "/v1/cases/SX-NONE/audit", 404)
        call("GET", "/v1/cases/%s/dossier" % case, 200)
        call("GET", "/v1/cases/SX-NONE/dossier", 404)
        call("GET", "/v1/cases/%s/explain" % case, 429)
        call("GET", "/v1/cases/%s/audit" % case, 429)
        # The registers.
        call("GET", "/v1/deadlines?as_of=2023-12-31", 200)
        call("GET", "/v1/deadlines?past_limit=true&as_of=2030-01-01", 200)
        call("GET", "/v1/deadlines?within=soon", 400)
        call("GET", "/v1/statistics?from=2023-01-01&to=2023-12-31", 200)
        call("GET", "/v1/statistics?from=2030-01-01&to=2030-12-31", 200)  # the nulls
        call("GET", "/v1/statistics?from=2023-01-01", 400)
        call("GET", "/v1/rules", 200)
        call("GET", "/v1/rules?item=MARKET-006&as_of=2023-06-01", 200)
        call("GET", "/v1/rules/competent?item=MARKET-006&township=qiujiang", 200)
        call("GET", "/v1/rules/competent?item=NOPE&township=qiujiang", 404)
        tickets = call("GET", "/v1/grid", 200).json()
        call("GET", "/v1/grid?state=closed&as_of=2023-06-30", 200)
        call("GET", "/v1/grid?township_id=x", 400)
        call("GET", "/v1/grid/" + tickets[0]["ticket_id"], 200)
        call("GET", "/v1/grid/NO-SUCH-TICKET", 404)
        actions = call("GET", "/v1/joint-actions", 200).json()
        call("GET", "/v1/joint-actions?from=2023-07-01&to=2023-12-31", 200)
        for a in actions:
            call("GET", "/v1/joint-actions/" + a["joint_action_id"], 200)
        call("GET", "/v1/joint-actions/NO-SUCH-ACTION", 404)
        call("GET", "/v1/reviews", 200)
        r = call("GET", "/v1/reviews/RC-2023-Q4", 200)
        check([f["case_id"] for f in r.json().get("files", []) if f["scored"]] == ["SX-2023-T0045"],
              "a scored file's row is checked too: %r" % r.text[:300])
        call("GET", "/v1/reviews/NO-SUCH-CAMPAIGN", 404)
        call("GET", "/v1/access?case=" + case, 200)
        call("GET", "/v1/access", 400)
        call("GET", "/v1/calendar/due?from=2023-09-28&working_days=5", 200)
        call("GET", "/v1/me", 200)
        call("GET", "/v1/names", 200)
        call("GET", "/v1/calendar/due?from=2023-09-28", 400)
        call("GET", "/v1/events?limit=5", 200)
        call("GET", "/v1/events?from=end", 200)
        call("GET", "/v1/events?prefix=case/&type=decision_made&limit=50", 200)
        call("GET", "/v1/events?limit=0", 400)
        call("GET", "/v1/events", 401, token="nobody")
        # The live feed: each frame's data is an Event.
        feed = Sse(s.port, "/v1/events/stream?from=1&prefix=case/")
        try:
            for _ in range(5):
                position, event = feed.next_event()
                problems.extend("GET /v1/events/stream, the frame of %d: %s" % (position, p)
                                for p in spec.schema_problems(spec.component("Event"), event))
        finally:
            feed.close()
        statuses.setdefault(("GET", "/v1/events/stream"), set()).add(200)
        call("GET", "/v1/events/stream?from=ende", 400)
        # The operator's endpoints.
        call("POST", "/v1/admin/verify", 200, {}, token="operator")
        call("POST", "/v1/admin/audit", 200, {"case": case}, token="operator")
        call("POST", "/v1/admin/audit", 404, {"case": "SX-NONE"}, token="operator")
        call("POST", "/v1/admin/backup", 201, {"name": "b1"}, token="operator")
        call("POST", "/v1/admin/backup", 409, {"name": "b1"}, token="operator")
        call("POST", "/v1/admin/verify", 400, {"bogus": 1}, token="operator")
        call("POST", "/v1/admin/verify", 403, {})
        call("POST", "/v1/admin/verify", 401, {}, token=None)
    except Abort:
        pass
    finally:
        check(s.stop() == 0, "serve exit code")
    for p in problems:
        fail("openapi: " + p)
    # Every operation's success was seen.
    for method, template in spec.operations():
        seen = statuses.get((method, template), set())
        check(any(200 <= st < 300 for st in seen),
              "openapi: %s %s was not exercised with a success (%s)"
              % (method, template, sorted(seen)))
    print("openapi: %d statuses of %d operations checked against docs/openapi.yaml"
          % (sum(len(v) for v in statuses.values()), len(statuses)))


class Skip(Exception):
    """The test cannot run here (it says why); exit 77, ctest's SKIP."""


def test_openapi_client():
    """Issue 17: a client generated from docs/openapi.yaml (openapi-typescript
    + openapi-fetch, pinned by tests/openapi/package-lock.json) drives the
    sample store: tests/openapi/client_test.mts, type-checked by tsc
    --strict against the types generated now from the spec, posts a
    command and reads the case, the docket and the statistics. Skipped
    without the tools (scripts/deps installs them from the npm registry)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "openapi"))
    import tools
    d, why = tools.find()
    if d is None:
        raise Skip(why)
    root = os.path.join(EXAMPLES, "..", "..")
    work = os.path.join(TMP, "client")
    os.mkdir(work)
    shutil.copy(os.path.join(tools.HERE, "client_test.mts"), work)
    os.symlink(os.path.join(d, "node_modules"), os.path.join(work, "node_modules"))
    with open(os.path.join(work, "tsconfig.json"), "w") as f:
        json.dump({"compilerOptions": {"target": "ES2022", "lib": ["ES2022", "DOM"],
                                       "module": "NodeNext", "moduleResolution": "NodeNext",
                                       "strict": True, "noEmitOnError": True,
                                       "skipLibCheck": True, "types": []},
                   "files": ["client_test.mts"]}, f)

    def run(argv, what):
        p = subprocess.run(argv, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=tools.env(), timeout=120 * TIMEOUT_SCALE)
        out = p.stdout.decode("utf-8", "replace")
        require(p.returncode == 0, "%s exited %d:\n%s" % (what, p.returncode, out[-3000:]))
        return out

    run([tools.bin(d, "openapi-typescript"), os.path.join(root, "docs", "openapi.yaml"),
         "-o", "zf-api.d.ts"], "openapi-typescript")
    run([tools.bin(d, "tsc"), "-p", "."], "tsc (the client against the generated types)")
    load_sample()
    s = Server()
    try:
        out = run(["node", "client_test.mjs", "http://127.0.0.1:%d" % s.port, "tok-officer",
                   "SX-T-0900"], "the generated client")
        print(out.strip())
    finally:
        check(s.stop() == 0, "serve exit code")


# --- The web console (docs/console.md) ---------------------------------------

CONSOLE_DIR = None  # cli/server/console, set in main from the examples' path


def header(r, name):
    return dict((k.lower(), v) for k, v in r.headers).get(name.lower(), "")


def console_files():
    found = []
    for root, _, files in os.walk(CONSOLE_DIR):
        for f in files:
            found.append(os.path.relpath(os.path.join(root, f), CONSOLE_DIR))
    return sorted(found)


def test_console():
    """The console's page and assets: served without a token, byte for byte
    what cli/server/console holds, with their content type, a CSP without
    inline script, revalidation by ETag, HEAD as GET; an unknown asset is
    404; no asset builds HTML from strings."""
    s = start()
    try:
        r = s.get("/", token=None)
        expect_status(r, 200, "the console page")
        check(header(r, "content-type") == "text/html; charset=utf-8", "page type %r" % r.headers)
        csp = header(r, "content-security-policy")
        for part in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                     "frame-ancestors 'none'", "object-src 'none'"):
            check(part in csp, "CSP lacks %r: %r" % (part, csp))
        check("unsafe" not in csp, "CSP allows something unsafe: %r" % csp)
        check(header(r, "x-content-type-options") == "nosniff", "nosniff %r" % r.headers)
        check(header(r, "cache-control") == "no-cache", "cache-control %r" % r.headers)
        etag = header(r, "etag")
        check(re.fullmatch(r'"[0-9a-f]{16}"', etag) is not None, "etag %r" % etag)
        # No inline script: every <script> has a src, no on...= handler.
        scripts = re.findall(r"<script[^>]*>", r.text)
        check(scripts and all("src=" in x for x in scripts), "inline script in %r" % scripts)
        check(re.search(r"\son[a-z]+\s*=", r.text) is None, "an inline handler in the page")
        expect_status(s.get("/", token="officer"), 200, "the page with a token")
        # Revalidation: the ETag again is a 304 without a body.
        r304 = s.get("/", token=None, headers={"If-None-Match": etag})
        expect_status(r304, 304, "If-None-Match")
        check(r304.text == "", "a 304 has no body: %r" % r304.text[:80])
        # HEAD: GET's headers, no body.
        rh = s.request("HEAD", "/console/js/app.js", token=None)
        expect_status(rh, 200, "HEAD of an asset")
        check(rh.text == "" and header(rh, "content-type").startswith("text/javascript"),
              "HEAD %r %r" % (rh.headers, rh.text[:80]))
        types = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8"}
        files = console_files()
        check("index.html" in files and "js/app.js" in files, "console files %r" % files)
        for rel in files:
            r = s.get("/console/" + rel, token=None)
            expect_status(r, 200, rel)
            with open(os.path.join(CONSOLE_DIR, rel), encoding="utf-8") as f:
                source = f.read()
            check(r.text == source, "%s: served bytes differ from the source" % rel)
            ext = os.path.splitext(rel)[1]
            if ext in types:
                check(header(r, "content-type") == types[ext], "%s type %r" % (rel, r.headers))
            check(header(rh, "content-length") != "", "HEAD content-length")
            if ext == ".js" and rel.startswith("js/"):
                # Data reaches the page as text only (docs/console.md).
                for bad in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                            "eval(", "new Function"):
                    check(bad not in source, "%s uses %s" % (rel, bad))
        # Chart.js from Debian, compiled in when the build found it.
        chartjs = "/usr/share/javascript/chart.js/chart.min.js"
        if os.path.exists(chartjs):
            r = s.get("/console/vendor/chart.min.js", token=None)
            expect_status(r, 200, "Chart.js")
            check(r.text == open(chartjs, encoding="utf-8").read() and
                  header(r, "content-type") == "text/javascript; charset=utf-8",
                  "Chart.js served as Debian ships it")
        check(int(header(rh, "content-length")) ==
              len(open(os.path.join(CONSOLE_DIR, "js/app.js"), "rb").read()),
              "HEAD announces GET's length: %r" % rh.headers)
        for path in ("/console/nope.js", "/console/", "/console/js/../index.html",
                     "/console/%2E%2E/index.html", "/console/js%2Fapp.js", "/favicon.ico"):
            r = s.get(path, token=None)
            expect_status(r, 404, path)
        r = s.get("/console/nope.js", token=None)
        check(r.json().get("error") == "not_found" and "'self'" in header(r, "content-security-policy"),
              "the 404 of an asset: %r %r" % (r.text, r.headers))
        r = s.request("POST", "/", body="{}", token=None)
        expect_status(r, 405, "POST /")
        check(header(r, "allow") == "GET, HEAD", "Allow %r" % r.headers)
        # One latency label for every asset.
        text = s.get("/metrics", token=None).text
        check('route="/console/{asset}"' in text and "app.js" not in text,
              "console routes in the metrics")
    finally:
        check(s.stop() == 0, "serve exit code")


def test_township_scope():
    """A token of a township (or its brigade) reads only that township's
    cases: another township's case, its history, explanation, audit,
    dossier and access trail are 403 outside_township, and its lists are
    its township's; a department's token reads every case (docs/api.md).
    /v1/me says whom a token stands for, /v1/names the organisation's names."""
    s = start()
    try:
        expect_status(s.post(clue("SX-T-0001", township="qiujiang")), 201, "a case in qiujiang")
        expect_status(s.post(clue("SX-T-0002", township="gaosha")), 201, "a case in gaosha")
        expect_status(s.post(clue("SX-T-0003", township="fenggang")), 201, "a case in fenggang")
        for what in ("", "/history", "/explain", "/audit", "/dossier"):
            r = s.get("/v1/cases/SX-T-0001" + what, token="hearing")
            expect_status(r, 403, "gaosha reads qiujiang's case" + what)
            check(r.json().get("error") == "outside_township" and "gaosha" in r.json()["message"],
                  "refusal %r" % r.text)
            expect_status(s.get("/v1/cases/SX-T-0002" + what, token="hearing"), 200,
                          "gaosha reads its own case" + what)
            expect_status(s.get("/v1/cases/SX-T-0001" + what, token="officer"), 200,
                          "a department reads any case" + what)
        expect_status(s.get("/v1/access?case=SX-T-0001", token="hearing"), 403,
                      "another township's access trail")
        expect_status(s.get("/v1/cases/SX-T-0002", token="captain"), 403,
                      "fenggang's brigade reads gaosha's case")
        expect_status(s.get("/v1/cases/SX-T-0003", token="captain"), 200,
                      "fenggang's brigade reads fenggang's case")
        expect_status(s.get("/v1/cases/SX-NONE", token="hearing"), 404, "no such case")
        ids = [c["case_id"] for c in s.get("/v1/cases", token="hearing").json()]
        check(ids == ["SX-T-0002"], "gaosha's docket: %r" % ids)
        expect_status(s.get("/v1/cases?township=qiujiang", token="hearing"), 403,
                      "gaosha lists qiujiang")
        expect_status(s.get("/v1/deadlines?township=qiujiang", token="hearing"), 403,
                      "gaosha's deadlines of qiujiang")
        ids = sorted(c["case_id"] for c in s.get("/v1/cases", token="officer").json())
        check(ids == ["SX-T-0001", "SX-T-0002", "SX-T-0003"], "a department's docket %r" % ids)
        me = s.get("/v1/me", token="hearing").json()
        check(me == {"actor": {"id": "SX-OF-0134", "role": "hearing_officer", "unit": "gaosha"},
                     "township": "gaosha"}, "me %r" % me)
        check(s.get("/v1/me", token="captain").json()["township"] == "fenggang", "a brigade's township")
        check(s.get("/v1/me", token="officer").json()["township"] == "", "a department: no limit")
        expect_status(s.get("/v1/me", token=None), 401, "me without a token")
        # The event log and the live feed: a township's reader gets its
        # cases' events only.
        streams = {e["stream"] for e in
                   s.get("/v1/events?prefix=case/", token="hearing").json()["events"]}
        check(streams == {"case/SX-T-0002"}, "gaosha's events: %r" % streams)
        streams = {e["stream"] for e in s.get("/v1/events", token="hearing").json()["events"]}
        check(streams == {"case/SX-T-0002", "access/SX-T-0002"},
              "gaosha's events, reference data left out: %r" % sorted(streams)[:5])
        streams = {e["stream"] for e in
                   s.get("/v1/events?prefix=case/", token="officer").json()["events"]}
        check(streams == {"case/SX-T-0001", "case/SX-T-0002", "case/SX-T-0003"},
              "a department's events: %r" % streams)
        feed = Sse(s.port, "/v1/events/stream?prefix=case/", token="hearing")
        try:
            _, first = feed.next_event()
            check(first["stream"] == "case/SX-T-0002", "gaosha's feed starts %r" % first["stream"])
            expect_status(s.post(clue("SX-T-0005", township="qiujiang")), 201, "qiujiang, live")
            expect_status(s.post(clue("SX-T-0004", township="gaosha")), 201, "gaosha, live")
            _, live = feed.next_event()
            check(live["stream"] == "case/SX-T-0004", "gaosha's feed skips qiujiang: %r"
                  % live["stream"])
        finally:
            feed.close()
        names = s.get("/v1/names").json()
        check(names["townships"].get("gaosha") == "高砂镇" and
              names["officers"].get("SX-OF-0032") and
              names["departments"].get("sx-market", "").endswith("市场监督管理局") and
              names["brigades"].get("fenggang-brigade"),
              "names %r" % {k: list(v.items())[:2] for k, v in names.items()})
        # A case's handling subject is shown by the name its decisions
        # issue in (docs/cli.md, Names): sx-eco's is the city bureau's.
        check(names["legal_names"].get("sx-eco") == "三明市生态环境局" and
              names["departments"].get("sx-eco") == "三明市沙县生态环境局" and
              names["legal_names"].get("gaosha", "").endswith("高砂镇人民政府"),
              "legal names %r" % list(names.get("legal_names", {}).items())[:4])
    finally:
        check(s.stop() == 0, "serve exit code")


def test_township_registers():
    """Issue 19: GET /v1/statistics takes an area (片区) and a township, and
    a bad one is 400 naming the field; a township token's statistics and
    registers (grid tickets, joint actions, review campaigns, the access
    trail by reader) are its township's: unfiltered they are limited to it,
    another township is 403 outside_township (docs/api.md, "Who may read
    which case"). A department's token sees everything."""
    load_sample()
    s = Server()
    try:
        period = "/v1/statistics?from=2023-09-10&to=2023-12-31"
        whole = s.get(period).json()
        check(whole["cases_total"] == 452 and whole["scope"] == {"area": "", "township": ""},
              "the district: %r" % {k: whole.get(k) for k in ("cases_total", "scope")})
        totals = 0
        for area in ("area-1", "area-2", "area-3", "area-4"):
            r = s.get(period + "&area=" + area)
            expect_status(r, 200, "statistics of " + area)
            a = r.json()
            check(0 < a["cases_total"] < 452 and list(a["area_headcount"]) == [area],
                  "%s: %r" % (area, {k: a.get(k) for k in ("cases_total", "area_headcount")}))
            totals += a["cases_total"]
        check(totals == 452, "the four areas add up to the district: %d" % totals)
        for query, field in (("&area=area-9", "area"), ("&township=atlantis", "township")):
            r = s.get(period + query)
            expect_status(r, 400, "statistics" + query)
            check(r.json().get("subject") == field and field in r.json()["message"],
                  "the refusal names %s: %r" % (field, r.text))
        gaosha = s.get(period + "&township=gaosha").json()
        check(0 < gaosha["cases_total"] < 452, "gaosha's figures %r" % gaosha["cases_total"])
        # A township token: its own figures, unasked; another township 403.
        mine = s.get(period, token="hearing").json()
        check(mine["cases_total"] == gaosha["cases_total"] and
              mine["scope"]["township"] == "gaosha", "gaosha's token: %r" % mine.get("scope"))
        r = s.get(period + "&township=qiujiang", token="hearing")
        expect_status(r, 403, "gaosha's token asks for qiujiang's statistics")
        check(r.json().get("error") == "outside_township", "refusal %r" % r.text)
        # Grid tickets.
        everything = s.get("/v1/grid").json()
        own = s.get("/v1/grid", token="hearing").json()
        check(own == s.get("/v1/grid?township=gaosha").json() and
              all(t["township"] == "gaosha" for t in own) and len(own) < len(everything),
              "gaosha's tickets: %d of %d" % (len(own), len(everything)))
        expect_status(s.get("/v1/grid?township=qiujiang", token="hearing"), 403,
                      "gaosha lists qiujiang's tickets")
        other = next(t for t in everything if t["township"] != "gaosha")
        expect_status(s.get("/v1/grid/" + other["ticket_id"], token="hearing"), 403,
                      "gaosha reads another township's ticket")
        if own:
            expect_status(s.get("/v1/grid/" + own[0]["ticket_id"], token="hearing"), 200,
                          "gaosha reads its ticket")
        # Joint actions: its area's (area-2), with only its findings.
        actions = s.get("/v1/joint-actions", token="hearing").json()
        check(all(a["area"] == "area-2" for a in actions) and
              all(f["township"] == "gaosha" for a in actions for f in a["findings"]),
              "gaosha's joint actions %r" % [(a["joint_action_id"], a["area"]) for a in actions])
        expect_status(s.get("/v1/joint-actions?area=area-1", token="hearing"), 403,
                      "gaosha lists area-1's actions")
        elsewhere = [a for a in s.get("/v1/joint-actions").json() if a["area"] != "area-2"]
        if elsewhere:
            expect_status(s.get("/v1/joint-actions/" + elsewhere[0]["joint_action_id"],
                                token="hearing"), 403, "another area's action")
        # Review campaigns: those that sampled its files, with only those.
        for c in s.get("/v1/reviews", token="hearing").json():
            check(c.get("limited_to_township") == "gaosha" and "points_sum" not in c,
                  "a limited campaign %r" % c)
            files = s.get("/v1/reviews/" + c["campaign_id"], token="hearing").json()["files"]
            for f in files:
                view = s.get("/v1/cases/" + f["case_id"]).json()
                check("gaosha" in (view["township"], view["handling_subject"]),
                      "a file of gaosha: %r" % f)
        check(all("limited_to_township" not in c for c in s.get("/v1/reviews").json()),
              "a department's campaigns are whole")
        # The access trail by reader: only the reads of its township's cases.
        expect_status(s.get("/v1/cases/SX-2023-E0010"), 200, "a department reads a case")
        reads = s.get("/v1/access?actor=SX-OF-0032", token="hearing").json()
        check(all(s.get("/v1/cases/" + r["case_id"], token="hearing").status == 200
                  for r in reads[:5]), "gaosha sees reads of its cases only")
        everyone = s.get("/v1/access?actor=SX-OF-0032").json()
        check(len(everyone) >= 1 and len(reads) <= len(everyone), "the access trail %d %d"
              % (len(reads), len(everyone)))
    finally:
        check(s.stop() == 0, "serve exit code")


def main(argv):
    global ZFCLI, EXAMPLES, TMP
    global CONSOLE_DIR
    ZFCLI, EXAMPLES = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    CONSOLE_DIR = os.path.join(EXAMPLES, "..", "..", "cli", "server", "console")
    tests = {n[5:]: f for n, f in globals().items() if n.startswith("test_")}
    if argv[3] == "--registered":
        missing = sorted(set(tests) - set(argv[4:]))
        if missing:
            print("tests not registered in tests/server/CMakeLists.txt: %s" % missing)
            return 1
        return 0
    name = argv[3]
    if name not in tests:
        print("no test %s" % name)
        return 1
    TMP = tempfile.mkdtemp(prefix="zf-server-")
    skipped = None
    try:
        tests[name]()
    except Abort:
        pass
    except Skip as e:
        skipped = str(e)
    finally:
        if FAILURES:
            log = os.path.join(TMP, "access.log")
            if os.path.exists(log):
                with open(log) as f:
                    print("access log (tail):\n" + "".join(f.readlines()[-15:]))
        shutil.rmtree(TMP, ignore_errors=True)
    for f in FAILURES:
        print("FAIL: " + f)
    if skipped is not None and not FAILURES:
        print("%s: SKIPPED: %s" % (name, skipped))
        return 77
    print("%s: %s" % (name, "FAIL" if FAILURES else "ok"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
