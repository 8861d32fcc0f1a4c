"""POST /api/power: the voting power of a scenario's council, with the same errors as /api/tally."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.scenarios import load_file
from tests.conftest import BUNDLED


def document(name: str) -> dict[str, Any]:
    return load_file(BUNDLED / f"{name}.yaml").model_dump(mode="json", exclude_none=True)


def test_power_of_a_draft_resolution_gives_the_published_indices(client: TestClient) -> None:
    response = client.post("/api/power", json=document("venezuela-2019-draft-vetoed"))
    assert response.status_code == 200
    data = response.json()
    assert (data["matter"], data["seats"], data["required"]) == ("substantive", 15, 9)
    china = next(m for m in data["members"] if m["code"] == "CHN")
    belgium = next(m for m in data["members"] if m["code"] == "BEL")
    assert china["shapley_shubik_exact"] == "421/2145" and china["swings"] == 848
    assert belgium["shapley_shubik_exact"] == "4/2145" and belgium["swings"] == 84
    assert "about 105 times" in data["sentence"]


def test_power_names_the_path_to_nine(client: TestClient) -> None:
    data = client.post("/api/power", json=document("dprk-2019-meeting-not-held")).json()
    assert data["path"]["needed"] == 1 and data["path"]["undecided"] == ["USA"]
    assert data["path_sentence"] == (
        'The path to adoption: United States voting "yes" would adopt it; without that vote it fails.'
    )


def test_an_invalid_council_is_422_naming_the_field(client: TestClient) -> None:
    doc = document("syria-2018-agenda")
    doc["members"] = doc["members"][:14]
    response = client.post("/api/power", json=doc)
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "members"


def test_the_endpoint_and_its_errors_are_in_the_openapi_description(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/power"]["post"]
    assert {"200", "400", "413", "422"} <= set(post["responses"])
    # The tally's contract does not change shape: the reasons stay out of its JSON.
    outcome = spec["components"]["schemas"]["Outcome"]["properties"]
    assert "reasons" not in outcome
