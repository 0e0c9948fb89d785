"""``diff --format html``: one self-contained page (no scripts, no outside resources).

A summary table at the top (every part, its status, words added and removed,
a link to its section), then a section per changed, added or removed part with
its full text: deletions in ``<del>``, insertions in ``<ins>``.
"""

from __future__ import annotations

from html import escape

from .compare import UNCHANGED, PartChange, paragraph_runs

STYLE = """
body { font: 16px/1.55 Georgia, serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
       color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2.5em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { text-align: left; padding: 0.3em 0.6em; border-bottom: 1px solid #ddd; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.changed, small.changed { color: #8a5a00; } td.added, small.added { color: #126b12; }
td.removed, small.removed { color: #a01818; } tr.unchanged td { color: #777; }
ins { background: #d9f5d9; color: #0b4d0b; text-decoration: none; }
del { background: #fadcdc; color: #7a1010; }
section p { margin: 0 0 0.8em; }
"""


def html_report(changes: list[PartChange], old: str, new: str) -> str:
    """The report page for the drafts ``old`` and ``new``."""
    rows = []
    for change in changes:
        name = escape(change.name)
        label = (f'<a href="#{name}">{name}</a>' if change.status != UNCHANGED else name)
        rows.append(f'<tr class="{change.status}"><td>{label}</td><td>{escape(change.title)}</td>'
                    f'<td class="{change.status}">{change.status}</td>'
                    f'<td class="n">+{change.added}</td><td class="n">\u2212{change.removed}</td>'
                    "</tr>")
    sections = [_section(c) for c in changes if c.status != UNCHANGED]
    differing = sum(c.status != UNCHANGED for c in changes)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>Changes from {escape(old)} to {escape(new)}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>Changes from <code>{escape(old)}</code> to <code>{escape(new)}</code></h1>\n"
        f"<p id=\"summary-line\">{differing} of {len(changes)} parts differ.</p>\n"
        "<table id=\"summary\">\n<thead><tr><th>part</th><th>title</th><th>status</th>"
        "<th>added</th><th>removed</th></tr></thead>\n<tbody>\n" + "\n".join(rows)
        + "\n</tbody>\n</table>\n" + "\n".join(sections) + "\n</body>\n</html>\n")


def _section(change: PartChange) -> str:
    body = "\n".join("<p>" + " ".join(_mark(kind, words) for kind, words in runs) + "</p>"
                     for runs in paragraph_runs(change.ops))
    return (f'<section id="{escape(change.name)}" class="{change.status}">\n'
            f"<h2>{escape(change.title or change.name)} <small class=\"{change.status}\">"
            f"({change.status}, +{change.added} \u2212{change.removed})</small></h2>\n{body}\n"
            "</section>")


def _mark(kind: str, words: list[str]) -> str:
    text = escape(" ".join(words))
    return {"insert": f"<ins>{text}</ins>", "delete": f"<del>{text}</del>"}.get(kind, text)
