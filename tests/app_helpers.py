"""Driving the web app in-process with Streamlit's AppTest: open a page through the real router (app.py), with
answers given as a share link, and read back what the page shows."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from advisor.engine.answers import Answers, read_answers, to_query_params
from advisor.rulebook.loading import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "advisor" / "web" / "app.py"
EXAMPLES = ROOT / "examples"
ANSWERS_KEY = "advisor:answers"
TIMEOUT = 60  # Why generous: a shared 2-core machine; AppTest's 3 s default flakes under load, it never hangs

PAGE_FILES = {
    "questionnaire": "pages/questionnaire.py",
    "recommendation": "pages/recommendation.py",
    "diagram": "pages/diagram.py",
    "export": "pages/export.py",
}


def use_the_apps_settings() -> None:
    """Streamlit's options as `streamlit run advisor/web/app.py` reads them: the app's own
    advisor/web/.streamlit/config.toml over Streamlit's defaults.

    Why: AppTest starts no `streamlit run`, which is what points Streamlit at the main script's settings; without
    this the pages would run in-process on Streamlit's defaults (magic on, a full collection after each run, the
    widget-state warning), so the tests and the bench's server rerun would not run the app as it is served.
    """
    from streamlit import config

    config._main_script_path = str(APP)
    config.get_config_options(force_reparse=True)


use_the_apps_settings()


def example(name: str) -> Answers:
    """An answers file of examples/ (e.g. "order-checkout"), parsed against the default rulebook."""
    return read_answers(str(EXAMPLES / f"{name}.yaml"), load_rulebook())


def open_app(
    page: str = "questionnaire", answers: Answers | None = None, query: dict[str, str] | None = None
) -> AppTest:
    """The app opened on `page`, as a fresh browser session whose URL carries `answers` (or raw `query`)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    params = dict(query or {})
    if answers is not None:
        params.update(to_query_params(answers))
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "questionnaire":
        at.switch_page(PAGE_FILES.get(page, page)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def stored_answers(at: AppTest) -> Answers:
    """The answers the session holds (what every page reads)."""
    return at.session_state[ANSWERS_KEY].answers


def shown(markdown_text: str) -> str:
    """Markdown produced by `display.md_literal` read back as the text a user sees (backslash escapes and the
    invisible word joiners that stop auto-linking removed)."""
    return re.sub(r"\\(.)", r"\1", markdown_text).replace("\u2060", "")


def texts(at: AppTest) -> str:
    """Every markdown, caption, heading, alert and metric of the page as plain text, for `in` checks."""
    parts = [
        shown(e.value)
        for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")
        for e in getattr(at, kind)
    ]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def graphviz_specs(at: AppTest) -> list[str]:
    """The DOT source of every st.graphviz_chart on the page."""
    return [e.proto.spec for e in at.get("graphviz_chart")]


def keyed_block(at: AppTest, key: str):
    """The container created with `st.container(key=key)` (Streamlit suffixes its element id with the key)."""
    pending = [at._tree]
    while pending:
        node = pending.pop()
        if getattr(getattr(node, "proto", None), "id", "").endswith(f"-{key}"):
            return node
        pending.extend(getattr(node, "children", {}).values())
    raise LookupError(f"no container keyed {key!r}")


def dataframe_in(at: AppTest, key: str):
    """The DataFrame shown by the dataframe inside the container keyed `key`."""
    pending = [keyed_block(at, key)]
    while pending:
        node = pending.pop()
        if type(node).__name__ == "Dataframe":
            return node.value
        pending.extend(getattr(node, "children", {}).values())
    raise LookupError(f"no dataframe in {key!r}")


def chart_data(at: AppTest, index: int = 0):
    """The data (a pandas DataFrame) behind the page's `index`-th Altair / Vega-Lite chart."""
    from streamlit import dataframe_util

    proto = at.get("vega_lite_chart")[index].proto
    return dataframe_util.convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)


# ---------------------------------------------------------------- what a download button would download
# Why a patch: AppTest keeps downloads in an in-memory media store that it discards after each run; recording the
# store lets a test read exactly the bytes a user would download (test-only, reads Streamlit internals).
import streamlit.testing.v1.app_test as _app_test  # noqa: E402
from streamlit.runtime.media_file_manager import MediaFileManager  # noqa: E402


class _RecordingMediaFileManager(MediaFileManager):
    latest: MediaFileManager | None = None

    def __init__(self, storage):
        super().__init__(storage)
        _RecordingMediaFileManager.latest = self


_app_test.MediaFileManager = _RecordingMediaFileManager


def download(at: AppTest, key: str) -> tuple[bytes, str]:
    """(content, file name) of the download button keyed `key` in the last run (deferred ones are generated)."""
    proto = at.download_button(key=key).proto
    manager = _RecordingMediaFileManager.latest
    if proto.deferred_file_id:
        entry = manager._deferred_callables[proto.deferred_file_id]
        data, name = entry["callable"](), entry["filename"]
    else:
        stored = manager._storage.get_file(proto.url.rsplit("/", 1)[1])
        data, name = stored.content, stored.filename
    return (data.encode() if isinstance(data, str) else data), name


def drawn_svgs(at) -> list[str]:
    """The SVG of every diagram box on the page, in page order (`advisor.web.display.scrolling_svg_html`: base64 in
    an <img>), the sequence view excepted; `at` may be an AppTest or a block of one (`keyed_block`)."""

    def walk(node):
        body = getattr(getattr(node, "proto", None), "body", "") if type(node).__name__ == "Html" else ""
        if "advisor-svg" in body and "advisor-sequence" not in body:
            yield base64.b64decode(body.split("base64,")[1].split('"')[0]).decode("utf-8")
        children = getattr(node, "children", {})
        for key in sorted(children) if isinstance(children, dict) else ():
            yield from walk(children[key])

    return list(walk(at._tree if hasattr(at, "_tree") else at))
