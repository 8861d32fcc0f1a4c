"""The stand-in for the session service when the session database cannot be used at start.

``create_app`` installs it in the service's place (``app.state.service``) when ``make_engine`` raises
``DatabaseUnavailable``: the scenario library, the boards and the editor keep working, and whatever
asks for a live session gets that one line as a 503 (the routes, through ``ServiceDep``, before
anything else they check; the fast vote road, when it calls the service). Restarting once the file
is restored or the server is back brings the sessions back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from app.store.faults import DatabaseUnavailable


class SessionsUnavailable:
    """Answers every call the session service would take with ``problem``; closing it does nothing."""

    def __init__(self, problem: DatabaseUnavailable) -> None:
        self.problem = problem

    def close(self) -> None:
        pass

    def follow_other_instances(self) -> None:
        pass

    def refuse(self) -> NoReturn:
        raise DatabaseUnavailable(str(self.problem))

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def refused(*_args: Any, **_kwargs: Any) -> NoReturn:
            self.refuse()

        return refused
