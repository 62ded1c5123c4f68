"""The protocol reference in docs/ is what the models generate."""

import yaml

from protocol import asyncapi
from protocol import messages as m


def test_docs_asyncapi_is_current():
    on_disk = asyncapi.DOC_PATH.read_text(encoding="utf-8")
    assert on_disk == asyncapi.render(), "run: python -m protocol.asyncapi --write"


def test_every_command_has_a_request_channel_with_a_reply():
    doc = yaml.safe_load(asyncapi.render())
    assert doc["asyncapi"] == "3.0.0"
    for command, model in m.COMMANDS.items():
        channel = doc["channels"][f"request_{command}"]
        assert channel["address"].endswith(f"/req/{command}")
        assert model.__name__ in doc["components"]["schemas"]
        assert doc["operations"][command]["reply"]["channel"] == {"$ref": "#/channels/response"}


def test_schemas_resolve():
    doc = yaml.safe_load(asyncapi.render())
    text = yaml.safe_dump(doc)
    for ref in {line.split("'")[1] for line in text.splitlines() if "$ref: '#/components/schemas/" in line}:
        assert ref.rsplit("/", 1)[-1] in doc["components"]["schemas"], ref
