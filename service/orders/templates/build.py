"""Generate the bundled DOCX templates of the order kinds (docxtpl tags, ГОСТ Р 7.0.97-2016).

Run ``python -m service.orders.templates.build [OUT_DIR]``. The generated .docx files are committed
beside this module so that staff have real Word files to edit and upload back; a test checks that
they are current. Each order kind's layout is the function named after it (``intro_journal`` for
``intro-journal``).
Layout: Liberation Serif 14 pt (12 pt in forms, 11 pt in tables), margins left 20 mm, right 10 mm,
top and bottom 20 mm; requisites: school name, document kind, date, number, place, heading, text,
signature with the area for the electronic-signature mark (a bookmark ``SIG<field>`` marks where the
empty PDF signature field goes).
"""

# ruff: noqa: E501 — the Russian template texts read better unwrapped
from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import cast

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from service.orders.kind import OrderKind
from service.orders.kinds import KINDS

HERE = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2026, 11, 24, 0, 0, 0)
FONT = "Liberation Serif"
LEFT, CENTER, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
_bookmark_id = [100]


# --- building blocks ------------------------------------------------------------------------------
def new_doc(size: int = 14, title: str = "") -> DocumentType:
    """An empty A4 document with the ГОСТ margins and the serif font."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(20), Mm(10)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.footer_distance = Mm(8)
    for style_name in ("Normal", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = FONT
        style.font.size = Pt(size if style_name == "Normal" else 11)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_after = Pt(0)
    normal.space_before = Pt(0)
    normal.line_spacing = 1.0
    # Russian language for spelling and hyphenation in Word/LibreOffice (and /Lang in the PDF).
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "ru-RU")
    rpr.append(lang)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    default_rpr = (
        defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    )
    if default_rpr is not None:
        for old_lang in default_rpr.findall(qn("w:lang")):
            default_rpr.remove(old_lang)
        lang = OxmlElement("w:lang")
        for attr in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attr), "ru-RU")
        default_rpr.append(lang)
    props = doc.core_properties
    props.title = title
    props.author = "{{ school.short_name }}"
    props.language = "ru-RU"
    props.comments = "Шаблон Vedomost (docxtpl). Переменные — в двойных фигурных скобках."
    footer(doc)
    return doc


def para(
    doc: DocumentType | object,
    text: str = "",
    *,
    bold: bool = False,
    align: object = JUSTIFY,
    size: int | None = None,
    indent: bool = False,
    after: int = 0,
    before: int = 0,
    italic: bool = False,
    keep: bool = False,
) -> Paragraph:
    """Add a paragraph (to a document or a table cell)."""
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if indent:
        fmt.first_line_indent = Mm(12.5)
    if keep:
        fmt.keep_with_next = True
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    return p


def tag(doc: DocumentType | object, text: str) -> Paragraph:
    """A paragraph holding only a docxtpl block tag (``{%p … %}``); it disappears when rendered."""
    return para(doc, text, align=LEFT)


def cell_text(
    cell: object, text: str, *, bold: bool = False, align: object = LEFT, size: int = 11
) -> None:
    """Put text into a table cell's first paragraph."""
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    p.alignment = align
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def borderless(table: Table) -> None:
    """Remove the borders of a layout table."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def widths(table: Table, mm: list[float]) -> None:
    """Fix column widths (Word and LibreOffice read the cell widths)."""
    table.autofit = False
    # LibreOffice lays tables out from the grid, Word from the cells: set both.
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, mm, strict=True):
            cell.width = Mm(w)


def bookmark(p: Paragraph, name: str) -> None:
    """Wrap the paragraph's content in a bookmark; LibreOffice exports it as a PDF destination."""
    _bookmark_id[0] += 1
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(_bookmark_id[0]))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(_bookmark_id[0]))
    p._p.insert(1 if p._p.pPr is not None else 0, start)
    p._p.append(end)


def footer(doc: DocumentType) -> None:
    """Footer: the document id and the template version, small."""
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = LEFT
    run = p.add_run("Документ {{ document.document_id }} · шаблон {{ document.template_version }}")
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def requisites(doc: DocumentType, *, number: bool = True) -> None:
    """School name, document kind, date and number, place (ГОСТ Р 7.0.97, реквизиты 08–12)."""
    para(doc, "{{ school.full_name }}", bold=True, align=CENTER, size=13, after=12)
    para(doc, "{{ document.kind_title }}", bold=True, align=CENTER, size=16, after=12)
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    widths(table, [90, 90])
    cell_text(table.cell(0, 0), "{{ document.date }}", size=14)
    cell_text(table.cell(0, 1), "№ {{ document.number }}" if number else "", align=RIGHT, size=14)
    para(doc, "{{ document.place }}", align=CENTER, before=6, after=18)


