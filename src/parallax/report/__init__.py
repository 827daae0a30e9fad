"""Report: ``report.json`` (the contract in ``parallax/schema/``) and the self-contained HTML.

Takes stored rows (articles, stories, ledger); gives the report as a dict and writes
``report.json`` and ``report.html`` (Jinja2 with autoescaping: every text from an article is
escaped).

Modules:
- ``render``: building the JSON and rendering the HTML, with evidence marks in the text.
- ``stream``: report.json and report.html written story by story (per-story pieces).
- ``profiles``: per-outlet profiles (signal distributions, claim statuses, whom it cites).
- ``schema``: the packaged report schema and its version.
- ``charts``: geometry of the inline SVG charts (corroboration per claim, signals per outlet,
  publication timeline, who cites whom), shared with the web app.
- ``templates/``: the HTML template and the chart macros.
"""
