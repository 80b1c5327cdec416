"""Canonical JSON form of a journal snapshot (format v1): parse, serialise, hash.

``snapshot_from_dict`` / ``snapshot_to_dict`` map between the JSON document described in
:mod:`service.journal.snapshot` and :class:`~service.journal.snapshot.Snapshot`. ``canonical_bytes``
is the one byte form that identifies a snapshot: every entity list sorted by its key
(see ``LIST_ORDER``), object keys sorted, fields equal to their default left out,
no insignificant whitespace, UTF-8.
``snapshot_hash`` is the SHA-256 of those bytes and becomes the snapshot id.

Leaving defaults out keeps old hashes stable when the model gains an optional field with a default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any

from service.errors import UserError
from service.journal import canonical_fastpath
from service.journal import snapshot as m
from service.journal.snapshot import FORMAT_NAME, FORMAT_VERSION, Snapshot

Decoder = Callable[[Any, str], Any]

_MISSING = dataclasses.MISSING


class SnapshotFormatError(UserError, ValueError):
    """Not a valid format-v1 document; ``pointer`` is the JSON pointer to the problem."""

    def __init__(self, pointer: str, message: str) -> None:
        self.pointer = pointer or "/"
        self.message = message
        super().__init__(f"{self.pointer}: {message}")


# --- the order of every list in the canonical form --------------------------------------------


def _by_id(item: Any) -> Any:
    return item.id


# Sort keys per list, named "<Owner>.<field>". Everything with an id sorts by id; the rest by
# their natural key. Periods and holidays sort by date so the canonical order is also the
# chronological one. ``Student.guardian_ids`` keeps its order: the first guardian is the main one.
LIST_ORDER: dict[str, Callable[[Any], Any]] = {
    "AcademicYear.periods": lambda p: (p.start, p.end, p.id),
    "AcademicYear.holidays": lambda h: (h.start, h.end, h.name),
    "SchoolClass.groups": _by_id,
    "Group.student_ids": lambda s: s,
    "Snapshot.staff": _by_id,
    "Snapshot.classes": _by_id,
    "Snapshot.students": _by_id,
    "Snapshot.guardians": _by_id,
    "Snapshot.subjects": _by_id,
    "Snapshot.assignments": _by_id,
    "Snapshot.lessons": _by_id,
    "Snapshot.marks": _by_id,
    "Snapshot.attendance": lambda a: (a.lesson_id, a.student_id),
    "Snapshot.period_marks": lambda m: (m.student_id, m.subject_id, m.period_id),
    "Snapshot.decisions": lambda d: d.student_id,
    "Snapshot.movements": _by_id,
    "Snapshot.substitutions": _by_id,
    "Snapshot.consents": _by_id,
}

# Fields of Snapshot that are not in the file.
_NOT_IN_FILE = frozenset({"snapshot_id"})


# --- scalar decoders ----------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    return {
        str: "строка",
        int: "целое число",
        float: "число",
        bool: "логическое значение",
        list: "массив",
        dict: "объект",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _dec_str(value: Any, ptr: str) -> str:
    if type(value) is not str:
        raise SnapshotFormatError(ptr, f"ожидалась строка, получено: {_type_name(value)}")
    return value


def _dec_int(value: Any, ptr: str) -> int:
    if type(value) is not int:
        raise SnapshotFormatError(ptr, f"ожидалось целое число, получено: {_type_name(value)}")
    return value


def _dec_float(value: Any, ptr: str) -> float:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    raise SnapshotFormatError(ptr, f"ожидалось число, получено: {_type_name(value)}")


def _dec_bool(value: Any, ptr: str) -> bool:
    if type(value) is not bool:
        raise SnapshotFormatError(ptr, f"ожидалось true или false, получено: {_type_name(value)}")
    return value


def _dec_date(value: Any, ptr: str) -> dt.date:
    if type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise SnapshotFormatError(ptr, f"ожидалась дата ГГГГ-ММ-ДД, получено: «{value}»")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SnapshotFormatError(ptr, f"несуществующая дата «{value}»") from None


def _dec_datetime(value: Any, ptr: str) -> dt.datetime:
    if type(value) is not str or len(value) < 16 or value[10] not in "Tt ":
        raise SnapshotFormatError(ptr, f"ожидались дата и время ISO 8601, получено: «{value}»")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise SnapshotFormatError(ptr, f"неверные дата и время «{value}»") from None
    if moment.tzinfo is None:
        raise SnapshotFormatError(ptr, f"у даты и времени нет часового пояса: «{value}»")
    return moment


def _dec_enum(cls: type[enum.Enum]) -> Decoder:
    by_value = {member.value: member for member in cls}
    allowed = ", ".join(f"«{v}»" for v in by_value)

    def decode(value: Any, ptr: str) -> Any:
        try:
            return by_value[value]
        except (KeyError, TypeError):
            raise SnapshotFormatError(
                ptr, f"недопустимое значение «{value}»; допустимы: {allowed}"
            ) from None

    return decode


# --- per-dataclass codecs, built once from the type hints ------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _FieldCodec:
    """One field of a dataclass: its type, decoder, default and list order."""

    name: str
    tp: Any
    decode: Decoder
    default: Any  # _MISSING when required
    sort_key: Callable[[Any], Any] | None  # for tuple fields


@dataclasses.dataclass(frozen=True, slots=True)
class _ClassCodec:
    """The generic (slow, precise) decoder's view of one dataclass."""

    cls: type
    fields: tuple[_FieldCodec, ...]
    names: frozenset[str]


