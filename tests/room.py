"""A classroom over real HTTP: an instructor and students, each with their own cookies (httpx)."""

from __future__ import annotations

from typing import Any

import httpx

JSON = {"Accept": "application/json"}
# uvicorn closes a keep-alive connection after 5 idle seconds; a client that reuses one at that very moment
# sees "Server disconnected without sending a response". Idle connections are let go sooner here, so a
# student who joined, waited for the class and then votes opens a fresh one (as a phone's browser does).
LIMITS = httpx.Limits(keepalive_expiry=2.0)


def _csrf(client: httpx.Client) -> str:
    if "unsc_csrf" not in client.cookies:
        client.get("/join")
    return str(client.cookies["unsc_csrf"])


class Room:
    def __init__(self, base_url: str, instructor_token: str) -> None:
        self.base_url = base_url
        self.instructor = httpx.Client(
            base_url=base_url, headers={"Accept": "text/html"}, timeout=30, follow_redirects=True, limits=LIMITS
        )
        response = self.instructor.get("/instructor", params={"token": instructor_token})
        response.raise_for_status()
        self.students: dict[str, httpx.Client] = {}

    def start(self, scenario_id: str) -> tuple[str, str]:
        """A demonstration: the scenario's positions in, voting open."""
        data = {"scenario_id": scenario_id, "csrf": _csrf(self.instructor), "from_positions": "true"}
        response = self.instructor.post("/sessions", data=data)
        response.raise_for_status()
        session_id = str(response.url).split("/s/")[1].split("/")[0]
        opened = self.instructor.post(
            f"/s/{session_id}/control", data={"action": "open", "csrf": _csrf(self.instructor)}, headers=JSON
        )
        opened.raise_for_status()
        data = self.export(session_id)
        self.session_id = session_id
        self.code = self.instructor.get(f"/s/{session_id}/console").text.split('class="mono">')[1].split("<")[0]
        assert data["session"] == session_id
        return session_id, self.code

    def join(self, member: str, name: str = "") -> httpx.Client:
        student = httpx.Client(base_url=self.base_url, headers={"Accept": "text/html"}, timeout=30, limits=LIMITS)
        response = student.post(
            f"/join/{self.code}", data={"member": member, "name": name, "csrf": _csrf(student)}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
        self.students[member] = student
        return student

    def vote(self, member: str, vote: str) -> dict[str, Any]:
        student = self.students[member]
        response = student.post(f"/s/{self.session_id}/vote", data={"vote": vote, "csrf": _csrf(student)}, headers=JSON)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def control(self, action: str) -> dict[str, Any]:
        response = self.instructor.post(
            f"/s/{self.session_id}/control",
            data={"action": action, "csrf": _csrf(self.instructor), "confirm": "yes"},
            headers=JSON,
        )
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def export(self, session_id: str | None = None) -> dict[str, Any]:
        response = self.instructor.get(f"/s/{session_id or self.session_id}/export.json")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def close(self) -> None:
        for client in [self.instructor, *self.students.values()]:
            client.close()
