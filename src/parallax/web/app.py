"""The Starlette application: read-only routes, each page with a ``.json`` twin.

Safety, in one place: only GET (and HEAD) routes exist, so nothing can write; the database is
opened read-only; Jinja2 escapes every text; a Content-Security-Policy forbids any script and
any outside resource; the Host header must be one the server was started for (DNS rebinding:
a page elsewhere cannot reach this server under its own name).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parallax.query import check_claim
from parallax.store.database import Store, ensure_current
from parallax.web import pages

# No script at all, nothing from elsewhere; styles only from our own stylesheet (inline SVG
# presentation attributes are not styles). form-action keeps the two GET forms on this server.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
MAX_CLAIM_CHARS = 500


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def http_url(value: Any) -> str | None:
    """``value`` if it is an absolute http(s) URL, else None: only these become links."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    return value.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


# Signals where a high score is good news (well sourced, headline backed by the body): their bars
# turn red when low. For the others (clickbait, opinion, loaded language, hate, slant) high is red.
GOOD_HIGH = {"sourcing", "headline_support"}


def scorebar(value: Any, signal: str = "") -> Markup:
    """A 0–1 score as a small inline SVG bar and a percentage (numbers only: nothing to escape).

    The bar's colour says how much the score calls for a closer look: blue, orange, red.
    """
    if value is None:
        return Markup('<span class="muted">–</span>')
    v = min(max(float(value), 0.0), 1.0)
    concern = 1.0 - v if signal in GOOD_HIGH else v
    level = "hi" if concern >= 0.66 else "mid" if concern >= 0.33 else "lo"
    return Markup(f'<svg class="sb" viewBox="0 0 60 10" aria-hidden="true"><rect width="60" height="10"/>'
                  f'<rect class="{level}" width="{60 * v:.1f}" height="10"/></svg> {100 * v:.0f}%')


_SILENT_CELL = Markup('<td class="cell st-silent">·</td>')
_CELL = Markup('<td class="cell st-{}"><a href="/article/{}#p{}" title="{}">{}</a>{}{}</td>')
_COPIED = Markup('<sup class="copied">copy</sup>')
_RELAY = Markup('<span class="relay">↻</span>')


def matrix_cell(cell: dict[str, Any]) -> Markup:
    """One claims-matrix cell. The matrix is the biggest part of a story page, so its cells are
    built here rather than in the template; ``Markup.format`` escapes every value all the same."""
    if cell["start"] is None:
        return _SILENT_CELL
    return _CELL.format(cell["state"], cell["article"], cell["start"], cell["title"], cell["symbol"],
                        _COPIED if cell["copied"] else "", _RELAY if cell["relayed"] else "")


def _env() -> jinja2.Environment:
    # The web app's own templates, then the report's (the chart macros both draw with).
    loader = jinja2.ChoiceLoader([jinja2.PackageLoader("parallax.web", "templates"),
                                  jinja2.PackageLoader("parallax.report", "templates")])
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.do"])
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * float(v):.0f}%"
    env.filters["http_url"] = http_url
    env.filters["bar"] = scorebar
    env.filters["cell"] = matrix_cell
    env.filters["qs"] = lambda params: urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    env.globals["layer_names"] = list(pages.LAYERS)
    return env


def _int(request: Request, name: str, default: int = 1) -> int:
    try:
        return max(1, min(int(request.query_params.get(name, default)), 1_000_000))
    except ValueError:
        return default