_CODECS: dict[type, _ClassCodec] = {}


def _codec(cls: type) -> _ClassCodec:
    codec = _CODECS.get(cls)
    if codec is None:
        codec = _build_codec(cls)
        _CODECS[cls] = codec
    return codec


def _build_codec(cls: type) -> _ClassCodec:
    hints = typing.get_type_hints(cls, vars(m))
    codecs = []
    for f in dataclasses.fields(cls):
        if f.name in _NOT_IN_FILE and cls is Snapshot:
            continue
        decode = _decoder_for_type(hints[f.name], f"{cls.__name__}.{f.name}")
        if f.default is not _MISSING:
            default = f.default
        elif f.default_factory is not _MISSING:
            default = f.default_factory()
        elif typing.get_origin(hints[f.name]) is tuple:
            default = ()  # an empty list may be omitted from the file
        else:
            default = _MISSING
        sort_key = LIST_ORDER.get(f"{cls.__name__}.{f.name}")
        codecs.append(_FieldCodec(f.name, hints[f.name], decode, default, sort_key))
    return _ClassCodec(cls, tuple(codecs), frozenset(c.name for c in codecs))


def _decoder_for_type(tp: Any, where: str) -> Decoder:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"{where}: unsupported union {tp}")
        inner = _decoder_for_type(args[0], where)
        return lambda value, ptr: None if value is None else inner(value, ptr)
    if origin is tuple:
        item_dec = _decoder_for_type(typing.get_args(tp)[0], where)

        def dec_tuple(value: Any, ptr: str) -> tuple[Any, ...]:
            if type(value) is not list:
                raise SnapshotFormatError(ptr, f"ожидался массив, получено: {_type_name(value)}")
            return tuple(item_dec(item, f"{ptr}/{i}") for i, item in enumerate(value))

        return dec_tuple
    if dataclasses.is_dataclass(tp):
        cls = typing.cast(type, tp)
        return lambda value, ptr: _decode_object(_codec(cls), value, ptr)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _dec_enum(tp)
    simple: dict[Any, Decoder] = {
        str: _dec_str,
        int: _dec_int,
        float: _dec_float,
        bool: _dec_bool,
        dt.date: _dec_date,
        dt.datetime: _dec_datetime,
    }
    if tp in simple:
        return simple[tp]
    raise TypeError(f"{where}: unsupported type {tp}")


def _decode_object(codec: _ClassCodec, value: Any, ptr: str) -> Any:
    if type(value) is not dict:
        raise SnapshotFormatError(ptr, f"ожидался объект, получено: {_type_name(value)}")
    unknown = value.keys() - codec.names
    if unknown:
        name = sorted(unknown)[0]
        raise SnapshotFormatError(f"{ptr}/{_escape(name)}", f"неизвестное поле «{name}»")
    kwargs = {}
    for f in codec.fields:
        raw = value.get(f.name, _MISSING)
        if raw is _MISSING or (raw is None and f.default is not _MISSING):
            if f.default is _MISSING:
                raise SnapshotFormatError(f"{ptr}/{f.name}", "обязательное поле отсутствует")
            continue  # the dataclass default applies
        kwargs[f.name] = f.decode(raw, f"{ptr}/{f.name}")
    return codec.cls(**kwargs)


_FAST: dict[str, Callable[..., Any]] = {}


def _fast() -> dict[str, Callable[..., Any]]:
    """The generated decoders and encoders (`canonical_fastpath`), built once."""
    if not _FAST:
        classes: dict[type, list[canonical_fastpath.FieldSpec]] = {}
        pending = [Snapshot]
        while pending:
            cls = pending.pop()
            if cls in classes:
                continue
            fields = _codec(cls).fields
            classes[cls] = [
                canonical_fastpath.FieldSpec(f.name, f.tp, f.default, f.sort_key) for f in fields
            ]
            pending.extend(_dataclasses_in(f.tp) for f in fields if _dataclasses_in(f.tp))
        _FAST.update(canonical_fastpath.generate(classes, _dec_date, _dec_datetime))
    return _FAST