def heading(doc: DocumentType, text: str) -> None:
    """The heading to the text (заголовок к тексту), bold, left, before the text."""
    para(doc, text, bold=True, align=LEFT, after=12, keep=True)


def signature(
    doc: DocumentType,
    field: str = "director",
    position: str = "{{ director.position }}",
    name: str = "{{ director.initials_first }}",
) -> None:
    """Signature: position | e-signature mark area (bookmark ``SIG<field>``) | name."""
    para(doc, "", after=18)
    table = doc.add_table(rows=1, cols=3)
    borderless(table)
    widths(table, [62, 70, 48])
    cell_text(table.cell(0, 0), position, size=14)
    mark = table.cell(0, 1).paragraphs[0]
    mark.alignment = CENTER
    run = mark.add_run("Место для отметки об электронной подписи")
    run.font.size = Pt(7)
    # White: the box stays blank on paper and under the signature stamp, yet editors can find it.
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    bookmark(mark, f"SIG{field}")
    cell_text(table.cell(0, 2), name, align=RIGHT, size=14)


def list_table(
    doc: DocumentType, headers: list[str], cells: list[str], loop: str, mm: list[float]
) -> None:
    """A bordered table: a header row and one row repeated by ``{%tr for … %}``."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(headers):
        cell_text(table.cell(0, i), text, bold=True, align=CENTER)
    cell_text(table.cell(1, 0), f"{{%tr for {loop} %}}")
    for i, text in enumerate(cells):
        cell_text(table.cell(2, i), text)
    cell_text(table.cell(3, 0), "{%tr endfor %}")
    widths(table, mm)
    # Repeat the header row on every page.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    tr_pr.append(el)


def page_break(doc: DocumentType) -> None:
    """A paragraph holding a page break."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def approval_stamp(doc: DocumentType) -> None:
    """«УТВЕРЖДЕНО приказом …» in the top right corner of a local act."""
    for text in (
        "УТВЕРЖДЕНО",
        "приказом {{ school.short_name }}",
        "от {{ approval.order_date }} № {{ approval.order_number }}",
    ):
        p = para(doc, text, align=LEFT, size=12)
        p.paragraph_format.left_indent = Mm(105)
    para(doc, "", after=12)


def numbered(doc: DocumentType, items: list[str]) -> None:
    """Numbered items of an order's administrative part («1. …»)."""
    for i, text in enumerate(items, start=1):
        para(doc, f"{i}. {text}", indent=True)


# --- the templates --------------------------------------------------------------------------------
def intro_journal() -> DocumentType:
    doc = new_doc(title="Приказ о введении электронного журнала")
    requisites(doc)
    heading(doc, "О введении электронного классного\nжурнала и электронных дневников")
    para(
        doc,
        "В соответствии с Федеральным законом от 29.12.2012 № 273-ФЗ «Об образовании в "
        "Российской Федерации», Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных "
        "данных», в целях обеспечения индивидуального учёта результатов освоения "
        "обучающимися образовательных программ и информирования родителей (законных "
        "представителей) о ходе обучения",
        indent=True,
        after=6,
    )
    para(doc, "ПРИКАЗЫВАЮ:", align=LEFT, after=6)
    numbered(
        doc,
        [
            "Ввести с {{ effective_date }} в {{ school.short_name }} ведение классных журналов и "
            "дневников обучающихся в электронном виде на {{ year.id }} учебный год.",
            "Назначить администратором электронного журнала {{ administrator|acc }}, "
            "{{ administrator.position|acc }}.",
            "Заместителю директора {{ deputy|dat }} обеспечить контроль ведения электронного "
            "журнала, ежемесячно проверять своевременность и полноту заполнения.",
            "Классным руководителям в срок до {{ effective_date }} внести в электронный журнал "
            "списки классов и сведения об обучающихся, собрать согласия законных представителей на "
            "обработку персональных данных.",
            "Администратору электронного журнала по окончании каждой четверти (полугодия) "
            "выгружать электронный журнал на бумажный носитель и передавать на подпись директору.",
            "Контроль исполнения настоящего приказа оставляю за собой.",
        ],
    )
    signature(doc)
    para(doc, "", after=12)
    para(doc, "С приказом ознакомлены:", align=LEFT, size=12)
    list_table(
        doc,
        ["Класс", "Классный руководитель", "Подпись", "Дата"],
        ["{{ ct.class_name }}", "{{ ct.teacher.full_name }}", "", ""],
        "ct in class_teachers",
        [20, 90, 40, 30],
    )
    return doc


