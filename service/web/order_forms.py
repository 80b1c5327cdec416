"""The form of an order kind, generated from the parameters its descriptor declares.

Fields follow :class:`~service.orders.kind.ParamType`: dates are date fields, staff, classes,
guardians and students are choices from the current journal. The cleaned data turns back into the
string parameters ``build`` reads (``ContextRequest.params``), the same as ``--param`` on the CLI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from service.orders.kind import OrderKind, Param, ParamType

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
MESSAGES = {
    "required": "Заполните это поле.",
    "invalid": "Введите дату в виде ДД.ММ.ГГГГ.",
    "invalid_choice": "Выберите значение из списка.",
}


def _choices(param: Param, snapshot: Any) -> list[tuple[str, str]]:
    if param.type is ParamType.STAFF:
        staff = sorted(snapshot.staff, key=lambda s: s.full_name)
        return [
            (s.id, f"{s.full_name} — {s.position}" if s.position else s.full_name) for s in staff
        ]
    if param.type in (ParamType.CLASS, ParamType.CLASSES):
        classes = sorted(snapshot.classes, key=lambda c: (c.grade, c.letter))
        return [(c.name, c.name) for c in classes]
    if param.type is ParamType.GUARDIAN:
        pupils = {gid: s for s in snapshot.students for gid in s.guardian_ids}
        out = []
        for g in sorted(snapshot.guardians, key=lambda g: g.full_name):
            child = pupils.get(g.id)
            cls = snapshot.class_by_id.get(child.class_id) if child else None
            suffix = f" (ребёнок: {child.full_name}, {cls.name if cls else ''})" if child else ""
            out.append((g.id, g.full_name + suffix))
        return out
    if param.type is ParamType.STUDENT:
        pupils = [s for s in snapshot.students if s.left_on is None]
        out = []
        for s in sorted(pupils, key=lambda s: s.full_name):
            cls = snapshot.class_by_id.get(s.class_id)
            out.append((s.id, f"{s.full_name}, {cls.name if cls else ''}"))
        return out
    return []


def _field(param: Param, snapshot: Any) -> forms.Field:
    common: dict[str, Any] = {
        "label": param.label,
        "required": param.required,
        "help_text": param.help,
        "error_messages": MESSAGES,
    }
    if param.type is ParamType.DATE:
        return forms.DateField(
            input_formats=DATE_FORMATS,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **common,
        )
    if param.type is ParamType.FLAG:
        return forms.BooleanField(**{**common, "required": False})
    if param.type is ParamType.CLASSES:
        return forms.MultipleChoiceField(
            choices=_choices(param, snapshot), widget=forms.CheckboxSelectMultiple, **common
        )
    if param.type in (ParamType.STAFF, ParamType.CLASS, ParamType.GUARDIAN, ParamType.STUDENT):
        empty = "— выберите —" if param.required else "— не выбрано —"
        return forms.ChoiceField(choices=[("", empty), *_choices(param, snapshot)], **common)
    return forms.CharField(max_length=300, **common)


class OrderForm(forms.Form):
    """The document date plus one field per declared parameter of the kind."""

    def __init__(self, kind: OrderKind, snapshot: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["document_date"] = forms.DateField(
            label="Дата документа",
            input_formats=DATE_FORMATS,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages=MESSAGES,
        )
        for param in kind.params:
            self.fields[f"p_{param.name}"] = _field(param, snapshot)

    def params(self) -> dict[str, str]:
        """The cleaned values as ``build`` reads them (empty ones left out)."""
        out: dict[str, str] = {}
        for param in self.kind.params:
            value = self.cleaned_data.get(f"p_{param.name}")
            if value in (None, "", [], False):
                continue
            if isinstance(value, dt.date):
                out[param.name] = value.isoformat()
            elif isinstance(value, list):
                out[param.name] = ",".join(value)
            elif value is True:
                out[param.name] = "1"
            else:
                out[param.name] = str(value).strip()
        return out

    def document_date(self) -> dt.date:
        """The date the document is made on."""
        return self.cleaned_data["document_date"]


class TemplateUploadForm(forms.Form):
    """A new version of a school's template for one kind."""

    kind = forms.ChoiceField(label="Вид документа", error_messages=MESSAGES)
    file = forms.FileField(
        label="Шаблон (DOCX)",
        error_messages={"required": "Выберите файл шаблона DOCX.", "empty": "Файл пуст."},
    )
    comment = forms.CharField(label="Что изменено", max_length=500, required=False)

    def __init__(self, kinds: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "— выберите —"), *kinds]  # type: ignore[attr-defined]
