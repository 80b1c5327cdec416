"""Every page each role can reach, on a 390 px phone: Russian words only, no sideways scrolling.

The crawl starts at the home page and follows links within the site (PDF downloads, JSON and
logout left out), at most ``MAX_PAGES`` pages per role and ``PER_SECTION`` of one section. On
each page it fails on a Latin word in the visible text (ids, hashes and file names are shown in
``<code>`` and are data, not words; ``ALLOWED`` lists the few technical names a person reads as
they are), on an English error page, on a server error, and on a page wider than the screen.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urldefrag, urlparse

import pytest

from tests.fixtures.web import screenshot

# Transactional: with IMMEDIATE SQLite transactions a test wrapped in one would hold the write
# lock for its whole run and the server process could not log anyone in.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PASSWORD = "пароль-обхода-страниц"
MAX_PAGES = 18
PER_SECTION = 4  # pages of one section (/classes/…): a few of each kind, not all 11 classes
PHONE = {"width": 390, "height": 844}

# Technical names printed as they are (formats, standards); everything else must be Russian.
ALLOWED = {"PDF", "PAdES", "SHA", "PIN", "JSON", "XLSX", "CSV", "DOCX", "JPEG", "PNG", "OneRoster"}
ALLOWED |= {"B-B", "B-T", "B-LT", "B-LTA", "VD"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")
ENGLISH_ERRORS = ("Not Found", "Server Error", "Forbidden", "Bad Request", "Page not found")
SKIP = re.compile(r"\.(pdf|json|docx|png|jpe?g)(\?|$)|/logout/|/retry$|/sign$")

ROLES = {
    "director": "director",
    "deputy": "deputy_director",
    "admin": "journal_admin",
    "secretary": "secretary",
    "classteacher": "class_teacher",
    "teacher": "teacher",
    "pdofficer": "pd_officer",
}

VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('code, pre, script, style, [hidden], .data').forEach(e => e.remove());
  document.body.appendChild(copy);
  copy.style.position = 'absolute'; copy.style.left = '-99999px';
  const text = copy.innerText;
  copy.remove();
  return text;
}"""

PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def crawl_users(imported_school: object) -> dict[str, str]:
    """One committed user per role, an archived statement and a finished job to show."""
    from service.accounts.roles import Role
    from service.accounts.users import create_user
    from service.archive.wiring import get_archive
    from service.jobs.progress import PlannedItem, create_job
    from service.web.statements import student_statement
    from storage.archive import DocumentMetadata

    snapshot = imported_school
    school = snapshot.school.id
    school_class = next(c for c in snapshot.classes if c.grade >= 2 and c.teacher_id)
    leaders = {c.teacher_id for c in snapshot.classes}
    teacher_id = next(a.teacher_id for a in snapshot.assignments if a.teacher_id not in leaders)
    staff = {"classteacher": school_class.teacher_id, "teacher": teacher_id}
    staff["director"] = snapshot.school.director_id
    tag = uuid.uuid4().hex[:6]
    users = {}
    for short, role in ROLES.items():
        name = f"crawl-{short}-{tag}"
        create_user(
            name,
            school,
            [Role(role)],
            password=PASSWORD,
            staff_id=staff.get(short, ""),
            full_name="Проверяющий",
        )
        users[short] = name
    student = next(s for s in snapshot.students_of_class[school_class.id] if not s.left_on)
    get_archive().archive(
        student_statement(snapshot, student.id, "Q1"),
        DocumentMetadata(
            f"VD-CRWL-{tag[:4].upper()}-0001",
            school=school,
            year=snapshot.year.id,
            class_id=school_class.id,
            period="Q1",
            extra={"student": student.id},
        ),
        "parent-statement",
    )
    create_job(school, "period-render", [PlannedItem("crawl-item", "", {})])
    return users


# Data, not words: file paths and configuration variable names quoted in a message.
DATA_TOKENS = re.compile(r"\S*/\S*|\bVEDOMOST_[A-Z0-9_]+")


def _latin_words(text: str) -> list[str]:
    words = LATIN_WORD.findall(DATA_TOKENS.sub(" ", text))
    return sorted({w for w in words if w not in ALLOWED})


def _crawl(browser: object, live_url: str, username: str) -> list[str]:
    """Visit every page reachable from home (bounded); the problems found, one line each."""
    context = browser.new_context(locale="ru-RU", viewport=PHONE)  # type: ignore[attr-defined]
    problems: list[str] = []
    try:
        page = context.new_page()
        page.goto(live_url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        host = urlparse(live_url).netloc
        queue, seen = [live_url + "/"], set()
        per_section: dict[str, int] = {}
        while queue and len(seen) < MAX_PAGES:
            url = queue.pop(0)
            section = urlparse(url).path.strip("/").split("/")[0]
            if url in seen or per_section.get(section, 0) >= PER_SECTION:
                continue
            seen.add(url)
            per_section[section] = per_section.get(section, 0) + 1
            response = page.goto(url)
            status = response.status if response is not None else 0
            path = urlparse(url).path + (f"?{urlparse(url).query}" if urlparse(url).query else "")
            if status >= 500:
                problems.append(f"{path}: ошибка сервера {status}")
                continue
            text = page.evaluate(VISIBLE_TEXT)
            english = [e for e in ENGLISH_ERRORS if e in text]
            if english:
                problems.append(f"{path}: английская страница ошибки ({english[0]})")
            if words := _latin_words(text):
                at = text.find(words[0])
                context_text = " ".join(text[max(0, at - 40) : at + 40].split())
                problems.append(
                    f"{path}: латиница в тексте: {', '.join(words[:10])} («{context_text}»)"
                )
            if "director" in username and len(seen) <= 8:  # a phone-sized picture of each page
                screenshot(page, f"phone-{len(seen):02d}-{section or 'home'}")
            width, screen = page.evaluate(PAGE_WIDTH)
            if width > screen + 1:
                problems.append(f"{path}: ширина {width} px при экране {screen} px")
                screenshot(page, f"wide-{username}-{len(seen)}")
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                link = urldefrag(href)[0]
                if urlparse(link).netloc == host and not SKIP.search(link) and link not in seen:
                    queue.append(link)
        if len(seen) < 2:
            problems.append("с главной страницы не ведёт ни одна ссылка")
    finally:
        context.close()
    return problems


def test_every_reachable_page_is_russian_and_fits_a_phone(
    live_url: str, browser: object, crawl_users: dict[str, str]
) -> None:
    """GIVEN a user of each role WHEN every page reachable from home is opened at 390 px
    THEN no Latin words, no English error pages and no horizontal page scroll."""
    problems = [
        f"{role}: {problem}"
        for role, username in crawl_users.items()
        for problem in _crawl(browser, live_url, username)
    ]
    assert not problems, "\n".join(problems)
