"""A Streamlit client without a browser: it speaks the app's own WebSocket protocol (`/_stcore/stream`, the
`streamlit.proto` BackMsg and ForwardMsg protobufs the installed package ships), as the browser's JavaScript does.

What a browser does, and so what a `StreamSession` does:
- `GET /` first (through nginx this sets the route cookie that keeps the browser on one replica), then open the
  WebSocket at `/_stcore/stream` with the subprotocol `streamlit` (Streamlit reads its second and third entries as
  the XSRF token and the session to resume; no Origin header is sent, so no XSRF token is needed);
- send a `rerun_script` BackMsg (a `ClientState`: the query string, the page, the widget states) and read
  ForwardMsgs (`new_session`, the deltas of the page, `page_info_changed` when the app moves the share link)
  until `script_finished` says the run is done.

The widgets of a run are found by their user key (the end of Streamlit's widget id, `$$ID-<hash>-<key>`); a
radio or select box is answered with the label of an option (`string_value`), a text input with its text, a
button with a trigger. Only loopback targets are accepted: this drives load, and it must never be pointed at
somebody else's server (`LoopbackOnly`).

Used by tests/test_stream_client.py, tests/test_replicas.py and bench/protocol_load.py.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

STREAM = "/_stcore/stream"
RUN_TIMEOUT = 120.0  # seconds for one rerun; a bound, not an expectation (a loaded 2-core machine is slow)
MAX_MESSAGE = 64 * 1024 * 1024  # the app's own limit is maxMessageSize = 50 MiB
WIDGET_KINDS = ("radio", "selectbox", "text_input", "button", "number_input", "checkbox")


class LoopbackOnly(ValueError):
    """The target is not this machine."""


class RunFailed(RuntimeError):
    """A rerun did not finish (timeout, closed connection, a script error)."""


def loopback_url(url: str) -> str:
    """`url` without a trailing slash, or `LoopbackOnly` unless its host is a loopback address (127.0.0.0/8, ::1
    or `localhost`): the load test must only ever hit a server on this machine."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback or urlsplit(url).scheme != "http":
        raise LoopbackOnly(f"refusing {url!r}: the protocol client only connects to http:// on a loopback address")
    return url.rstrip("/")


@dataclass
class Run:
    """What one script run sent: its elements in order (each `(delta_path, kind, element message)`), the page's
    query string after it (the one sent, as the app changed it), how it finished, and how long it took from our
    request to `script_finished`."""

    elements: list[tuple[tuple[int, ...], str, Any]] = field(default_factory=list)
    query_string: str = ""
    status: str = ""
    seconds: float = 0.0
    messages: int = 0
    page_hashes: dict[str, str] = field(default_factory=dict)  # url path ("" = the default page) -> script hash

    def widget(self, key: str, kind: str | None = None):
        """The widget element with user key `key` (and kind `kind`), or KeyError."""
        for _, k, element in self.elements:
            if k in WIDGET_KINDS and (kind is None or k == kind) and element.id.endswith("-" + key):
                return element
        raise KeyError(f"no {kind or 'widget'} with key {key!r} in this run")

    def texts(self) -> list[str]:
        """The text of every markdown, caption, alert, heading and code block of the run, in order."""
        out = []
        for _, kind, element in self.elements:
            if kind in ("markdown", "alert", "heading"):
                out.append(element.body)
            elif kind == "code":
                out.append(element.code_text)
        return out

    def exceptions(self) -> list[str]:
        """The tracebacks the run showed (a user must never see one)."""
        return [f"{e.type}: {e.message}" for _, kind, e in self.elements if kind == "exception"]

    def alerts(self) -> list[str]:
        return [element.body for _, kind, element in self.elements if kind == "alert"]


