"""Web: the reader's view, a local read-only web app over an analysed database (``parallax serve``).

Sits on top of the flow beside the CLI: it reads through :mod:`parallax.store.browse` and the
report's builders, and nothing imports it. Every page has a ``.json`` twin with the same data.

Modules:
- ``app``: the Starlette application (routes, Host allow-list, security headers, templates).
- ``pages``: what each page shows, as JSON-ready data plus what only the HTML needs.
- ``highlight``: an article's text cut into pieces carrying their layers of evidence.
- ``templates/``, ``static/``: Jinja2 templates (autoescaped) and the one stylesheet; the chart
  macros and their geometry are the report's (``report/charts.py``, ``report/templates/``).
"""
