"""The content key of a document: what it says and how it looks, independent of when it was made.

A document is made again (and archived as a new version) only when its key changes. The key has
three parts, kept apart so that a new version can say why it was made:

- ``data``: the builder's data without the snapshot id and the issue date;
- ``policy``: the sections of the school policy its kind reads (``Kind.policy``), so a changed
  rule re-renders the documents that apply it and no others;
- ``template``: the template version — the kind's template, every template it extends, includes
  or imports (found in the Jinja source, recursively), the stylesheets every document loads and
  the font files named in them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.documents.common import to_jsonable

if TYPE_CHECKING:
    from service.policy import SchoolPolicy

PARTS = ("data", "policy", "template")
"""The parts of a key, in the order they are hashed together."""

STYLESHEETS = ("documents.css", "ua-minimal.css")
"""Stylesheets every document is rendered with (``render._Resources``)."""

_lock = threading.Lock()
_template_versions: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}


@dataclass(frozen=True, slots=True)
class ContentKey:
    """The three part hashes of a document's content and their combined hash (``value``)."""

    data: str
    policy: str
    template: str

    @property
    def value(self) -> str:
        """The combined key stored with the archived document (``extra["content_key"]``)."""
        return hashlib.sha256("|".join(getattr(self, p) for p in PARTS).encode()).hexdigest()

    def parts(self) -> dict[str, str]:
        """``{"data_key": …, "policy_key": …, "template_key": …}`` for the archive's metadata."""
        return {f"{p}_key": getattr(self, p) for p in PARTS}

    def changed_parts(self, stored: Any) -> tuple[str, ...]:
        """Which parts differ from those stored with an archived version (``extra``); for a
        version archived before the parts were kept, its data (what most changes are)."""
        if not all(f"{p}_key" in stored for p in PARTS):
            return ("data",)
        return tuple(p for p in PARTS if stored[f"{p}_key"] != getattr(self, p))


def data_key(data: Any) -> str:
    """The hash of the builder data without the snapshot id and the issue date."""
    value = to_jsonable(data)
    if isinstance(value, dict) and isinstance(value.get("meta"), dict):
        value["meta"] = {
            k: v for k, v in value["meta"].items() if k not in {"snapshot_id", "issued_on"}
        }
    return hashlib.sha256(
        json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


def policy_key(policy: SchoolPolicy, sections: tuple[str, ...]) -> str:
    """The hash of the named sections of the school policy ("" for a kind that reads none)."""
    if not sections:
        return ""
    values = {name: to_jsonable(getattr(policy, name)) for name in sorted(sections)}
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)  # times as text
    return hashlib.sha256(text.encode()).hexdigest()


_template_lists: dict[tuple[str, str, tuple[tuple[str, int, int], ...]], list[Path]] = {}


def _folder_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    stats = ((p.name, p.stat()) for p in sorted(folder.iterdir()) if p.is_file())
    return tuple((name, st.st_size, st.st_mtime_ns) for name, st in stats)


def template_files(template: str, folder: Path | None = None) -> list[Path]:
    """The template, every template it extends, includes or imports (recursively), and the
    stylesheets, in a stable order (parsed once per process while the folder is unchanged)."""
    if folder is None:
        from service.documents.render import TEMPLATES

        folder = TEMPLATES
    cache_key = (template, str(folder), _folder_stamp(folder))
    with _lock:
        known = _template_lists.get(cache_key)
    if known is None:
        known = _find_template_files(template, folder)
        with _lock:
            _template_lists[cache_key] = known
    return list(known)


def _find_template_files(template: str, folder: Path) -> list[Path]:
    import jinja2
    from jinja2 import meta

    env = jinja2.Environment(autoescape=True)  # parsing only: filters need not be known
    seen: list[str] = []
    pending = [template]
    while pending:
        name = pending.pop(0)
        if name in seen or not (folder / name).is_file():
            continue
        seen.append(name)
        source = (folder / name).read_text("utf-8")
        for ref in meta.find_referenced_templates(env.parse(source)):
            if ref is None:
                raise ValueError(f"шаблон {name}: имя подключаемого шаблона вычисляется")
            pending.append(ref)
    return [folder / n for n in seen] + [folder / n for n in STYLESHEETS if (folder / n).is_file()]


def template_key(template: str, folder: Path | None = None) -> str:
    """The template version of a kind: the hash of :func:`template_files` and the font files.

    Kept per process and recomputed when a file's size or modification time changes.
    """
    from service.documents.render import FONT_DIR, FONT_FILES

    files = template_files(template, folder)
    fonts = [FONT_DIR / n for n in sorted(FONT_FILES.values())]
    stamp = tuple(
        (str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in [*files, *fonts] if p.exists()
    )
    cache_key = (template, stamp)
    with _lock:
        known = _template_versions.get(cache_key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for path in fonts:  # a font is large: its name and size stand for it
        if path.exists():
            digest.update(f"{path.name}:{path.stat().st_size}\0".encode())
    value = digest.hexdigest()
    with _lock:
        _template_versions[cache_key] = value
    return value


def content_key(data: Any, policy: SchoolPolicy) -> ContentKey:
    """The content key of built document data, under ``policy``."""
    from service.documents.kinds import get_kind

    kind = get_kind(data.meta.kind)
    return ContentKey(
        data=data_key(data),
        policy=policy_key(policy, kind.policy_sections(data)),
        template=template_key(kind.template),
    )


def legacy_key(data: Any) -> str:
    """The key documents were archived with before it covered the policy and the template
    version: the data and the main template's bytes. A document archived with it and unchanged
    by that measure is not made again just because the key's definition grew."""
    from service.documents.kinds import get_kind
    from service.documents.render import TEMPLATES

    value = to_jsonable(data)
    if isinstance(value, dict) and isinstance(value.get("meta"), dict):
        value["meta"] = {
            k: v for k, v in value["meta"].items() if k not in {"snapshot_id", "issued_on"}
        }
    digest = hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode())
    template = TEMPLATES / get_kind(data.meta.kind).template
    if template.is_file():
        digest.update(template.read_bytes())
    return digest.hexdigest()


def policy_sections() -> tuple[str, ...]:
    """The names of the school policy's sections (the fields of ``SchoolPolicy``)."""
    from service.policy import SchoolPolicy

    return tuple(f.name for f in dataclasses.fields(SchoolPolicy))
