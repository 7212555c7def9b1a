"""Claims equal enforcement (docs/bad-input.md): the caps the README and the pages state are the caps the server
and the pages enforce: upload sizes, share-link length, steps in a link."""

from __future__ import annotations

import json
import tomllib

from app_helpers import ROOT, open_app, stored_answers, texts

from advisor.engine.answers import MAX_STEPS, Answers, dump_yaml, to_query_params
from advisor.portfolio.reading import CSV_UPLOAD_LIMIT
from advisor.rulebook.formats import Step
from advisor.rulebook.yamlsafe import MAX_BYTES
from advisor.web.session import MAX_LINK, link_query

CONFIG = ROOT / "advisor" / "web" / ".streamlit" / "config.toml"


def test_the_servers_upload_limit_is_the_largest_cap_a_page_claims():
    limit = tomllib.loads(CONFIG.read_text())["server"]["maxUploadSize"]

    assert limit * 2**20 == CSV_UPLOAD_LIMIT  # Streamlit's "MB" are MiB (limit * 1024 * 1024 bytes)


def test_every_uploader_offers_its_own_pages_cap():
    export = open_app("export")
    portfolio = open_app("pages/portfolio.py")
    rules = open_app("pages/rules.py")

    assert export.get("file_uploader")[0].proto.max_upload_size_mb * 2**20 == MAX_BYTES
    assert "up to 1 MiB" in texts(export)
    assert portfolio.get("file_uploader")[0].proto.max_upload_size_mb * 2**20 == CSV_UPLOAD_LIMIT
    assert rules.get("file_uploader")[0].proto.max_upload_size_mb == 1


def big_answers(size: int) -> Answers:
    """Valid answers whose file is about `size` bytes: long step names."""
    steps = tuple(Step(service=f"Service {i} " + "s" * 150, action="Act " + "a" * 150) for i in range(size // 330))
    return Answers({"ordering": "strict"}, steps, "Big workflow")


def test_answers_too_long_for_a_share_link_leave_the_address_and_say_to_export_a_file():
    incoming = big_answers(156_000)
    assert 150_000 < len(dump_yaml(incoming)) < MAX_BYTES
    at = open_app("export")

    at.file_uploader(key="import-file").set_value(("big.yaml", dump_yaml(incoming).encode(), "application/yaml"))
    at.run()
    at.button(key="import-apply").click().run()
    at.run()

    assert stored_answers(at) == incoming
    assert "steps" not in at.query_params and "ordering" not in at.query_params
    assert "too long for the page's address" in texts(at)
    assert f"a share link is limited to {MAX_LINK:,}" in texts(at)
    assert "No share link" in texts(at)
    assert not [c for c in at.code if "?" in c.value and "steps=" in c.value]


def test_answers_just_under_the_link_cap_are_in_the_address_and_the_share_link():
    answers = big_answers(6_000)
    assert len(link_query(to_query_params(answers))) <= MAX_LINK
    at = open_app("export", answers)

    assert at.query_params["steps"]
    assert "too long for the page's address" not in texts(at)
    assert [c for c in at.code if "steps=" in c.value]


def test_a_share_link_with_more_steps_than_the_cap_is_refused_with_the_limit_named():
    steps = [{"service": f"s{i}", "action": "a"} for i in range(MAX_STEPS + 1)]
    at = open_app(query={"ordering": "strict", "steps": json.dumps(steps)})

    assert f"too many steps: {MAX_STEPS + 1}; the limit is {MAX_STEPS}" in texts(at)
    assert stored_answers(at).steps == ()
    assert stored_answers(at).traits == {"ordering": "strict"}
