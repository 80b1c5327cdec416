"""The period-end part of the one-command demo: close a quarter, audit the archive, summarise.

Render every document of the period (worker processes), sign them all with the generated demo
keys — each issued in the name the journal gives the director and each class teacher; summaries
carry the class teacher's signature, then the director's — archive each into stores A and B,
run a full fixity audit, and report.
"""

from __future__ import annotations

import io
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class CloseSummary:
    """What the demo's period close produced, for the summary and for tests."""

    close_id: str
    period_name: str
    documents: int
    per_kind: dict[str, int]
    pages: int
    signatures: int
    archived: int
    both_copies_verified: int
    audit_findings: int
    failed: list[str]
    seconds: dict[str, float] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)


def close_period_demo(
    snapshot_id: str,
    period_id: str = "Q1",
    workers: int | None = None,
    echo: Callable[[str], object] = print,
    progress: Callable[[int, int], None] | None = None,
) -> CloseSummary:
    """Close one period of an imported snapshot end to end with the demo key.

    ``progress`` gets (done, total) while documents are rendered and while the archive is audited.
    """
    from pypdf import PdfReader

    from service.archive.wiring import get_archive
    from service.jobs.close_engine import open_close, run_close
    from service.jobs.close_plan import resolve_target
    from service.jobs.models import ItemState, JobItem, PeriodClose
    from service.jobs.period_close import kind_title
    from service.jobs.period_sign import signer_key_path, unlock_signer
    from service.jobs.period_steps import snapshot_by_id
    from service.jobs.teacher_sign import demo_teacher_keys
    from signing.demo_pki import ensure_demo_pki
    from storage.fixity import audit

    workers = workers or os.cpu_count() or 1
    seconds: dict[str, float] = {}
    snapshot = snapshot_by_id(snapshot_id)
    target = resolve_target(snapshot, period_id)

    clock = time.perf_counter()
    close, _resumed = open_close(None, snapshot, target)
    total = close.render_job.total if close.render_job else 0
    echo(f"Формирую документы за «{target.name}»: {total} шт., процессов: {workers}…")
    director = snapshot.director.full_name if snapshot.director else None
    pki = ensure_demo_pki(Path(settings.DATA_DIR) / "keys", director=director)
    signer = unlock_signer(pki.director_password().decode(), snapshot)
    teacher_keys = demo_teacher_keys(snapshot)
    marks: dict[str, float] = {}

    def stage_done(stage: str, done: int, all_items: int) -> None:
        marks[stage] = time.perf_counter()
        if progress is not None and stage == "rendering":
            progress(done, all_items)
        if stage == "signing" and "signing" not in seconds:
            seconds["render"] = marks.get("rendering", clock) - clock
            seconds["signing"] = 0.0
            echo(
                f"Подписываю ключами классных руководителей и директора "
                f"({signer_key_path(snapshot).name}), ключ директора открывается один раз…"
            )

    run_close(
        close, signer, None, workers=workers, on_progress=stage_done, teacher_keys=teacher_keys
    )
    close = PeriodClose.objects.get(pk=close.pk)
    seconds.pop("signing", None)
    seconds.setdefault("render", marks.get("rendering", clock) - clock)
    seconds["sign+archive"] = time.perf_counter() - clock - seconds["render"]
    rendered_items = list(JobItem.objects.filter(job=close.render_job, state=ItemState.DONE))
    signed_items = list(JobItem.objects.filter(job=close.sign_job, state=ItemState.DONE))
    archived_items = list(JobItem.objects.filter(job=close.archive_job, state=ItemState.DONE))
    failed = [
        f"{i.label}: {i.error}"
        for job in (close.render_job, close.sign_job, close.archive_job)
        if job
        for i in JobItem.objects.filter(job=job, state=ItemState.FAILED)
    ]
    echo(
        f"  сформировано {len(rendered_items)}, подписано {len(signed_items)}, "
        f"в архиве {len(archived_items)} за {seconds['render'] + seconds['sign+archive']:.1f} с"
    )
    if close.state != PeriodClose.State.ARCHIVED:
        raise RuntimeError(close.error + "\n" + "\n".join(failed))

    clock = time.perf_counter()
    echo("Проверяю сохранность архива (обе копии каждого документа)…")
    archive = get_archive()
    report = audit(archive, sample=None, repair=True, actor="demo", progress=progress)
    seconds["audit"] = time.perf_counter() - clock

    signatures = 0
    for item in signed_items:  # the archived copies: the close's work files are gone by now
        with archive.read(item.key) as data:
            reader = PdfReader(io.BytesIO(data.read()))
        signatures += sum(
            1 for f in (reader.get_fields() or {}).values() if f.get("/V") is not None
        )
    per_kind = Counter(kind_title(i.result["kind"]) for i in rendered_items)
    pages = sum(int(i.result.get("pages", 0)) for i in JobItem.objects.filter(job=close.render_job))
    archived_ids = {i.key for i in archived_items}
    verified = sum(
        1
        for e in archive.catalog.list_entries(_filter(snapshot.school.id))
        if e.document_id in archived_ids and e.state == "archived" and e.version_a and e.version_b
    )
    stores = _store_paths()
    return CloseSummary(
        close_id=str(close.id),
        period_name=target.name,
        documents=total,
        per_kind=dict(per_kind),
        pages=pages,
        signatures=signatures,
        archived=len(archived_items),
        both_copies_verified=verified if report.clean else 0,
        audit_findings=len(report.findings),
        failed=failed,
        seconds=seconds,
        paths={
            **stores,
            "каталог": Path(str(settings.DATABASES["default"]["NAME"])),
        },
    )


def _filter(school_id: str) -> Any:
    from storage.catalog import EntryFilter

    return EntryFilter(school=school_id)


def _store_paths() -> dict[str, Path]:
    from service.config import store_configs

    paths: dict[str, Path] = {}
    for letter, config in zip("AB", store_configs(Path(settings.DATA_DIR)), strict=True):
        where = config.path if config.kind == "file" else f"{config.endpoint}/{config.bucket}"
        paths[f"хранилище {letter}"] = Path(str(where))
    return paths


def format_summary(summary: CloseSummary, total_seconds: float) -> str:
    """The demo's closing summary in Russian."""
    lines = [
        "",
        f"Итоги закрытия периода «{summary.period_name}»",
        f"  документов: {summary.documents}, страниц: {summary.pages}, "
        f"подписей: {summary.signatures}",
    ]
    lines += [f"    {kind}: {n}" for kind, n in sorted(summary.per_kind.items())]
    lines += [
        f"  сдано в архив: {summary.archived}; обе копии проверены по SHA-256: "
        f"{summary.both_copies_verified}; замечаний проверки сохранности: {summary.audit_findings}",
        "  время: "
        + ", ".join(f"{k} {v:.1f} с" for k, v in summary.seconds.items())
        + f"; всего {total_seconds:.1f} с",
    ]
    if summary.failed:
        lines.append("  ошибки:")
        lines += [f"    {f}" for f in summary.failed[:20]]
    lines.append("  где смотреть:")
    lines += [f"    {name}: {path}" for name, path in summary.paths.items()]
    lines.append("Веб-интерфейс: vedomost serve → http://127.0.0.1:8000/")
    return "\n".join(lines)
