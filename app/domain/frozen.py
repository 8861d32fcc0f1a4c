"""``evolve``: ``dataclasses.replace`` for the domain's frozen dataclasses, at a fraction of its cost.

``dataclasses.replace`` reads every field with ``getattr`` and builds the copy through ``__init__``,
whose frozen ``object.__setattr__`` per field made it the dearest part of applying a vote (about
half of it, measured): every vote copies its session and one of its seats, a conference's rooms
some thousands of times a second. ``evolve`` copies the instance's fields in one dictionary update and
drops what its ``cached_property`` attributes had computed from the old values. It is for plain frozen
dataclasses, whose ``__init__`` only stores its arguments: a class with ``__post_init__``, its own
``__init__``, fields that ``__init__`` does not take, pseudo-fields (``InitVar``, ``ClassVar``) or
``__slots__`` gets ``dataclasses.replace`` itself. A name that is
not a field is refused, as ``dataclasses.replace`` refuses it.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


class _Shape(NamedTuple):
    fields: frozenset[str]  # what may be changed
    cached: tuple[str, ...]  # ``cached_property`` names, whose values are dropped from a copy
    plain: bool  # whether a copy of ``__dict__`` is exactly what ``__init__`` would build


@functools.cache
def _shape(cls: type) -> _Shape:
    fields = dataclasses.fields(cls)
    cached = tuple(
        name
        for klass in cls.__mro__
        for name, attribute in vars(klass).items()
        if isinstance(attribute, functools.cached_property)
    )
    plain = (
        cls.__dataclass_params__.init  # type: ignore[attr-defined]  # an __init__ the dataclass wrote itself
        and not hasattr(cls, "__slots__")
        and not hasattr(cls, "__post_init__")
        and all(field.init for field in fields)
        and len(fields) == len(cls.__dataclass_fields__)  # type: ignore[attr-defined]  # no InitVar nor ClassVar
    )
    return _Shape(frozenset(field.name for field in fields), cached, plain)


def evolve(instance: T, /, **changes: Any) -> T:
    """A copy of the frozen dataclass ``instance`` with ``changes``; equal to ``dataclasses.replace``'s."""
    shape = _shape(type(instance))  # type: ignore[arg-type]  # a class is hashable
    unknown = changes.keys() - shape.fields
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no field {sorted(unknown)[0]!r}")
    if not shape.plain:
        return dataclasses.replace(instance, **changes)  # type: ignore[type-var]  # a dataclass, checked above
    copy: T = object.__new__(type(instance))
    state = copy.__dict__
    state.update(instance.__dict__)
    for name in shape.cached:
        state.pop(name, None)
    state.update(changes)
    return copy
