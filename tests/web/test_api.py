"""The JSON API: what scripts and the board's own script call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.scenarios import load_file
from tests.conftest import BUNDLED

JSON = {"Accept": "application/json"}


def document(name: str) -> dict[str, Any]:
    return load_file(BUNDLED / f"{name}.yaml").model_dump(mode="json", exclude_none=True)


def test_list_has_valid_scenarios_and_invalid_files_with_errors(client: TestClient) -> None:
    data = client.get("/api/scenarios").json()
    ids = {s["id"] for s in data["scenarios"]}
    assert {"dprk-2019-meeting-not-held", "syria-2018-agenda", "council-2026"} <= ids
    syria = next(s for s in data["scenarios"] if s["id"] == "syria-2018-agenda")
    assert syria == {
        "id": "syria-2018-agenda",
        "title": syria["title"],
        "date": "2018-03-19",
        "matter": "procedural",
        "record_outcome": "not_adopted",
    }
    [broken] = data["invalid"]
    assert broken["file"] == "broken.yaml"
    assert {k: broken["problems"][0][k] for k in ("field", "line")} == {"field": "members[0].code", "line": 4}


def test_get_one_scenario(client: TestClient) -> None:
    data = client.get("/api/scenarios/venezuela-2019-draft-vetoed").json()
    assert data["matter"] == "substantive" and len(data["members"]) == 15


@pytest.mark.parametrize("ident", ["nope", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "SYRIA-2018-AGENDA", "a" * 300])
def test_unknown_or_unsafe_ids_are_404(client: TestClient, ident: str) -> None:
    response = client.get(f"/api/scenarios/{ident}")
    assert response.status_code == 404
    assert "error" in response.json()


def test_broken_scenario_is_422_with_its_problems(client: TestClient) -> None:
    response = client.get("/api/scenarios/broken")
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "members[0].code"


def test_tally_the_ninth_yes_convenes_the_meeting(client: TestClient) -> None:
    doc = document("dprk-2019-meeting-not-held")
    outcome = client.post("/api/tally", json=doc).json()
    assert outcome["outcome"] == "pending" and outcome["pivotal"] == ["USA"] and outcome["needed"] == 1
    for member in doc["members"]:
        if member["code"] == "USA":
            member["vote"] = "yes"
    outcome = client.post("/api/tally", json=doc).json()
    assert outcome["outcome"] == "adopted" and outcome["counts"]["yes"] == 9


def test_tally_veto(client: TestClient) -> None:
    outcome = client.post("/api/tally", json=document("venezuela-2019-draft-vetoed")).json()
    assert outcome["vetoed_by"] == ["CHN", "RUS"]


def test_tally_invalid_council_is_422_naming_the_field(client: TestClient) -> None:
    doc = document("syria-2018-agenda")
    doc["members"] = doc["members"][:14]
    response = client.post("/api/tally", json=doc)
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "members"


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"not json", {"Content-Type": "application/json"}),
        (b"[]", {"Content-Type": "application/json"}),
        (b'{"title": 5}', {"Content-Type": "application/json"}),
        (b"title=x", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"", {}),
    ],
)
def test_bad_tally_bodies_get_a_4xx_with_a_reason(client: TestClient, body: bytes, headers: dict[str, str]) -> None:
    response = client.post("/api/tally", content=body, headers=headers)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]


def test_unknown_field_in_tally_body_is_refused(client: TestClient) -> None:
    doc = document("syria-2018-agenda") | {"memebrs": []}
    response = client.post("/api/tally", json=doc)
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "memebrs"


def test_oversized_body_is_413(client: TestClient) -> None:
    response = client.post(
        "/api/tally", content=b"{" + b" " * 600_000 + b"}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_schema_and_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    schema = client.get("/api/scenario.schema.json").json()
    assert "members" in schema["properties"]


def test_docs_page_lists_every_endpoint_without_a_cdn(client: TestClient) -> None:
    html = client.get("/docs").text
    for path in ("/api/scenarios", "/api/scenarios/{scenario_id}", "/api/tally", "/healthz"):
        assert path in html
    assert "cdn" not in html.lower() and "https://" not in html.replace("https://json-schema", "")


def test_security_headers(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_no_request_produces_a_500(client: TestClient, scenarios: Path) -> None:
    (scenarios / "weird.yaml").write_bytes(b"\x00\xff" * 10)
    for method, url in [
        ("GET", "/api/scenarios"),
        ("GET", "/api/scenarios/weird"),
        ("GET", "/scenarios/weird"),
        ("POST", "/api/tally"),
        ("GET", "/scenarios/syria-2018-agenda?USA=%00"),
        ("GET", "/static/../app/cli.py"),
    ]:
        assert client.request(method, url, headers=JSON).status_code < 500, url
