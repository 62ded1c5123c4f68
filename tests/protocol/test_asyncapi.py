"""The protocol reference in docs/ is what the models generate."""

import pytest
import yaml

from protocol import asyncapi
from protocol import messages as m

pytestmark = pytest.mark.pure


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


def test_every_answer_is_documented_with_its_result_model():
    doc = yaml.safe_load(asyncapi.render())
    response_messages = doc["channels"]["response"]["messages"]
    for command in m.COMMANDS:
        result = m.RESULTS[command]
        (ref,) = doc["operations"][command]["reply"]["messages"]
        name = ref["$ref"].rsplit("/", 1)[-1]
        assert name in response_messages
        schema = doc["components"]["schemas"][name]["properties"]["result"]
        assert {"$ref": f"#/components/schemas/{result.__name__}"} in schema["anyOf"]
        assert set(doc["components"]["schemas"][result.__name__]["properties"]) \
            == set(result.model_fields)


def test_error_codes_are_enumerated_with_their_meaning():
    doc = yaml.safe_load(asyncapi.render())
    code = doc["components"]["schemas"]["ErrorInfo"]["properties"]["code"]
    assert code["enum"] == list(m.ERROR_CODES)
    for name, meaning in m.ERROR_CODES.items():
        assert f"`{name}`: {meaning}" in code["description"]


def test_the_integrator_guide_names_every_command_s_result():
    guide = (asyncapi.DOC_PATH.parent / "queue_service.md").read_text(encoding="utf-8")
    table = guide.split("### Answers", 1)[1].split("###", 1)[0]
    rows = {line.split("|")[1]: line.split("|")[2] for line in table.splitlines()
            if line.startswith("| `")}
    for command, result in m.RESULTS.items():
        row = next((r for cmds, r in rows.items() if f"`{command}`" in cmds), None)
        assert row is not None and f"`{result.__name__}`" in row, command
