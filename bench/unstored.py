"""`unsc-sim serve` with students' votes answered but never stored: the vote benchmark's ceiling.

Run: python -m bench.unstored serve --port PORT ... (the arguments of ``unsc-sim serve``)

Everything a vote goes through is the real server's: uvicorn and its guards, the short road
(``app/web/fastvote.py``) with its cookie and CSRF checks, the seat found from the token, the hand-off
to the writer thread and the answer back on the event loop. Only the writer's own work is left out:
a batch made only of students' votes is answered at once with each session as it stands, without
applying the votes, without SQL, without a commit. Everything else (opening sessions, seating
students) is stored as usual. What this server reaches is what a durable vote could reach at best
in this design, with a store that cost nothing; nobody should serve a class with it.
"""

from __future__ import annotations

import sys

from app import cli
from app.domain.votes import Vote
from app.sessions import SessionService
from app.store import writer
from app.store.writer import Operation, Writer

UNSTORED = "_bench_unstored"

_student_operation = SessionService._student_operation
_process = Writer._process


def _marked(
    service: SessionService, session_id: str, token: str | None, vote: Vote, claimed_member: str | None
) -> tuple[Operation, str]:
    operation, member = _student_operation(service, session_id, token, vote, claimed_member)
    setattr(operation, UNSTORED, True)
    return operation, member


def _answered_at_once(self: Writer, batch: list[Operation]) -> None:
    if all(getattr(operation, UNSTORED, False) and self.holds(operation.session_id) for operation in batch):
        writer._answer(batch, [self.view(operation.session_id) for operation in batch])
        return
    _process(self, batch)


def main(argv: list[str]) -> int:
    setattr(SessionService, "_student_operation", _marked)  # noqa: B010  (a benchmark's patch, on purpose)
    setattr(Writer, "_process", _answered_at_once)  # noqa: B010
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
