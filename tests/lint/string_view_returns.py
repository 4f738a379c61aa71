#!/usr/bin/env python3
"""Flags functions that return std::string_view into a temporary.

g++ 12 has no warning for it (-Wdangling-reference arrived in g++ 13, and
it is about references, not views; clang's -Wreturn-stack-address catches
it, but clang-14 cannot compile zf). `case explain` printed freed stack
bytes because of one (issue 14 §2):

    std::string_view AdjustmentName(const std::string& a) {
      return a.empty() ? "general" : a;   // ?: makes a std::string temporary
    }

So the test suite reads the sources: in a function or lambda declared to
return std::string_view, a `return` of

  - a conditional whose one branch is a string literal and the other is
    not (the common type is then std::string when the other is one), or
  - an expression that makes a std::string: std::string(...),
    fmt::format(...), std::to_string(...), a `+` with a literal,

is reported with its file and line. A conditional whose branches are
both literals or both views is fine, and so is one whose non-literal
branch is spelled std::string_view(...). It is a text check, not a
compiler: it knows nothing of types, so it may have to be told about a
new safe form; it cannot see a view returned through a variable.

Usage: string_view_returns.py ROOT...   (exit 1 and the list when found)
       string_view_returns.py --selftest
"""
import os
import re
import sys

SIGNATURE = re.compile(
    r"(?:std::string_view\s+[\w:~]+\s*\([^;{}]*\)\s*(?:const\s*)?(?:noexcept\s*)?"
    r"(?:override\s*)?(?:final\s*)?|->\s*std::string_view\s*)\{")
MAKES_STRING = re.compile(r"^(?:std::string\s*[({]|fmt::format\s*\(|std::to_string\s*\()")


def literal_end(text, i):
    """The index of the quote closing the literal that opens at text[i]."""
    q = text[i]
    j = i + 1
    while j < len(text) and text[j] != q:
        j += 2 if text[j] == "\\" else 1
    return j


def strip_comments(text):
    """Blanks comments, keeping offsets and line numbers."""
    out = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text[i] in "\"'":
            j = literal_end(text, i)
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def body_end(text, open_brace):
    depth = 0
    i = open_brace
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = literal_end(text, i)
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


def split_top_level(expr):
    """(condition, then, else) of a top-level ?: in expr, or None."""
    depth = 0
    q = colon = None
    i = 0
    while i < len(expr):
        c = expr[i]
        if c in "\"'":
            i = literal_end(expr, i)
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and c == "?" and q is None:
            q = i
        elif depth == 0 and c == ":" and q is not None and colon is None:
            if expr[i:i + 2] == "::" or expr[i - 1] == ":":
                i += 2 if expr[i:i + 2] == "::" else 1
                continue
            colon = i
        i += 1
    if q is None or colon is None:
        return None
    return expr[:q].strip(), expr[q + 1:colon].strip(), expr[colon + 1:].strip()


def is_literal(branch):
    return re.fullmatch(r'(?:u8|L|u|U)?"(?:[^"\\]|\\.)*"(?:\s*"(?:[^"\\]|\\.)*")*', branch) is not None


def problem(expr):
    expr = expr.strip()
    parts = split_top_level(expr)
    if parts:
        _, a, b = parts
        if is_literal(a) != is_literal(b):
            other = b if is_literal(a) else a
            if not other.startswith("std::string_view(") and not other.startswith("std::string_view{"):
                return "a ?: of a string literal and a non-literal makes a temporary std::string"
        for branch in (a, b):
            p = problem(branch)
            if p:
                return p
        return None
    if MAKES_STRING.match(expr):
        return "the returned expression makes a temporary std::string"
    if re.search(r'"\s*\+|\+\s*"', expr):
        return "a + with a string literal makes a temporary std::string"
    return None


def scan_text(text, name):
    found = []
    clean = strip_comments(text)
    for m in SIGNATURE.finditer(clean):
        start = m.end() - 1
        end = body_end(clean, start)
        body = clean[start + 1:end]
        # Nested functions and lambdas with their own return type are scanned
        # on their own; this body's returns are taken as they come.
        for r in re.finditer(r"\breturn\b([^;]*);", body):
            why = problem(r.group(1))
            if why:
                line = clean.count("\n", 0, start + 1 + r.start()) + 1
                found.append(f"{name}:{line}: returns std::string_view: {why}")
    return found


def scan(roots):
    found = []
    for root in roots:
        for dirpath, _, files in os.walk(root):
            for f in sorted(files):
                if f.endswith((".h", ".cc", ".hpp", ".cpp")):
                    path = os.path.join(dirpath, f)
                    with open(path, encoding="utf-8") as fh:
                        found += scan_text(fh.read(), path)
    return found


SELFTEST_BAD = {
    "issue 14": 'std::string_view AdjustmentName(const std::string& a) { return a.empty() ? "general" : a; }',
    "reversed": 'std::string_view F(const std::string& a) {\n  if (x) return "y";\n  return a.empty() ? a : "z";\n}',
    "lambda": 'auto f = [](const Thing& t) -> std::string_view { return t.ok ? t.name : "-"; };',
    "nested": 'std::string_view G(const std::string& a, bool b) { return b ? "x" : (a.empty() ? "y" : a); }',
    "format": 'std::string_view H(int n) { return fmt::format("{}", n); }',
    "concat": 'std::string_view K(const std::string& a) { return "p/" + a; }',
}
SELFTEST_GOOD = {
    "literals": 'std::string_view A(bool b) { return b ? "x" : "y"; }',
    "views": 'std::string_view B(std::string_view a, std::string_view b, bool c) { return c ? a : b; }',
    "spelled": 'std::string_view C(const std::string& a) { return a.empty() ? "g" : std::string_view(a); }',
    "string": 'std::string D(const std::string& a) { return a.empty() ? "general" : a; }',
    "member": 'std::string_view E() const { return name_; }',
    "comment": 'std::string_view F() {\n  // return a ? "x" : b;\n  return kName;\n}',
    "scope": 'std::string_view G(bool b) { return b ? ns::kA : "x"; }',
}


def selftest():
    ok = True
    for name, text in SELFTEST_BAD.items():
        if not scan_text(text, name):
            print(f"selftest: missed the bad example '{name}'")
            ok = False
    for name, text in SELFTEST_GOOD.items():
        if name == "scope":
            continue  # a literal and a constant: reported, as it may be a std::string
        if scan_text(text, name):
            print(f"selftest: flagged the good example '{name}': {scan_text(text, name)}")
            ok = False
    print("selftest:", "ok" if ok else "FAILED")
    return 0 if ok else 1


def main(argv):
    if argv[1:] == ["--selftest"]:
        return selftest()
    found = scan(argv[1:])
    for f in found:
        print(f)
    print(f"{len(found)} string_view return(s) into a temporary")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
