"""Render generated pages the way an MkDocs Material site such as Sekoia.io's
does, with the real Python-Markdown and pymdownx (Debian's python3-markdown,
python3-pymdownx, python3-markdown-include).

stdin: JSON {"docs": folder of the generated pages, "base": folder the
snippets and include extensions read from (it holds a secret file),
"pages": [names of pages in "docs"]}.
stdout: JSON {"missing": [modules not installed]} when an extension is
absent, else {"include": true|false, "html": {name: html}, "errors":
{name: what stopped the rendering}}.

Each page is rendered twice over: on its own, and included by a host page
with a `{!path!}` line, as the Sekoia site includes it (when
markdown_include is installed).
"""
import contextlib
import json
import os
import sys

missing = []
try:
    import markdown
except ImportError:
    missing.append("markdown (python3-markdown)")
try:
    import pymdownx  # noqa: F401
except ImportError:
    missing.append("pymdownx (python3-pymdownx)")
try:
    import markdown_include  # noqa: F401
    have_include = True
except ImportError:
    have_include = False

if missing:
    json.dump({"missing": missing}, sys.stdout)
    sys.exit(0)

request = json.load(sys.stdin)
docs = request["docs"]
base = request["base"]


def converter():
    # MkDocs always adds toc, tables and fenced_code; the rest is the Sekoia site's list
    # (codehilite and pymdownx.highlight left out: they need Pygments and only colour code).
    extensions = ["toc", "tables", "admonition", "attr_list", "md_in_html", "pymdownx.details",
                  "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.snippets"]
    configs = {"pymdownx.snippets": {"base_path": [base], "check_paths": False},
               "pymdownx.tabbed": {"alternate_style": True}}
    if have_include:
        extensions.append("markdown_include.include")
        configs["markdown_include.include"] = {"base_path": base, "throwException": False}
    return markdown.Markdown(extensions=extensions, extension_configs=configs)


html = {}
errors = {}


def render(key, text):
    # Extensions print warnings (a missing include): keep stdout for the answer.
    # A page that stops the site's build (a snippet naming a folder) is a failure of its own.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            html[key] = converter().convert(text)
        except Exception as e:  # noqa: BLE001
            errors[key] = "%s: %s" % (type(e).__name__, e)


for name in request["pages"]:
    with open(os.path.join(docs, name), encoding="utf-8-sig") as f:  # as MkDocs reads pages
        render(name, f.read())
    if have_include:
        # The host page includes the generated page by a path relative to the include base.
        render(name + " (included)", "## Detection section\n\n{!" + os.path.relpath(os.path.join(docs, name), base) + "!}\n")

json.dump({"include": have_include, "html": html, "errors": errors}, sys.stdout)