def appoint_responsible() -> DocumentType:
    doc = new_doc(title="Приказ о назначении ответственных")
    requisites(doc)
    heading(doc, "О назначении ответственных за ведение\nэлектронного журнала")
    para(
        doc,
        "В целях организации ведения электронного классного журнала в {{ year.id }} учебном "
        "году и в соответствии с Положением об электронном классном журнале",
        indent=True,
        after=6,
    )
    para(doc, "ПРИКАЗЫВАЮ:", align=LEFT, after=6)
    numbered(
        doc,
        [
            'Назначить {{ "ответственным"|by_sex(administrator) }} за администрирование '
            "электронного журнала {{ administrator|acc }}, {{ administrator.position|acc }}.",
            'Назначить {{ "ответственным"|by_sex(deputy) }} за контроль ведения электронного '
            "журнала {{ deputy|acc }}, {{ deputy.position|acc }}.",
            "Назначить ответственными за ведение электронного журнала в классах классных "
            "руководителей согласно списку:",
        ],
    )
    list_table(
        doc,
        ["№", "Класс", "Классный руководитель", "Должность"],
        [
            "{{ loop.index }}",
            "{{ ct.class_name }}",
            "{{ ct.teacher.full_name }}",
            "{{ ct.teacher.position }}",
        ],
        "ct in class_teachers",
        [12, 20, 78, 70],
    )
    para(
        doc,
        "4. Ответственным лицам обеспечить конфиденциальность сведений, содержащихся в "
        "электронном журнале, и не передавать реквизиты доступа третьим лицам.",
        indent=True,
        before=6,
    )
    para(doc, "5. Приказ вступает в силу с {{ effective_date }}.", indent=True)
    signature(doc)
    return doc


