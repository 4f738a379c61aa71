"""Checks shared by the Python test drivers (tests/cli, tests/server).

A test records every failed check in FAILURES and goes on; `require` stops
it (raises Abort) when later checks would only repeat the failure. The
driver's main() reports FAILURES and sets the exit code.
"""

FAILURES = []


class Abort(Exception):
    """Stops a test whose later checks depend on a failed one."""


def fail(msg):
    FAILURES.append(msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def require(cond, msg):
    if not cond:
        fail(msg)
        raise Abort()
