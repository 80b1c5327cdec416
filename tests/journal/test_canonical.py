"""Canonical JSON: round trip, deterministic bytes, stable hash."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from service.journal import snapshot as m
from service.journal.canonical import (
    SnapshotFormatError,
    canonical_bytes,
    canonicalize,
    snapshot_from_dict,
    snapshot_hash,
    snapshot_to_dict,
)
from tests.journal.factories import tiny_snapshot


def test_round_trip_through_dict_gives_an_equal_snapshot() -> None:
    snapshot = tiny_snapshot()
    data = snapshot_to_dict(snapshot)
    assert data["format"] == "vedomost-journal" and data["version"] == 1
    assert "snapshot_id" not in data
    again = snapshot_from_dict(json.loads(json.dumps(data)))
    assert again == snapshot
    assert snapshot_to_dict(again) == data


def test_canonical_round_trip_gives_the_canonical_snapshot_and_the_same_bytes() -> None:
    snapshot = tiny_snapshot()
    raw = canonical_bytes(snapshot)
    parsed = snapshot_from_dict(json.loads(raw))
    assert parsed == canonicalize(snapshot)
    assert canonical_bytes(parsed) == raw


def test_canonical_bytes_are_compact_sorted_utf8_without_defaults() -> None:
    raw = canonical_bytes(tiny_snapshot())
    text = raw.decode("utf-8")
    assert "Математика" in text  # not \\u-escaped
    data = json.loads(raw)
    assert raw == json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    assert b"\n" not in raw
    assert list(data) == sorted(data)
    mark = next(x for x in data["marks"] if x["id"] == "mk-1")
    assert "work_type" not in mark  # default «class» left out
    assert mark["entered_at"] == "2024-09-02T09:40:00+03:00"
    assert data["assignments"][1]["hours_per_week"] == 4.5
    assert data["classes"][0]["groups"][0]["student_ids"] == ["s-1", "s-2"]  # sorted


def test_hash_does_not_depend_on_list_order() -> None:
    snapshot = tiny_snapshot()
    shuffled = dataclasses.replace(
        snapshot,
        marks=tuple(reversed(snapshot.marks)),
        attendance=tuple(reversed(snapshot.attendance)),
        students=tuple(reversed(snapshot.students)),
        year=dataclasses.replace(snapshot.year, periods=tuple(reversed(snapshot.year.periods))),
    )
    assert canonical_bytes(shuffled) == canonical_bytes(snapshot)
    assert snapshot_hash(shuffled) == snapshot_hash(snapshot)


def test_hash_is_stable_across_runs() -> None:
    """The tiny school's hash is pinned: changing it would change every stored snapshot id."""
    digest = snapshot_hash(tiny_snapshot())
    assert len(digest) == 64
    assert digest == snapshot_hash(snapshot_from_dict(snapshot_to_dict(tiny_snapshot())))
    assert digest == PINNED_TINY_HASH


def test_hash_changes_when_one_mark_changes() -> None:
    snapshot = tiny_snapshot()
    marks = (dataclasses.replace(snapshot.marks[0], value="4"), *snapshot.marks[1:])
    assert snapshot_hash(dataclasses.replace(snapshot, marks=marks)) != snapshot_hash(snapshot)


def test_int_hours_hash_like_float_hours() -> None:
    snapshot = tiny_snapshot()
    as_int = dataclasses.replace(
        snapshot,
        assignments=(
            dataclasses.replace(snapshot.assignments[0], hours_per_week=5),
            *snapshot.assignments[1:],
        ),
    )
    assert snapshot_hash(as_int) == snapshot_hash(snapshot)


def test_omitted_optional_fields_and_empty_lists_take_defaults() -> None:
    data = snapshot_to_dict(tiny_snapshot(), canonical=True)
    data.pop("decisions")
    data["movements"] = []
    data["students"][0].pop("middle_name", None)
    data["lessons"][0]["group_id"] = None
    snapshot = snapshot_from_dict(data)
    assert snapshot.decisions == () and snapshot.movements == ()
    assert snapshot.lessons[0].group_id is None
    assert snapshot.students[0].sex is m.Sex.MALE


@pytest.mark.parametrize(
    ("mutate", "pointer", "fragment"),
    [
        (lambda d: d.__setitem__("format", "other"), "/format", "vedomost-journal"),
        (lambda d: d.__setitem__("version", 2), "/version", "версия 1"),
        (lambda d: d["marks"][1].pop("student_id"), "/marks/1/student_id", "обязательное поле"),
        (
            lambda d: d["lessons"][0].__setitem__("date", "2024-02-30"),
            "/lessons/0/date",
            "несуществующая дата",
        ),
        (
            lambda d: d["lessons"][0].__setitem__("entered_at", "2024-09-02T09:00:00"),
            "/lessons/0/entered_at",
            "часового пояса",
        ),
        (
            lambda d: d["attendance"][0].__setitem__("code", "X"),
            "/attendance/0/code",
            "недопустимое значение",
        ),
        (
            lambda d: d["students"][2].__setitem__("nickname", "x"),
            "/students/2/nickname",
            "неизвестное поле",
        ),
        (lambda d: d["lessons"][1].__setitem__("number", "2"), "/lessons/1/number", "целое число"),
    ],
)
def test_bad_documents_raise_with_a_pointer(mutate, pointer: str, fragment: str) -> None:
    data = snapshot_to_dict(tiny_snapshot())
    mutate(data)
    with pytest.raises(SnapshotFormatError) as info:
        snapshot_from_dict(data)
    assert info.value.pointer == pointer
    assert fragment in info.value.message


def test_datetime_z_suffix_is_accepted() -> None:
    data = snapshot_to_dict(tiny_snapshot())
    data["marks"][0]["entered_at"] = "2024-09-02T06:40:00Z"
    snapshot = snapshot_from_dict(data)
    assert snapshot.marks[0].entered_at == dt.datetime(2024, 9, 2, 6, 40, tzinfo=dt.UTC)


PINNED_TINY_HASH = "936a5c83948dfa65ccaf22335f7a2330ea69330c3533e6088931065e09fe862f"


def test_generated_fast_decoder_agrees_with_the_generic_one() -> None:
    from service.journal import canonical

    body = snapshot_to_dict(tiny_snapshot())
    del body["format"], body["version"]
    fast = canonical._fast()["_dec_Snapshot"](body)
    generic = canonical._decode_object(canonical._codec(m.Snapshot), body, "")
    assert fast == generic == tiny_snapshot()


def test_sectioned_canonical_document_equals_one_dump() -> None:
    from service.journal.canonical import canonical_document, dumps_canonical

    snapshot = tiny_snapshot()
    document = canonical_document(snapshot)
    assert document.data == dumps_canonical(snapshot_to_dict(snapshot, canonical=True))
    assert json.loads(document.sections["marks"])[0]["id"] == "mk-1"
