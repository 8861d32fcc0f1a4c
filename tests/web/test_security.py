"""A server that keeps secrets, tried as a hostile client would: caches, copied cookies, plain HTTP, huge bodies."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient
from pydantic import SecretStr

from app.settings import Settings
from app.web import create_app
from app.web.auth import COOKIE_MAX_AGE, EPOCH_FILE, INSTRUCTOR_COOKIE, instructor_cookie_value
from tests.live_server import LiveServer

TOKEN = "instructor-secret-for-security-tests"
SCENARIO = "dprk-2019-meeting-not-held"
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
LIMIT = 512 * 1024


@pytest.fixture
def app_settings(scenarios: Path, tmp_path: Path) -> Settings:
    return Settings(scenarios_dir=scenarios, data_dir=tmp_path / "data", instructor_token=TOKEN)


@pytest.fixture
def app(app_settings: Settings) -> FastAPI:
    return create_app(app_settings)


def sign_in(client: TestClient) -> str:
    """Follow the instructor link; return the cookie it set."""
    response = client.get(f"/instructor?token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(client.cookies[INSTRUCTOR_COOKIE])


@pytest.fixture
def instructor(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, headers=HTML) as client:
        sign_in(client)
        yield client


def holding(app: FastAPI, cookie: str) -> TestClient:
    """Another browser that has somehow got a copy of the instructor cookie."""
    return TestClient(app, headers=HTML, cookies={INSTRUCTOR_COOKIE: cookie})


def csrf(client: TestClient) -> str:
    if "unsc_csrf" not in client.cookies:
        client.get("/join")
    return str(client.cookies["unsc_csrf"])


def start(instructor: TestClient) -> tuple[str, str]:
    response = instructor.post("/sessions", data={"scenario_id": SCENARIO, "csrf": csrf(instructor)})
    assert response.status_code == 200, response.text  # followed to the console
    session_id = str(response.url.path).split("/")[2]
    return session_id, instructor.app.state.store.get(session_id).join_code  # type: ignore[attr-defined]


def sign_out(client: TestClient) -> None:
    response = client.post("/signout", data={"csrf": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def instructor_paths(session_id: str) -> list[str]:
    return [
        "/sessions",
        f"/s/{session_id}/console",
        f"/s/{session_id}/export.json",
        f"/s/{session_id}/export.csv",
        f"/s/{session_id}/audit.csv",
        "/editor",
        "/editor/new",
        f"/scenarios/{SCENARIO}/edit",
        f"/scenarios/{SCENARIO}/download",
    ]


# Cache-Control: no-store


def test_every_instructor_page_export_and_download_is_no_store(instructor: TestClient) -> None:
    session_id, _ = start(instructor)
    for path in instructor_paths(session_id):
        response = instructor.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    # Public pages too, once they are rendered for the instructor (the nav shows instructor links).
    for path in ("/", f"/scenarios/{SCENARIO}", "/join", "/api/scenarios"):
        assert instructor.get(path).headers["cache-control"] == "no-store", path


def test_the_instructor_link_and_its_redirect_are_no_store(app: FastAPI) -> None:
    with TestClient(app, headers=HTML) as client:
        refused = client.get("/instructor?token=a-guess-at-the-secret")
        assert refused.status_code == 403 and refused.headers["cache-control"] == "no-store"
        accepted = client.get(f"/instructor?token={TOKEN}", follow_redirects=False)
        assert accepted.status_code == 303 and accepted.headers["cache-control"] == "no-store"


def test_instructor_routes_are_no_store_even_when_they_refuse(instructor: TestClient) -> None:
    session_id, _ = start(instructor)
    with TestClient(instructor.app, headers=HTML) as stranger:
        for path in instructor_paths(session_id):
            response = stranger.get(path)
            assert response.status_code == 403, path
            assert response.headers["cache-control"] == "no-store", path
        # Pages for everyone keep whatever caching they had: no-store is for the instructor.
        assert "no-store" not in stranger.get("/").headers.get("cache-control", "")


def test_a_route_own_cache_control_is_kept_for_others_and_tightened_for_the_instructor(
    app: FastAPI, instructor: TestClient
) -> None:
    @app.get("/test/cached")
    def cached() -> Response:
        return Response("x", headers={"Cache-Control": "public, max-age=600"})

    @app.get("/test/strict")
    def strict() -> Response:
        return Response("x", headers={"Cache-Control": "private, no-store, max-age=0"})

    with TestClient(app) as stranger:
        assert stranger.get("/test/cached").headers["cache-control"] == "public, max-age=600"
    assert instructor.get("/test/cached").headers["cache-control"] == "no-store"
    assert instructor.get("/test/strict").headers["cache-control"] == "private, no-store, max-age=0"


# Sign-out revokes


def test_sign_out_revokes_every_copy_of_the_cookie_but_not_the_link(app: FastAPI, instructor: TestClient) -> None:
    stolen = str(instructor.cookies[INSTRUCTOR_COOKIE])
    with holding(app, stolen) as thief:
        assert thief.get("/sessions").status_code == 200
        page = instructor.get("/").text
        assert 'action="/signout"' in page and f'value="{csrf(instructor)}"' in page
        sign_out(instructor)
        assert INSTRUCTOR_COOKIE not in instructor.cookies
        assert instructor.get("/sessions").status_code == 403
        assert thief.get("/sessions").status_code == 403
        assert thief.get("/s/any/export.json").status_code == 403
        assert 'action="/signout"' not in thief.get("/").text
        # The link from the terminal still works, and only for the new cookie.
        fresh = sign_in(instructor)
        assert fresh != stolen
        assert instructor.get("/sessions").status_code == 200
        assert thief.get("/sessions").status_code == 403


def test_sign_out_is_refused_without_the_csrf_token_or_from_another_site(instructor: TestClient) -> None:
    assert instructor.post("/signout", follow_redirects=False).status_code == 403
    assert instructor.post("/signout", data={"csrf": "forged-token-forged-token"}).status_code == 403
    foreign = {"Origin": "https://evil.example"}
    assert instructor.post("/signout", data={"csrf": csrf(instructor)}, headers=foreign).status_code == 403
    assert instructor.get("/sessions").status_code == 200


def test_a_stranger_signing_out_does_not_sign_the_instructor_out(app: FastAPI, instructor: TestClient) -> None:
    with TestClient(app, headers=HTML) as stranger:
        sign_out(stranger)
    assert instructor.get("/sessions").status_code == 200


def test_the_sign_out_survives_a_restart(app_settings: Settings) -> None:
    with TestClient(create_app(app_settings), headers=HTML) as before:
        stolen = sign_in(before)
        sign_out(before)
    stored = (app_settings.data_dir / EPOCH_FILE).read_text(encoding="ascii").strip()
    assert stored.isdigit() and int(stored) > 0
    restarted = create_app(app_settings)
    with holding(restarted, stolen) as thief:
        assert thief.get("/sessions").status_code == 403
    with TestClient(restarted, headers=HTML) as after:
        sign_in(after)
        assert after.get("/sessions").status_code == 200


def test_workers_sharing_the_data_folder_agree_on_a_sign_out(app_settings: Settings) -> None:
    first, second = create_app(app_settings), create_app(app_settings)
    with TestClient(first, headers=HTML) as browser:
        cookie = sign_in(browser)
        with holding(second, cookie) as other_worker:
            assert other_worker.get("/sessions").status_code == 200
            sign_out(browser)
            assert other_worker.get("/sessions").status_code == 403


def test_cookies_the_server_did_not_issue_are_refused(app: FastAPI, app_settings: Settings) -> None:
    secret = TOKEN.encode()
    old_style = hmac.new(secret, b"unsc-sim instructor cookie v1", hashlib.sha256).hexdigest()
    good = instructor_cookie_value(app_settings)
    version, issued, nonce, signature = good.split(".")
    expired = instructor_cookie_value(app_settings, issued_ns=time.time_ns() - (COOKIE_MAX_AGE + 60) * 10**9)
    forged = [
        old_style,
        TOKEN,
        f"{version}.{int(issued) + 1}.{nonce}.{signature}",  # a later issue time, to outlive a sign-out
        f"{version}.{issued}.{nonce}x.{signature}",
        f"{version}.{issued}.{nonce}.{signature[:-1]}",
        f"{version}.{issued}.{nonce}.{signature}.extra",
        f"{version}.-{issued}.{nonce}.{signature}",
        f"{version}.0x{issued}.{nonce}.{signature}",
        instructor_cookie_value(
            app_settings.model_copy(update={"instructor_token": SecretStr("another-secret-entirely")})
        ),
        expired,
    ]
    for cookie in forged:
        with holding(app, cookie) as client:
            assert client.get("/sessions").status_code == 403, cookie
    with holding(app, good) as client:
        assert client.get("/sessions").status_code == 200


def test_a_damaged_epoch_file_fails_closed(app_settings: Settings) -> None:
    app = create_app(app_settings)
    with TestClient(app, headers=HTML) as browser:
        cookie = sign_in(browser)
        time.sleep(0.05)  # file times come from a coarser clock than time.time_ns()
        app_settings.data_dir.mkdir(parents=True, exist_ok=True)
        (app_settings.data_dir / EPOCH_FILE).write_text("not a number\n", encoding="ascii")
        with holding(app, cookie) as client:
            assert client.get("/sessions").status_code == 403
        sign_in(browser)
        assert browser.get("/sessions").status_code == 200


# Secure cookies over HTTPS


def set_cookies(response: httpx.Response) -> list[str]:
    return response.headers.get_list("set-cookie")


def test_cookies_are_secure_over_https(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver", headers=HTML) as browser:
        login = browser.get(f"/instructor?token={TOKEN}", follow_redirects=False)
        cookies = set_cookies(login)
        assert any(c.startswith("unsc_csrf=") for c in cookies)
        assert any(c.startswith(f"{INSTRUCTOR_COOKIE}=") for c in cookies)
        assert all("; secure" in c.lower() and "httponly" in c.lower() for c in cookies), cookies
        session_id, code = start(browser)
        with TestClient(app, base_url="https://testserver", headers=HTML) as student:
            joined = student.post(
                f"/join/{code}", data={"member": "USA", "name": "", "csrf": csrf(student)}, follow_redirects=False
            )
            assert joined.status_code == 303, joined.text
            seat = [c for c in set_cookies(joined) if c.startswith(f"unsc_seat_{session_id}=")]
            assert seat and all("; secure" in c.lower() for c in seat), seat
        logout = browser.post("/signout", data={"csrf": csrf(browser)}, follow_redirects=False)
        assert all("; secure" in c.lower() for c in set_cookies(logout))


def test_cookies_are_not_secure_over_plain_http(app: FastAPI) -> None:
    with TestClient(app, headers=HTML) as browser:
        login = browser.get(f"/instructor?token={TOKEN}", follow_redirects=False)
        cookies = set_cookies(login)
        assert len(cookies) == 2 and not any("secure" in c.lower() for c in cookies), cookies


# Bodies over the cap, streamed


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b"a" * piece


TOO_LARGE = {"error": "the request body is too large", "limit_bytes": LIMIT}


def assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    assert response.json() == TOO_LARGE


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/tally", "application/json"),
        ("/join/XXXXXX", "application/x-www-form-urlencoded"),
        ("/signout", "application/x-www-form-urlencoded"),
        ("/editor/upload", "multipart/form-data; boundary=xyz"),
    ],
)
def test_a_chunked_body_over_the_cap_gets_413(instructor: TestClient, path: str, content_type: str) -> None:
    headers = {"Content-Type": content_type, "Accept": "text/html"}
    response = instructor.post(path, content=chunks(LIMIT + 1), headers=headers)
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert_too_large(response)


def test_a_chunked_body_under_the_cap_is_read_as_usual(app: FastAPI) -> None:
    body = json.dumps({"title": "T", "question": "Q", "members": []}).encode()
    with TestClient(app) as client:
        response = client.post("/api/tally", content=iter([body]), headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text  # read and judged, not refused for its size


def test_an_announced_body_over_the_cap_gets_413(app: FastAPI) -> None:
    with TestClient(app) as client:
        assert_too_large(client.post("/api/tally", content=b"a" * (LIMIT + 1)))


def test_a_chunked_body_over_the_cap_gets_413_from_a_real_server(tmp_path: Path) -> None:
    with LiveServer(tmp_path) as server, socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        head = (
            "POST /api/tally HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )

        def send_body() -> None:
            try:
                sock.sendall(head.encode())
                for piece in chunks(LIMIT + 64 * 1024):
                    sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sock.sendall(b"0\r\n\r\n")
            except OSError:
                pass  # the server may stop listening once it has answered

        sender = threading.Thread(target=send_body, daemon=True)
        sender.start()
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
        sender.join(timeout=10)
    status, _, rest = answer.partition(b"\r\n")
    assert status.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert json.loads(rest.partition(b"\r\n\r\n")[2]) == TOO_LARGE