def _opt(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    return value or None


def create_app(db_path: str | Path, hosts: Iterable[str] = ()) -> Starlette:
    """The web app over the database at ``db_path``; ``hosts`` are allowed besides the loopback names."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path} (run `parallax analyze` first)")
    ensure_current(path)  # an older database gets migration 004 (search index, story figures) once
    env = _env()
    local = threading.local()

    def db() -> Any:
        store = getattr(local, "store", None)
        if store is None:  # one read-only connection per worker thread
            store = local.store = Store(path, readonly=True)
        return store.db

    def render(request: Request, template: str, data: dict[str, Any], view: dict[str, Any],
               status: int = 200) -> Response:
        if request.url.path.endswith(".json"):
            return JSONResponse(data, status_code=status)
        twin = request.url.path.rstrip("/") or "/stories"
        twin = ("/stories" if twin == "/" else twin) + ".json"
        if request.url.query:
            twin += "?" + request.url.query
        html = env.get_template(template).render(data=data, view=view, json_url=twin, request_path=request.url.path,
                                                 query=dict(request.query_params))
        return HTMLResponse(html, status_code=status)

    def not_found(request: Request, message: str) -> Response:
        if request.url.path.endswith(".json"):
            return JSONResponse({"error": message}, status_code=404)
        return HTMLResponse(env.get_template("error.html.j2").render(message=message, json_url=None), 404)

    def page(fn: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            try:
                return fn(request)
            except pages.NotFound as exc:
                return not_found(request, str(exc))
        return handler

    @page
    def stories(request: Request) -> Response:
        data, view = pages.stories_page(
            db(), request.query_params.get("sort", "newest"), request.query_params.get("outlet"),
            _opt(request, "from"), _opt(request, "to"), request.query_params.get("disputed") == "1",
            _int(request, "page"))
        return render(request, "stories.html.j2", data, view)

    @page
    def story(request: Request) -> Response:
        sid = request.path_params["sid"].removesuffix(".json")
        data, view = pages.story_page(db(), sid, _int(request, "cpage"), _int(request, "apage"))
        return render(request, "story.html.j2", data, view)

    @page
    def article(request: Request) -> Response:
        data, view = pages.article_page(db(), request.path_params["aid"].removesuffix(".json"))
        return render(request, "article.html.j2", data, view)

    @page
    def outlets(request: Request) -> Response:
        data, view = pages.outlets_page(db(), _int(request, "page"))
        return render(request, "outlets.html.j2", data, view)

    @page
    def outlet(request: Request) -> Response:
        name = request.query_params.get("name")
        data, view = pages.outlet_page(db(), name or None, _int(request, "page"))
        return render(request, "outlet.html.j2", data, view)

    @page
    def search(request: Request) -> Response:
        data, view = pages.search_page(db(), request.query_params.get("q", "")[:300], _int(request, "page"))
        return render(request, "search.html.j2", data, view)

    @page
    def check(request: Request) -> Response:
        claim = request.query_params.get("claim", "").strip()[:MAX_CLAIM_CHARS]
        data: dict[str, Any] = {"claim": claim, "result": check_claim(path, claim) if claim else None}
        return render(request, "check.html.j2", data, {})

    def home(request: Request) -> Response:
        return RedirectResponse("/stories", status_code=302)

    def no_icon(request: Request) -> Response:
        return Response(status_code=204)  # browsers ask for one; there is none

    routes: list[BaseRoute] = [Route("/", home, methods=["GET"]), Route("/favicon.ico", no_icon, methods=["GET"])]
    for url, fn in (("/stories", stories), ("/outlets", outlets), ("/outlet", outlet), ("/search", search),
                    ("/check", check)):
        routes += [Route(url, fn, methods=["GET"]), Route(url + ".json", fn, methods=["GET"])]
    routes += [Route("/story/{sid}", story, methods=["GET"]), Route("/article/{aid}", article, methods=["GET"]),
               Mount("/static", StaticFiles(directory=str(resources.files("parallax.web") / "static")), name="static")]
    allowed = sorted({"127.0.0.1", "localhost", "::1", "[::1]", *(h for h in hosts if h)})
    middleware = [Middleware(SecurityHeaders), Middleware(TrustedHostMiddleware, allowed_hosts=allowed)]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.db_path = path
    return app


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn until interrupted (what ``parallax serve`` does)."""
    import gc

    import uvicorn

    app = create_app(db_path, hosts=[host])
    # Everything loaded so far (modules, templates) lives as long as the server: moved out of the
    # collector's sight, a full collection walks only the objects of requests. In bench/serve.py
    # the largest story page (it parses ~350 KB of JSON) went from 266 to 116 ms at p99.
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level="warning")
