"""Shared fixtures: the bundled Raqqa sample, analysed once per session, the schema, the data sets."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAQQA = ROOT / "examples" / "raqqa-2017"
# The development data sets (../shared/data beside the checkout unless PARALLAX_DATA says where).
DATA = Path(os.environ.get("PARALLAX_DATA") or ROOT.parent / "shared" / "data")
# The project's reference schema, which the packaged one may extend but never break.
REFERENCE_SCHEMA = Path(os.environ.get("PARALLAX_SPEC") or ROOT.parent / "shared" / "spec") / "report.schema.json"

# The five samples by file, named after what they are (see README).
CLICKBAIT = "000_87e7a20db27051f6.txt"
PARTISAN = "001_40f3ba37e42615d7.txt"
AMN = "002_b6b6eb2c3090f42d.txt"
SMALL_BLOG = "003_a707947fb3bf9d89.txt"
FAR_RIGHT = "004_0b3010b372b9284b.txt"


@pytest.fixture(scope="session")
def raqqa_dir() -> Path:
    return RAQQA


def require(path: Path, what: str, variable: str = "PARALLAX_DATA") -> Path:
    """``path`` if it exists; else skip the test, saying where to put it (fail under ``CI=true``).

    A bare clone has no ``../shared``: its unit tests still run, and the tests that need the
    development data say what they need. CI must never pass without running them.
    """
    if path.exists():
        return path
    msg = (f"{what} not found at {path}: put it there or set {variable} to the folder that holds it "
           "(see README, Development)")
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The development data sets' folder; skips (fails under CI) when absent."""
    return require(DATA, "development data")


@pytest.fixture(scope="session")
def schema() -> dict[str, Any]:
    """The report schema shipped in the package (the contract every report must meet)."""
    from parallax.report.schema import report_schema

    return report_schema()


@pytest.fixture(scope="session")
def raqqa_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The Raqqa sample analysed once into a fresh folder; returns the AnalyzeResult."""
    from parallax.pipeline import analyze

    out = tmp_path_factory.mktemp("raqqa")
    return analyze([RAQQA], out_dir=out)


@pytest.fixture(scope="session")
def raqqa_report(raqqa_run: Any) -> dict[str, Any]:
    return json.loads(raqqa_run.report_json.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def raqqa_by_input(raqqa_report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["input"]: a for a in raqqa_report["articles"]}


@pytest.fixture()
def raqqa_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "raqqa"
    shutil.copytree(RAQQA, dest)
    return dest


# --- the web app in a real browser ------------------------------------------------------------

CHROMIUM = os.environ.get("PARALLAX_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PARALLAX_CHROMEDRIVER", "/usr/bin/chromedriver")


@pytest.fixture(scope="session")
def chrome() -> Any:
    """Headless Chromium (Debian's ``chromium`` + ``chromium-driver``) driven by Selenium.

    Skips with the reason when either is missing (fails under ``CI=true``: ``.ci/run`` installs them).
    """
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        require(Path("/nonexistent/selenium"), "selenium (pip install -e '.[dev]')")
    require(Path(CHROMIUM), "chromium (apt-get install chromium chromium-driver)")
    require(Path(CHROMEDRIVER), "chromedriver (apt-get install chromium-driver)")
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--lang=en-US"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


@contextmanager
def live_server(db_path: Path) -> Iterator[str]:
    """``parallax serve`` on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    from parallax.web.app import create_app

    app = create_app(db_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
