"""Generated fast paths for the canonical codec (the way attrs and dataclasses build ``__init__``).

A snapshot of a full school year holds hundreds of thousands of marks; a generic per-field loop
is several times slower than straight-line code. The generated decoders are optimistic: they
check every type as strictly as the generic decoder but raise a bare :class:`FastPathFailed`
(or whatever a conversion raises) without a location; the caller then re-runs the generic
decoder, which names the JSON pointer. The generated encoders emit object keys in sorted order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from collections.abc import Callable
from typing import Any

MISSING = dataclasses.MISSING


class FastPathFailed(Exception):
    """Something in the input is wrong; the generic decoder will say what and where."""


@dataclasses.dataclass(frozen=True, slots=True)
class FieldSpec:
    """What the generator needs to know about one field."""

    name: str
    tp: Any
    default: Any  # MISSING when required
    sort_key: Callable[[Any], Any] | None


def _fail(*_: Any) -> Any:
    raise FastPathFailed


def _to_float(value: Any) -> float:
    if type(value) is int:
        return float(value)
    raise FastPathFailed


def _make_cached(slow: Callable[[Any, str], Any], size: int) -> Callable[[Any], Any]:
    """A decoder that remembers strings it has parsed (dates and entry times repeat a lot).

    Safe because the cache maps a string to an immutable value: the same text always means the
    same date or moment, offset included.
    """
    cache: dict[str, Any] = {}

    def decode(value: Any) -> Any:
        try:
            return cache[value]
        except (KeyError, TypeError):
            parsed = slow(value, "")
            if len(cache) < size:
                cache[value] = parsed
            return parsed

    decode.cache = cache  # type: ignore[attr-defined]
    return decode


class _Gen:
    """Builds the source of one decoder and two encoders (plain, canonical) for a dataclass."""

    def __init__(
        self,
        namespace: dict[str, Any],
        slow_date: Callable[..., Any],
        slow_datetime: Callable[..., Any],
    ) -> None:
        self.ns = namespace
        self.counter = 0
        self.ns.update(
            _fail=_fail,
            _to_float=_to_float,
            FastPathFailed=FastPathFailed,
            MISSING=MISSING,
            _date=_make_cached(slow_date, 20_000),
            _datetime=_make_cached(slow_datetime, 500_000),
        )
        # The caches themselves, so generated code can look up without a function call.
        self.ns.update(
            _date_cache=self.ns["_date"].cache, _datetime_cache=self.ns["_datetime"].cache
        )

    def const(self, value: Any, prefix: str = "c") -> str:
        self.counter += 1
        name = f"_{prefix}{self.counter}"
        self.ns[name] = value
        return name

    # --- decoding -------------------------------------------------------------------------------
    def decode_lines(self, tp: Any, var: str, indent: str) -> list[str]:
        """Lines that check and convert ``var`` in place to type ``tp``."""
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
            body = self.decode_lines(inner, var, indent + "    ")
            return [f"{indent}if {var} is not None:", *body] if body else []
        if origin is tuple:
            item = typing.get_args(tp)[0]
            lines = [f"{indent}if type({var}) is not list: raise FastPathFailed"]
            if item in (str, int, bool):
                lines.append(f"{indent}for _x in {var}:")
                lines.append(
                    f"{indent}    if type(_x) is not {item.__name__}: raise FastPathFailed"
                )
                lines.append(f"{indent}{var} = tuple({var})")
            else:
                fn = self.item_decoder(item)
                lines.append(f"{indent}{var} = tuple([{fn}(_x) for _x in {var}])")
            return lines
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return [f"{indent}{var} = _dec_{tp.__name__}({var})"]
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            table = self.const({m.value: m for m in tp}, "enum")
            return [f"{indent}{var} = {table}[{var}]"]
        if tp in (str, int, bool):
            return [f"{indent}if type({var}) is not {tp.__name__}: raise FastPathFailed"]
        if tp is float:
            return [f"{indent}if type({var}) is not float: {var} = _to_float({var})"]
        if tp is dt.date:
            return [
                f"{indent}_t = _date_cache.get({var})",
                f"{indent}{var} = _date({var}) if _t is None else _t",
            ]
        if tp is dt.datetime:
            return [
                f"{indent}_t = _datetime_cache.get({var})",
                f"{indent}{var} = _datetime({var}) if _t is None else _t",
            ]
        raise TypeError(f"unsupported type {tp}")

    def item_decoder(self, tp: Any) -> str:
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return f"_dec_{tp.__name__}"
        lines = self.decode_lines(tp, "v", "    ")
        name = self.const(None, "item")
        src = f"def {name}(v):\n" + "\n".join(lines) + "\n    return v\n"
        exec(src, self.ns)  # noqa: S102 - generated from our own dataclass definitions
        return name

    def decoder(self, cls: type, specs: list[FieldSpec]) -> str:
        names = self.const(frozenset(s.name for s in specs), "names")
        lines = [
            f"def _dec_{cls.__name__}(d):",
            f"    if type(d) is not dict or not d.keys() <= {names}: raise FastPathFailed",
            "    g = d.get",
        ]
        args = []
        for i, spec in enumerate(specs):
            var = f"v{i}"
            conv = self.decode_lines(spec.tp, var, "        ")
            if spec.default is MISSING:
                lines.append(
                    f"    {var} = d[{spec.name!r}]"
                )  # KeyError: the generic path reports it
                lines.extend(line[4:] for line in conv)
            else:
                default = self.const(spec.default, "default")
                lines.append(f"    {var} = g({spec.name!r})")
                lines.append(f"    if {var} is None: {var} = {default}")
                if conv:
                    lines.append("    else:")
                    lines.extend(conv)
            args.append(f"{spec.name}={var}")
        cls_name = self.const(cls, "cls")
        lines.append(f"    return {cls_name}({', '.join(args)})")
        return "\n".join(lines) + "\n"

    # --- encoding -------------------------------------------------------------------------------
    def encode_expr(self, tp: Any, var: str, canonical: bool) -> str:
        """An expression that encodes ``var`` of type ``tp``."""
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
            inner_expr = self.encode_expr(inner, var, canonical)
            return var if inner_expr == var else f"(None if {var} is None else {inner_expr})"
        if origin is tuple:
            item = typing.get_args(tp)[0]
            item_expr = self.encode_expr(item, "_x", canonical)
            return f"list({var})" if item_expr == "_x" else f"[{item_expr} for _x in {var}]"
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return f"_{'c' if canonical else ''}enc_{tp.__name__}({var})"
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return f"{var}.value"
        if tp in (str, int, bool):
            return var
        if tp is float:
            return f"float({var})"
        if tp in (dt.date, dt.datetime):
            return f"{var}.isoformat()"
        raise TypeError(f"unsupported type {tp}")

    def encoder(self, cls: type, specs: list[FieldSpec], canonical: bool) -> str:
        prefix = "_cenc_" if canonical else "_enc_"
        lines = [f"def {prefix}{cls.__name__}(o):", "    out = {}"]
        for spec in sorted(specs, key=lambda s: s.name):
            lines.append(f"    v = o.{spec.name}")
            if canonical and spec.sort_key is not None:
                key = self.const(spec.sort_key, "key")
                lines.append(
                    f"    if v: out[{spec.name!r}] = "
                    f"{self.encode_expr(spec.tp, f'sorted(v, key={key})', canonical)}"
                )
                continue
            expr = self.encode_expr(spec.tp, "v", canonical)
            if canonical and spec.default is not MISSING:
                default = self.const(spec.default, "default")
                lines.append(f"    if v != {default}: out[{spec.name!r}] = {expr}")
            else:
                lines.append(f"    out[{spec.name!r}] = {expr}")
        lines.append("    return out")
        return "\n".join(lines) + "\n"


def generate(
    classes: dict[type, list[FieldSpec]],
    slow_date: Callable[..., Any],
    slow_datetime: Callable[..., Any],
) -> dict[str, Callable[..., Any]]:
    """Generate ``_dec_X``, ``_enc_X``, ``_cenc_X`` per dataclass ``X``, and ``_clear_caches``."""
    namespace: dict[str, Any] = {}
    gen = _Gen(namespace, slow_date, slow_datetime)
    for cls, specs in classes.items():
        for src in (
            gen.decoder(cls, specs),
            gen.encoder(cls, specs, False),
            gen.encoder(cls, specs, True),
        ):
            exec(src, namespace)  # noqa: S102 - generated from our own dataclass definitions
    caches = [namespace["_date"].cache, namespace["_datetime"].cache]

    def clear_caches() -> None:
        for cache in caches:
            cache.clear()

    namespace["_clear_caches"] = clear_caches
    wanted = ("_dec_", "_enc_", "_cenc_", "_clear_caches")
    return {k: v for k, v in namespace.items() if k.startswith(wanted)}