class StreamSession:
    """One app session over one WebSocket. `cookies` are sent with every request (the route cookie through
    nginx); `replica` is the upstream nginx reported for the WebSocket (its X-Advisor-Replica header), if any."""

    def __init__(self, base_url: str) -> None:
        self.base = loopback_url(base_url)
        self.cookies: dict[str, str] = {}
        self.replica: str | None = None
        self.page_replica: str | None = None
        self.session_id: str | None = None
        self.widgets: dict[str, tuple[str, Any]] = {}  # widget id -> (value field, value): what we have set
        self.page_hashes: dict[str, str] = {}
        self._ws: Any = None

    # ------------------------------------------------------------ connection
    def _load_page(self) -> None:
        """GET the app's page as a browser does first; keep the cookies it sets (nginx's route cookie)."""
        request = urllib.request.Request(self.base + "/", headers=self._cookie_header())
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            self.page_replica = response.headers.get("X-Advisor-Replica")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    async def connect(self, load_page: bool = True, resume: bool = False) -> None:
        """Open the WebSocket (after loading the page, unless told not to). `resume` asks the server for the
        session this client had before (Streamlit keeps a disconnected session for a while), as a browser does
        when its connection drops."""
        if load_page:
            await asyncio.to_thread(self._load_page)
        protocols = ["streamlit"]
        if resume and self.session_id:
            protocols += ["no-xsrf-token", self.session_id]  # Why a dummy token: an empty entry is no token
        self._ws = await websockets.connect(
            "ws" + self.base[len("http") :] + STREAM,
            subprotocols=protocols,  # type: ignore[arg-type]
            additional_headers=self._cookie_header(),
            max_size=MAX_MESSAGE,
            open_timeout=60,
            ping_interval=None,  # Why: a loaded server may not answer pings in time; the run timeout bounds us
            compression=None,
        )
        self.replica = self._ws.response.headers.get("X-Advisor-Replica")

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def __aenter__(self) -> StreamSession:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # ------------------------------------------------------------ runs
    def set_widget(self, element, value: Any) -> None:
        """Give a widget of a previous run a new value (sent with every later rerun, as the browser does)."""
        kind = type(element).__name__
        if kind in ("Radio", "Selectbox"):
            if value not in element.options:
                raise ValueError(f"{value!r} is not an option of {element.label!r}: {list(element.options)}")
            self.widgets[element.id] = ("string_value", value)
        elif kind == "TextInput":
            self.widgets[element.id] = ("string_value", str(value))
        elif kind == "NumberInput":
            self.widgets[element.id] = ("int_value", int(value))
        elif kind == "Checkbox":
            self.widgets[element.id] = ("bool_value", bool(value))
        elif kind == "Button":
            self.widgets[element.id] = ("trigger_value", True)
        else:
            raise ValueError(f"cannot set a {kind}")

    async def rerun(self, query_string: str = "", page: str = "", timeout: float = RUN_TIMEOUT) -> Run:
        """Ask for a rerun of `page` (its URL path, "" = the default page) with the widget values set so far;
        return the run when the server says it finished (`RunFailed` if it does not within `timeout`)."""
        back = BackMsg()
        state = back.rerun_script
        state.query_string = query_string
        if page:  # Why both: before its first run a browser knows only the page's URL path, as we do then
            state.page_script_hash = self.page_hashes.get(page, "")
            state.page_name = page
        for widget_id, (value_field, value) in self.widgets.items():
            w = state.widget_states.widgets.add()
            w.id = widget_id
            setattr(w, value_field, value)
        # Why: a trigger (a button press) is sent once, as the browser resets it after the run
        self.widgets = {k: v for k, v in self.widgets.items() if v[0] != "trigger_value"}
        started = time.perf_counter()
        await self._ws.send(back.SerializeToString())
        try:
            run = await asyncio.wait_for(self._read_run(query_string), timeout)
        except TimeoutError as e:
            raise RunFailed(f"the rerun did not finish within {timeout:.0f} s") from e
        except websockets.ConnectionClosed as e:
            raise RunFailed(f"the connection closed during the rerun ({e})") from e
        run.seconds = time.perf_counter() - started
        return run

    async def _read_run(self, query_string: str) -> Run:
        run = Run(query_string=query_string)
        started = False
        while True:
            data = await self._ws.recv()
            msg = ForwardMsg()
            msg.ParseFromString(data)
            run.messages += 1
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                started = True
                run.elements.clear()  # a run interrupted for ours started before it: only ours counts
                if msg.new_session.initialize.session_id:
                    self.session_id = msg.new_session.initialize.session_id
                self._pages(msg.new_session.app_pages)
            elif kind == "navigation":
                self._pages(msg.navigation.app_pages)
            elif kind == "page_info_changed":
                run.query_string = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                what = element.WhichOneof("type")
                if what:
                    run.elements.append((tuple(msg.metadata.delta_path), what, getattr(element, what)))
            elif kind == "script_finished" and started:
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue
                run.status = status
                run.page_hashes = dict(self.page_hashes)
                if status != "FINISHED_SUCCESSFULLY":
                    raise RunFailed(f"the script run ended with {status}")
                return run

    def _pages(self, pages) -> None:
        for p in pages:
            self.page_hashes[p.url_pathname] = p.page_script_hash
            if p.is_default:
                self.page_hashes[""] = p.page_script_hash