def transfer() -> DocumentType:
    doc = new_doc(title="Приказ о переводе обучающихся")
    requisites(doc)
    heading(doc, "О переводе обучающихся в следующий класс")
    para(
        doc,
        "На основании части 2 статьи 30, статьи 58 Федерального закона от 29.12.2012 № 273-ФЗ "
        "«Об образовании в Российской Федерации» и решения педагогического совета "
        "(протокол от {{ council.date }} № {{ council.protocol }})",
        indent=True,
        after=6,
    )
    para(doc, "ПРИКАЗЫВАЮ:", align=LEFT, after=6)
    para(
        doc,
        "1. Перевести в следующий класс обучающихся, освоивших в полном объёме образовательную "
        "программу учебного года; условно перевести обучающихся, имеющих академическую "
        "задолженность, с ликвидацией задолженности в срок до {{ debt_deadline }}; оставить на "
        "повторное обучение обучающихся, не ликвидировавших академическую задолженность, — "
        "согласно спискам по классам.",
        indent=True,
        after=6,
    )
    tag(doc, "{%p for cls in classes %}")
    para(
        doc,
        "Класс {{ cls.class_name }} (классный руководитель {{ cls.teacher.full_name }})",
        bold=True,
        align=LEFT,
        before=6,
        after=4,
        keep=True,
    )
    tag(doc, "{%p if cls.promoted %}")
    para(doc, "Перевести в {{ cls.next_class_name }} класс:", align=LEFT, keep=True)
    list_table(
        doc,
        ["№", "Фамилия, имя, отчество", "Дата рождения"],
        ["{{ loop.index }}", "{{ s.full_name }}", "{{ s.birth_date }}"],
        "s in cls.promoted",
        [12, 120, 48],
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cls.conditionally %}")
    para(
        doc, "Перевести условно в {{ cls.next_class_name }} класс:", align=LEFT, before=4, keep=True
    )
    list_table(
        doc,
        ["№", "Фамилия, имя, отчество", "Академическая задолженность"],
        ["{{ loop.index }}", "{{ s.full_name }}", "{{ s.note }}"],
        "s in cls.conditionally",
        [12, 100, 68],
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cls.retained %}")
    para(
        doc,
        "Оставить на повторное обучение в {{ cls.class_name }} классе:",
        align=LEFT,
        before=4,
        keep=True,
    )
    list_table(
        doc,
        ["№", "Фамилия, имя, отчество", "Дата рождения"],
        ["{{ loop.index }}", "{{ s.full_name }}", "{{ s.birth_date }}"],
        "s in cls.retained",
        [12, 120, 48],
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cls.graduated %}")
    para(
        doc,
        "Считать окончившими обучение на уровне образования и отчислить в связи с "
        "получением образования:",
        align=LEFT,
        before=4,
        keep=True,
    )
    list_table(
        doc,
        ["№", "Фамилия, имя, отчество", "Дата рождения"],
        ["{{ loop.index }}", "{{ s.full_name }}", "{{ s.birth_date }}"],
        "s in cls.graduated",
        [12, 120, 48],
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    para(
        doc,
        'Итого: переведено {{ totals.promoted|plural("человек") }}, условно переведено '
        '{{ totals.conditionally|plural("человек") }}, оставлено на повторное обучение '
        '{{ totals.retained|plural("человек") }}, окончили обучение '
        '{{ totals.graduated|plural("человек") }}.',
        indent=True,
        before=6,
    )
    para(
        doc,
        "2. Классным руководителям внести сведения о переводе в личные дела обучающихся и "
        "довести приказ до сведения родителей (законных представителей).",
        indent=True,
    )
    para(
        doc,
        "3. Контроль исполнения приказа возложить на заместителя директора по "
        "учебно-воспитательной работе.",
        indent=True,
    )
    signature(doc)
    return doc


def movement() -> DocumentType:
    doc = new_doc(title="Приказ о движении обучающихся")
    requisites(doc)
    heading(doc, "О движении обучающихся\nза период с {{ period.start }} по {{ period.end }}")
    para(
        doc,
        "На основании заявлений родителей (законных представителей) и в соответствии со "
        "статьями 53–55, 61 Федерального закона от 29.12.2012 № 273-ФЗ «Об образовании в "
        "Российской Федерации»",
        indent=True,
        after=6,
    )
    para(doc, "ПРИКАЗЫВАЮ:", align=LEFT, after=6)
    tag(doc, "{%p if arrivals %}")
    para(doc, "1. Зачислить прибывших обучающихся:", indent=True, keep=True)
    list_table(
        doc,
        ["№", "Фамилия, имя, отчество", "Класс", "Дата", "Откуда прибыл"],
        [
            "{{ loop.index }}",
            "{{ a.student.full_name }}",
            "{{ a.class_name }}",
            "{{ a.date }}",
            "{{ a.counterpart }}",
        ],
        "a in arrivals",
        [10, 65, 17, 25, 63],
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if leavings %}")
    para(doc, "2. Отчислить выбывших обучающихся:", indent=True, before=6, keep=True)
    list_table(
        doc,
        ["№", "Фамилия, имя, отчество", "Класс", "Дата", "Куда выбыл, причина"],
        [
            "{{ loop.index }}",
            "{{ l.student.full_name }}",
            "{{ l.class_name }}",
            "{{ l.date }}",
            "{{ l.counterpart }}; {{ l.reason }}",
        ],
        "l in leavings",
        [10, 65, 17, 25, 63],
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if transfers %}")
    para(doc, "3. Перевести обучающихся в другие классы:", indent=True, before=6, keep=True)
    list_table(
        doc,
        ["№", "Фамилия, имя, отчество", "Из класса", "В класс", "Дата"],
        [
            "{{ loop.index }}",
            "{{ t.student.full_name }}",
            "{{ t.from_class }}",
            "{{ t.to_class }}",
            "{{ t.date }}",
        ],
        "t in transfers",
        [10, 80, 25, 25, 40],
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if not arrivals and not leavings and not transfers %}")
    para(doc, "За указанный период движения обучающихся не было.", indent=True)
    tag(doc, "{%p endif %}")
    para(
        doc,
        "Классным руководителям внести изменения в электронный журнал и алфавитную книгу "
        "записи обучающихся.",
        indent=True,
        before=6,
    )
    signature(doc)
    return doc


def _regulation_head(doc: DocumentType) -> None:
    para(doc, "{{ school.full_name }}", bold=True, align=CENTER, size=13, after=12)
    approval_stamp(doc)
    para(doc, "{{ document.kind_title }}", bold=True, align=CENTER, size=16)
    para(doc, "{{ document.title }}", bold=True, align=CENTER, after=6)
    para(doc, "{{ document.place }}", align=CENTER, after=12)


def regulation_journal() -> DocumentType:
    doc = new_doc(title="Положение об электронном журнале")
    _regulation_head(doc)
    sections = [
        (
            "1. Общие положения",
            [
                "1.1. Настоящее Положение устанавливает порядок ведения электронного классного журнала "
                "(далее — ЭЖ) в {{ school.short_name }} в соответствии с Федеральным законом от "
                "29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации» и Федеральным законом от "
                "27.07.2006 № 152-ФЗ «О персональных данных».",
                "1.2. ЭЖ является документом индивидуального учёта результатов освоения обучающимися "
                "образовательных программ; ведение ЭЖ обязательно для каждого учителя и классного "
                "руководителя.",
            ],
        ),
        (
            "2. Ответственные лица",
            [
                "2.1. Администратор ЭЖ — {{ administrator.full_name }} ({{ administrator.position }}) "
                "— обеспечивает работу ЭЖ, права доступа и резервное копирование.",
                "2.2. Контроль ведения ЭЖ осуществляет {{ deputy.full_name }} ({{ deputy.position }}).",
                "2.3. Классные руководители отвечают за списки классов и сведения об обучающихся.",
                "2.4. Учителя заполняют ЭЖ в сроки Регламента ведения ЭЖ: отметки за урок "
                "выставляются {{ deadlines.marks }}; домашнее задание вносится "
                "{{ deadlines.homework }}; отметки за письменные работы выставляются "
                "{{ deadlines.written }}, за контрольные работы — {{ deadlines.tests }}.",
            ],
        ),
        (
            "3. Хранение и выгрузка",
            [
                "3.1. Резервное копирование базы данных ЭЖ выполняется {{ backup_period }}.",
                "3.2. Выгрузка ЭЖ на бумажный носитель выполняется {{ printout_period }}; выгрузка "
                "заверяется подписью директора и печатью или электронной подписью.",
                "3.3. Сводные ведомости итоговых отметок хранятся 25 лет, выгрузки журналов — 5 лет.",
            ],
        ),
        (
            "4. Заключительные положения",
            [
                "4.1. Положение вступает в силу с {{ effective_date }} и действует до замены новым.",
            ],
        ),
    ]
    for title, items in sections:
        para(doc, title, bold=True, align=CENTER, before=6, after=6, keep=True)
        for text in items:
            para(doc, text, indent=True)
    signature(doc)
    return doc


def rules_journal() -> DocumentType:
    doc = new_doc(title="Регламент ведения электронного журнала")
    _regulation_head(doc)
    para(doc, "1. Сроки заполнения", bold=True, align=CENTER, before=6, after=6, keep=True)
    for text in (
        "1.1. Отметки за устные ответы и работу на уроке выставляются {{ deadlines.marks }}.",
        "1.2. Домашнее задание вносится {{ deadlines.homework }}.",
        "1.3. Отметки за письменные работы выставляются {{ deadlines.written }}, за контрольные "
        "работы — {{ deadlines.tests }}.",
    ):
        para(doc, text, indent=True)
    para(
        doc,
        "2. Учебные периоды {{ year.id }} учебного года",
        bold=True,
        align=CENTER,
        before=6,
        after=6,
        keep=True,
    )
    list_table(
        doc,
        ["Период", "Начало", "Окончание"],
        ["{{ p.name }}", "{{ p.start }}", "{{ p.end }}"],
        "p in periods",
        [80, 50, 50],
    )
    para(doc, "3. Контроль", bold=True, align=CENTER, before=6, after=6, keep=True)
    para(
        doc,
        "3.1. Ежемесячно {{ deputy.full_name }} проверяет накопляемость отметок, "
        "своевременность заполнения и посещаемость; администратор ЭЖ "
        "{{ administrator.full_name }} обеспечивает выгрузки и резервные копии.",
        indent=True,
    )
    signature(doc)
    return doc


def _form_head(doc: DocumentType) -> None:
    tag(doc, "{%p for form in forms %}")
    # Every form after the first starts on a new page (page break before, so no blank pages).
    tag(doc, "{%p if loop.first %}")
    p = para(doc, "Директору {{ school.short_name }}", align=LEFT, size=12)
    p.paragraph_format.left_indent = Mm(95)
    tag(doc, "{%p else %}")
    p = para(doc, "Директору {{ school.short_name }}", align=LEFT, size=12)
    p.paragraph_format.left_indent = Mm(95)
    p.paragraph_format.page_break_before = True
    tag(doc, "{%p endif %}")
    p = para(doc, "от {{ form.guardian|gen }},", align=LEFT, size=12)
    p.paragraph_format.left_indent = Mm(95)
    p = para(doc, "законного представителя обучающегося", align=LEFT, size=12, after=12)
    p.paragraph_format.left_indent = Mm(95)


def _form_tail(doc: DocumentType) -> None:
    table = doc.add_table(rows=2, cols=3)
    borderless(table)
    widths(table, [60, 60, 60])
    cell_text(table.cell(0, 0), "{{ form.date }}", size=12)
    cell_text(table.cell(0, 1), "______________", align=CENTER, size=12)
    cell_text(table.cell(0, 2), "{{ form.guardian.initials_first }}", align=RIGHT, size=12)
    cell_text(table.cell(1, 1), "(подпись)", align=CENTER, size=8)
    # The footer carries the document id; the form ends with the signature so it fits one page.
    tag(doc, "{%p endfor %}")


def consent_pd() -> DocumentType:
    doc = new_doc(size=12, title="Согласие на обработку персональных данных")
    _form_head(doc)
    para(doc, "СОГЛАСИЕ", bold=True, align=CENTER, size=13)
    para(
        doc,
        "законного представителя на обработку персональных данных обучающегося",
        bold=True,
        align=CENTER,
        size=12,
        after=8,
    )
    items = [
        "Я, {{ form.guardian.full_name }}, {{ form.guardian.document.text }}, "
        '{{ "проживающий"|by_sex(form.guardian) }} по адресу: {{ form.guardian.address }}, '
        "телефон {{ form.guardian.phone }}, являясь законным представителем "
        "({{ form.guardian.basis }}) несовершеннолетнего обучающегося "
        "{{ form.student|gen }}, {{ form.student.birth_date }} г. р., "
        "{{ form.student.document.text }}, проживающего по адресу: {{ form.student.address }}, "
        "обучающегося {{ form.student.class_name }} класса,",
        "в соответствии со статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных "
        "данных» свободно, своей волей и в интересах обучающегося даю согласие оператору — "
        "{{ school.full_name }}, адрес: {{ school.address }}, ИНН {{ school.inn }}, ОГРН "
        "{{ school.ogrn }} — на обработку персональных данных обучающегося и моих персональных "
        "данных на следующих условиях.",
    ]
    for text in items:
        para(doc, text, indent=True, size=12)
    para(doc, "1. Цели обработки:", bold=True, align=LEFT, size=12, before=4)
    tag(doc, "{%p for purpose in purposes %}")
    para(doc, "— {{ purpose }};", indent=True, size=12)
    tag(doc, "{%p endfor %}")
    para(
        doc,
        "2. Перечень персональных данных, на обработку которых даётся согласие:",
        bold=True,
        align=LEFT,
        size=12,
        before=4,
    )
    tag(doc, "{%p for item in data_items %}")
    para(doc, "— {{ item }};", indent=True, size=12)
    tag(doc, "{%p endfor %}")
    para(
        doc,
        "3. Перечень действий с персональными данными: {{ actions }}. Способы обработки: "
        "{{ methods }}.",
        indent=True,
        size=12,
        before=4,
    )
    para(
        doc,
        "4. Передача третьим лицам: {% for t in third_parties %}{{ t }}{% if not loop.last %}; "
        "{% endif %}{% endfor %}.",
        indent=True,
        size=12,
    )
    para(doc, "5. Срок действия согласия: {{ validity }}.", indent=True, size=12)
    para(doc, "6. Порядок отзыва: {{ withdrawal }}.", indent=True, size=12)
    para(
        doc,
        "7. Полномочия законного представителя подтверждаю: {{ form.guardian.basis }}.",
        indent=True,
        size=12,
        after=12,
    )
    _form_tail(doc)
    return doc


def application_edelivery() -> DocumentType:
    doc = new_doc(size=12, title="Заявление об электронной форме информирования")
    _form_head(doc)
    para(doc, "ЗАЯВЛЕНИЕ", bold=True, align=CENTER, size=13, after=8)
    para(
        doc,
        "Прошу предоставлять мне информацию о текущей успеваемости, посещаемости и "
        "результатах промежуточной аттестации моего ребёнка {{ form.student|gen }}, "
        "обучающегося {{ form.student.class_name }} класса, в электронной форме через "
        "{{ service_name }}.",
        indent=True,
        size=12,
    )
    para(doc, "Контактные данные для доступа и уведомлений:", indent=True, size=12, before=4)
    para(doc, "телефон: {{ form.guardian.phone }};", indent=True, size=12)
    para(doc, "адрес электронной почты: {{ form.guardian.email }}.", indent=True, size=12)
    para(
        doc,
        'Я {{ "уведомлен"|by_sex(form.guardian) }}, что могу в любой момент отказаться '
        "от электронной формы "
        "информирования письменным заявлением; в этом случае сведения будут выдаваться на "
        "бумажном носителе (выписка из электронного журнала).",
        indent=True,
        size=12,
        after=12,
    )
    _form_tail(doc)
    return doc


def refusal_letter() -> DocumentType:
    doc = new_doc(title="Письмо в орган опеки об отказе от согласия")
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    widths(table, [95, 85])
    left = table.cell(0, 0)
    for text, bold in (
        ("{{ school.full_name }}", True),
        ("{{ school.address }}", False),
        ("тел. {{ school.phone }}, {{ school.email }}", False),
        ("ОГРН {{ school.ogrn }}, ИНН {{ school.inn }}", False),
        ("{{ document.date }} № {{ document.number }}", False),
    ):
        p = left.add_paragraph() if left.paragraphs[0].text else left.paragraphs[0]
        run = p.add_run(text)
        run.bold, run.font.size = bold, Pt(11)
    right = table.cell(0, 1)
    cell_text(right, "{{ authority.name }}", size=14)
    right.add_paragraph().add_run("{{ authority.address }}").font.size = Pt(12)
    para(doc, "", after=12)
    heading(doc, "Об отказе законного представителя\n{{ refusal.heading }}")
    para(
        doc,
        "{{ school.short_name }} сообщает, что {{ refusal_date }} законный представитель "
        "({{ guardian.relation }}) обучающегося {{ student.class_name }} класса "
        "{{ student|gen }}, {{ student.birth_date }} г. р., — {{ guardian.full_name }} — "
        '{{ "отказался"|by_sex(guardian) }} {{ refusal.action }}.',
        indent=True,
    )
    para(doc, "В связи с отказом:", indent=True)
    tag(doc, "{%p for c in consequences %}")
    para(doc, "— {{ c }};", indent=True)
    tag(doc, "{%p endfor %}")
    para(
        doc,
        "Просим рассмотреть ситуацию в пределах компетенции органа опеки и попечительства "
        "в целях защиты прав и законных интересов несовершеннолетнего.",
        indent=True,
    )
    para(doc, "Классный руководитель: {{ class_teacher.full_name }}.", indent=True, before=6)
    signature(doc)
    return doc


def layout(kind: OrderKind) -> Callable[[], DocumentType]:
    """The function that lays out ``kind``'s template; a kind without one is an error."""
    make = globals().get(kind.module_name)
    if make is None:
        raise LookupError(
            f"no template layout for the order kind {kind.id!r}: add {kind.module_name}()"
        )
    return cast(Callable[[], DocumentType], make)


def _normalised_zip(data: bytes) -> bytes:
    """The same package with fixed timestamps, so rebuilding gives byte-identical files."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 11, 24, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def build(out_dir: Path = HERE) -> list[Path]:
    """Write every template into ``out_dir``; return the paths."""
    written = []
    for kind in KINDS.values():
        path = out_dir / kind.template
        doc = layout(kind)()
        doc.core_properties.revision = 1
        doc.core_properties.created = doc.core_properties.modified = FIXED_TIME
        buffer = io.BytesIO()
        doc.save(buffer)
        path.write_bytes(_normalised_zip(buffer.getvalue()))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written_path)
