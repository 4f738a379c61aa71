"""Where the OpenAPI tools are: the npm packages of tests/openapi/package.json,
installed by scripts/deps (`npm ci` from package-lock.json) into
$ZF_DEPS_DIR/openapi-tools; ctest passes that directory as
ZF_OPENAPI_TOOLS. A test without them exits SKIP (77), saying why."""

import os

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
# No tool asks a server anything: no usage data, no update check.
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
         "NO_UPDATE_NOTIFIER": "1"}


def find():
    """(directory, None) when the tools of this lock file are installed,
    else (None, why not)."""
    d = os.environ.get("ZF_OPENAPI_TOOLS", "")
    if not d:
        return None, "ZF_OPENAPI_TOOLS is not set (ctest sets it)"
    installed = os.path.join(d, "package-lock.json")
    if not os.path.isfile(os.path.join(d, "node_modules", ".bin", "openapi-typescript")):
        return None, ("the OpenAPI tools are not installed in %s: run scripts/deps "
                      "(it needs the npm registry)" % d)
    with open(installed, "rb") as a, open(os.path.join(HERE, "package-lock.json"), "rb") as b:
        if a.read() != b.read():
            return None, ("%s holds another package-lock.json than tests/openapi's: "
                          "run scripts/deps" % d)
    return d, None


def bin(d, name):
    return os.path.join(d, "node_modules", ".bin", name)


def env():
    e = dict(os.environ)
    e.update(QUIET)
    return e