def _dataclasses_in(tp: Any) -> Any:
    if dataclasses.is_dataclass(tp):
        return tp
    for arg in typing.get_args(tp):
        found = _dataclasses_in(arg)
        if found is not None:
            return found
    return None


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


# --- the public functions ------------------------------------------------------------------------


def snapshot_from_dict(data: dict[str, Any]) -> Snapshot:
    """Build a :class:`Snapshot` from a parsed format-v1 document; may raise SnapshotFormatError."""
    if type(data) is not dict:
        raise SnapshotFormatError("/", f"ожидался объект, получено: {_type_name(data)}")
    if data.get("format") != FORMAT_NAME:
        raise SnapshotFormatError(
            "/format", f"ожидалось «{FORMAT_NAME}», получено: {data.get('format')!r}"
        )
    if data.get("version") != FORMAT_VERSION:
        raise SnapshotFormatError(
            "/version", f"поддерживается версия {FORMAT_VERSION}, получено: {data.get('version')!r}"
        )
    body = {k: v for k, v in data.items() if k not in ("format", "version")}
    fast = _fast()
    try:
        return fast["_dec_Snapshot"](body)
    except Exception:  # any failure: the generic decoder says what and where
        return _decode_object(_codec(Snapshot), body, "")
    finally:
        fast["_clear_caches"]()  # the parse caches live for one document only


def snapshot_to_dict(snapshot: Snapshot, *, canonical: bool = False) -> dict[str, Any]:
    """The format-v1 document of a snapshot.

    With ``canonical=False`` every field is present and lists keep their order; with
    ``canonical=True`` lists are sorted and fields equal to their default are left out
    (the form that is hashed). Object keys come out sorted either way.
    """
    out = _fast()["_cenc_Snapshot" if canonical else "_enc_Snapshot"](snapshot)
    out["format"] = FORMAT_NAME
    out["version"] = FORMAT_VERSION
    return out


def canonicalize(snapshot: Snapshot) -> Snapshot:
    """The same snapshot with every list in canonical order (what ``load_snapshot`` returns)."""
    return _sorted_copy(_codec(Snapshot), snapshot)


def _sorted_copy(codec: _ClassCodec, obj: Any) -> Any:
    changes: dict[str, Any] = {}
    for f in codec.fields:
        value = getattr(obj, f.name)
        if type(value) in _HAS_SORTED_LISTS:
            value = _sorted_copy(_codec(type(value)), value)
        elif type(value) is tuple and value and type(value[0]) in _HAS_SORTED_LISTS:
            inner = _codec(type(value[0]))
            value = tuple(_sorted_copy(inner, v) for v in value)
        if f.sort_key is not None:
            value = tuple(sorted(value, key=f.sort_key))
        changes[f.name] = value
    return dataclasses.replace(obj, **changes)


# Classes that own a sorted list, or hold objects that do (their copies must be sorted too).
_HAS_SORTED_LISTS = frozenset({m.SchoolClass, m.AcademicYear, m.Group})


def canonical_bytes(snapshot: Snapshot) -> bytes:
    """Deterministic UTF-8 JSON: sorted keys and lists, no default values, no whitespace."""
    return canonical_document(snapshot).data


@dataclasses.dataclass(frozen=True)
class CanonicalDocument:
    """The canonical bytes and, for convenience, the JSON text of each top-level key's value."""

    data: bytes
    sections: dict[str, str]


def canonical_document(snapshot: Snapshot) -> CanonicalDocument:
    """Canonical bytes built section by section (the same bytes as one ``json.dumps``)."""
    doc = snapshot_to_dict(snapshot, canonical=True)
    sections = {key: _dumps(doc[key]) for key in sorted(doc)}
    text = "{" + ",".join(f"{_dumps(key)}:{value}" for key, value in sections.items()) + "}"
    return CanonicalDocument(text.encode("utf-8"), sections)


def _dumps(data: Any) -> str:
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def dumps_canonical(data: Any) -> bytes:
    """Serialise already-canonical JSON data the canonical way."""
    return _dumps(data).encode("utf-8")


def snapshot_hash(snapshot: Snapshot) -> str:
    """SHA-256 (hex) of :func:`canonical_bytes`: the snapshot id."""
    return hashlib.sha256(canonical_bytes(snapshot)).hexdigest()


def snapshot_from_bytes(data: bytes) -> Snapshot:
    """Parse a format-v1 JSON document (bytes, UTF-8)."""
    return snapshot_from_dict(json.loads(data))


def iter_entity_lists() -> Iterable[str]:
    """Names of the top-level entity lists of a snapshot, in model order."""
    return [f.name for f in _codec(Snapshot).fields if f.sort_key is not None]
