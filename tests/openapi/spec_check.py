"""Checks an HTTP answer of `zfcli serve` against docs/openapi.yaml.

    spec = Spec(path_of_openapi_yaml)
    problems = spec.check("GET", "/v1/cases/X?as_of=...", 200, "application/json; charset=utf-8", text)

The operation is found by the request's path against the spec's path
templates; the response by its status (else the operation's `default`);
its media type must be one the spec lists, and a JSON body must validate
against the schema (JSON Schema 2020-12, as OpenAPI 3.1 says; `$ref`s
into the spec's components are resolved against the spec itself). Used by
server.openapi_responses (tests/server/server_tests.py). Needs PyYAML and
jsonschema >= 4 (Debian 12: python3-yaml, python3-jsonschema).
"""

import json
import re
from urllib.parse import urlsplit

import jsonschema
import yaml


class Spec(object):
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.templates = []
        for template in self.doc["paths"]:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            # Literal paths first: /v1/rules/competent is not /v1/rules/{id}.
            self.templates.append(("{" in template, re.compile("^%s$" % pattern), template))
        self.templates.sort(key=lambda t: t[0])
        self.validators = {}
        self.seen = set()  # (method, template, status) checked

    def operation(self, method, target):
        """(template, operation) for a request, or (None, None)."""
        path = urlsplit(target).path
        for _, rx, template in self.templates:
            if rx.match(path):
                return template, self.doc["paths"][template].get(method.lower())
        return None, None

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node and len(node) == 1:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError("only local references: %s" % ref)
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def validator(self, schema):
        key = json.dumps(schema, sort_keys=True)
        if key not in self.validators:
            # The schema as the root of a document that holds the spec's
            # components, so that "#/components/schemas/X" resolves.
            root = dict(schema)
            root["components"] = self.doc["components"]
            jsonschema.Draft202012Validator.check_schema(root)
            self.validators[key] = jsonschema.Draft202012Validator(root)
        return self.validators[key]

    def schema_problems(self, schema, value):
        """Every way value breaks schema, as 'at /pointer: message' lines."""
        errors = sorted(self.validator(schema).iter_errors(value), key=lambda e: list(e.path))
        out = []
        for e in errors[:5]:
            pointer = "/" + "/".join(str(p) for p in e.absolute_path)
            detail = e.message if len(e.message) < 300 else e.message[:300] + "..."
            if e.context:  # oneOf/anyOf: why each branch failed
                detail += " [" + "; ".join(
                    "%s at /%s" % (c.message[:160], "/".join(str(p) for p in c.absolute_path))
                    for c in e.context[:6]) + "]"
            out.append("at %s: %s" % (pointer, detail))
        return out

    def component(self, name):
        return {"$ref": "#/components/schemas/" + name}

    def check(self, method, target, status, content_type, text):
        """The ways an answer breaks the spec; [] when it conforms."""
        template, op = self.operation(method, target)
        what = "%s %s -> %d" % (method, target, status)
        if template is not None and op is None and status == 405:
            # A method the path does not take: the server's own error.
            self.seen.add((method.upper(), template, status))
            return ["%s: %s" % (what, p)
                    for p in self.schema_problems(self.component("Error"), json.loads(text))]
        if op is None:
            return ["%s: no such operation in the spec" % what]
        responses = op.get("responses", {})
        response = responses.get(str(status), responses.get("default"))
        if response is None:
            return ["%s: status %d is not in the spec's responses of %s %s (%s)"
                    % (what, status, method, template, sorted(responses))]
        response = self.resolve(response)
        self.seen.add((method.upper(), template, status))
        content = response.get("content")
        if method.upper() == "HEAD" or not content:
            return []
        media = (content_type or "").split(";")[0].strip().lower()
        if media not in content:
            return ["%s: Content-Type %r, the spec says %s" % (what, content_type, sorted(content))]
        schema = content[media].get("schema")
        if schema is None or media != "application/json":
            return []
        try:
            body = json.loads(text)
        except ValueError:
            return ["%s: not JSON: %r" % (what, text[:200])]
        return ["%s: %s" % (what, p) for p in self.schema_problems(schema, body)]

    def operations(self):
        """Every (METHOD, template) of the spec."""
        for template, item in self.doc["paths"].items():
            for method in item:
                if method in ("get", "put", "post", "delete", "patch", "head", "options"):
                    yield method.upper(), template
