"""Validation of a parsed format-v1 document against ``schema/journal-v1.schema.json``.

One validator, ``jsonschema_rs`` (Rust; about 30× faster than the pure-Python ``jsonschema`` on a
full-year export), answers "valid or not" and, when not, lists the errors with the failing keyword
and its place in the schema; each is explained in Russian with the JSON pointer and field.
Formats (``date``, ``date-time``) are annotations here, as the draft says: the schema's patterns
check the shape, and the content checks name an impossible date (31.02) in their own words.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jsonschema_rs

from service.journal import snapshot as m
from service.journal.checks import json_pointer
from service.journal.errors import ProblemCollector

SCHEMA_FILE = "journal-v1.schema.json"
Path = tuple[str | int, ...]


@functools.cache
def load_schema() -> dict[str, Any]:
    """The JSON Schema of format v1, as published in the package."""
    text = resources.files("service.journal").joinpath("schema", SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator() -> Any:
    return jsonschema_rs.Draft202012Validator(load_schema())


def is_valid(data: Any) -> bool:
    """True when ``data`` satisfies the schema."""
    return bool(_validator().is_valid(data))


@dataclass(frozen=True)
class SchemaError:
    """One schema error: the failing keyword, its value and sub-schema, the instance, its path."""

    keyword: str
    value: Any
    schema: Mapping[str, Any]
    instance: Any
    path: Path
    #: For ``anyOf``: the errors of each branch, in the schema's order.
    branches: tuple[tuple[SchemaError, ...], ...] = ()


def _schema_error(error: Any) -> SchemaError:
    """Our view of a ``jsonschema_rs`` error (its schema path is already past any ``$ref``)."""
    *where, keyword = list(error.schema_path)
    schema: Any = load_schema()
    for key in where:
        schema = schema[key]
    context = getattr(error.kind, "context", None) if keyword == "anyOf" else None
    return SchemaError(
        keyword=str(keyword),
        value=schema.get(keyword) if isinstance(schema, Mapping) else None,
        schema=schema if isinstance(schema, Mapping) else {},
        instance=error.instance,
        path=tuple(error.instance_path),
        branches=tuple(tuple(_schema_error(e) for e in branch) for branch in context or ()),
    )


def _errors(data: Any) -> Iterator[SchemaError]:
    for error in _validator().iter_errors(data):
        yield _innermost(_schema_error(error))


def schema_problems(data: Any, file: str, problems: ProblemCollector) -> None:
    """Add every schema error of ``data`` to ``problems``: JSON pointer, field, Russian text."""
    seen: set[tuple[str, str, str]] = set()
    for error in _errors(data):
        if problems.full:
            problems.truncated = True
            break
        path = error.path
        field, message = _explain(error, list(path))
        if field and path and path[-1] == field:
            path = path[:-1]  # «/marks/17, поле «value»», not «/marks/17/value, поле «value»»
        key = (json_pointer(path), field, message)
        if key not in seen:  # e.g. both «pattern» and «format» fail for one date
            seen.add(key)
            problems.add(file, *key)


def _innermost(error: SchemaError) -> SchemaError:
    """For «X or null» (anyOf), the error of the X branch: it says what is really wrong."""
    while error.keyword == "anyOf" and error.branches:
        real = [
            e
            for index, branch in enumerate(error.branches)
            if error.value[index] != {"type": "null"}
            for e in branch
        ]
        if not real:
            break
        error = max(real, key=lambda e: len(e.path))
    return error


_TYPE_NAMES = {
    "string": "строка",
    "integer": "целое число",
    "number": "число",
    "boolean": "true или false",
    "array": "массив",
    "object": "объект",
    "null": "null",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {str: "string", int: "integer", float: "number", list: "array", dict: "object"}.get(
        type(value), type(value).__name__
    )


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "…"


def _explain(error: SchemaError, path: list[Any]) -> tuple[str, str]:
    """(field, message) for one schema error at ``path`` in the document."""
    kind = error.keyword
    value = error.instance
    last = str(path[-1]) if path and isinstance(path[-1], str) else ""
    if kind == "required":
        missing = [k for k in error.value if k not in value]
        name = missing[0] if missing else ""
        return name, "обязательное поле отсутствует"
    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)
        return (extra[0] if extra else ""), "неизвестное поле «" + "», «".join(extra) + "»"
    if kind == "type":
        expected = error.value
        names = [expected] if isinstance(expected, str) else expected
        if hint := _readable_as(value, names):
            return last, hint
        wanted = " или ".join(_TYPE_NAMES.get(n, n) for n in names if n != "null")
        return last, f"ожидалось: {wanted}; получено: {_TYPE_NAMES.get(_json_type(value))}"
    if kind == "enum":
        return last, _explain_enum(path, value, error.value)
    if kind == "const":
        if path == ["format"]:
            return "format", f"это не файл журнала Ведомости: ожидалось «{m.FORMAT_NAME}»"
        if path == ["version"]:
            supported = m.FORMAT_VERSION
            if _same_text(value, supported):
                return "version", _wrong_type("версия формата должна быть", value, supported)
            return "version", (
                f"версия формата {_short(value)} не поддерживается; поддерживается {supported}"
            )
        return last, f"ожидалось значение {_short(error.value)}"
    if kind in ("pattern", "format"):
        return last, _explain_pattern(error, value)
    if kind in ("minimum", "maximum"):
        lo = error.schema.get("minimum", "")
        hi = error.schema.get("maximum", "")
        return last, f"значение {_short(value)} вне допустимых пределов {lo}–{hi}"
    if kind == "minLength":
        return last, "значение не может быть пустым"
    if kind == "maxLength":
        return last, f"значение длиннее {error.value} символов"
    return last, f"недопустимое значение: {_short(value)}"


def _same_text(value: Any, wanted: Any) -> bool:
    """True when ``value`` is ``wanted`` written as the other JSON type (5 for "5", "1" for 1)."""
    if isinstance(value, bool) or isinstance(wanted, bool) or type(value) is type(wanted):
        return False
    if not isinstance(value, str | int | float) or not isinstance(wanted, str | int | float):
        return False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() == str(wanted)


def _as_json(value: Any) -> str:
    """«строкой "5"» or «числом 5»: the instrumental case, as after «должна быть»."""
    kind = "строкой" if isinstance(value, str) else "числом"
    return f"{kind} {json.dumps(value, ensure_ascii=False)}"


def _wrong_type(what: str, value: Any, wanted: Any) -> str:
    """«отметка должна быть строкой "5", а не числом 5» (``what`` brings its own verb form)."""
    return f"{what} {_as_json(wanted)}, а не {_as_json(value)}"


def _readable_as(value: Any, names: list[str]) -> str:
    """A message for a value of the wrong JSON type that reads as a right one, else ''."""
    if isinstance(value, bool):
        return ""
    if "string" in names and isinstance(value, int | float):
        text = str(int(value)) if float(value).is_integer() else str(value)
        return _wrong_type("значение должно быть", value, text)
    if isinstance(value, str) and ({"integer", "number"} & set(names)):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return ""
        if math.isfinite(number):
            wanted: int | float = int(number) if number.is_integer() else number
            if "integer" in names and not isinstance(wanted, int):
                return ""
            return _wrong_type("значение должно быть", value, wanted)
    return ""


def _explain_enum(path: list[Any], value: Any, allowed: list[Any]) -> str:
    shown = _short(value)
    owner = str(path[0]) if path else ""
    last = str(path[-1]) if path else ""
    readable = next((a for a in allowed if _same_text(value, a)), None)
    if readable is not None:
        what = {
            "marks": "отметка должна быть",
            "period_marks": "отметка за период должна быть",
        }.get(owner, "значение должно быть")
        return _wrong_type(what, value, readable)
    if owner == "marks" and last == "value":
        return f"отметка «{shown}» вне шкалы 1–5"
    if owner == "period_marks" and last == "value":
        return f"отметка за период «{shown}» недопустима; допустимы: " + ", ".join(
            m.PERIOD_MARK_VALUES
        )
    if owner == "attendance" and last == "code":
        return f"неизвестный код посещаемости «{shown}»; допустимы: Н, Б, У, О"
    choices = ", ".join(f"«{v}»" for v in allowed if v is not None)
    return f"недопустимое значение «{shown}»; допустимы: {choices}"


def _explain_pattern(error: SchemaError, value: Any) -> str:
    schema = error.schema
    shown = _short(value)
    fmt = schema.get("format")
    if fmt == "date":
        return f"дата должна быть в виде ГГГГ-ММ-ДД и существовать: «{shown}»"
    if fmt == "date-time":
        return (
            f"дата и время должны быть в виде ISO 8601 с часовым поясом "
            f"(например 2024-09-02T09:40:00+03:00): «{shown}»"
        )
    if "/" in str(schema.get("pattern", "")):
        return f"учебный год должен быть в виде «2024/2025»: «{shown}»"
    return f"значение «{shown}» не соответствует формату"
