"""Russian names: surnames, first names and patronymics with gender agreement."""

from __future__ import annotations

import random

# Male surnames (the female form is derived by :func:`surname_for`).
SURNAMES: tuple[str, ...] = (
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышёв",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
    "Филатов",
    "Пономарёв",
    "Голубев",
    "Кудрявцев",
    "Прохоров",
    "Наумов",
    "Потапов",
    "Журавлёв",
    "Овчинников",
    "Трофимов",
    "Леонов",
    "Соболев",
    "Ермаков",
    "Колесников",
    "Гончаров",
    "Емельянов",
    "Никифоров",
    "Грачёв",
    "Котов",
    "Гришин",
    "Ефремов",
    "Архипов",
    "Громов",
    "Кириллов",
    "Малышев",
    "Панов",
    "Моисеев",
    "Румянцев",
    "Акимов",
    "Кондратьев",
    "Бирюков",
    "Горбунов",
    "Анисимов",
    "Ерёмин",
    "Тихомиров",
    "Галкин",
    "Лукьянов",
    "Михеев",
    "Скворцов",
    "Юдин",
    "Белоусов",
    "Нестеров",
    "Симонов",
    "Прокофьев",
    "Харитонов",
    "Князев",
    "Цветков",
    "Левин",
    "Митрофанов",
    "Воронцов",
    "Аксёнов",
    "Софронов",
    "Мальцев",
    "Логинов",
    "Горшков",
    "Савин",
    "Краснов",
    "Майоров",
    # -ский / -цкий / -ой: adjectival surnames
    "Вишневский",
    "Покровский",
    "Троицкий",
    "Ковальский",
    "Успенский",
    "Дубровский",
    "Островский",
    "Рождественский",
    "Высоцкий",
    "Луговской",
    "Толстой",
    "Донской",
    "Полевой",
    # Surnames that do not change with sex
    "Белых",
    "Черных",
    "Долгих",
    "Седых",
    "Кручёных",
    "Шевченко",
    "Бондаренко",
    "Ткаченко",
    "Коваленко",
    "Ковальчук",
    "Полищук",
    "Мартынюк",
    "Гурко",
    "Лысенко",
    "Дурново",
)

MALE_FIRST_NAMES: tuple[str, ...] = (
    "Александр",
    "Алексей",
    "Андрей",
    "Антон",
    "Артём",
    "Борис",
    "Вадим",
    "Валерий",
    "Василий",
    "Виктор",
    "Виталий",
    "Владимир",
    "Владислав",
    "Вячеслав",
    "Геннадий",
    "Георгий",
    "Глеб",
    "Григорий",
    "Даниил",
    "Денис",
    "Дмитрий",
    "Евгений",
    "Егор",
    "Иван",
    "Игорь",
    "Илья",
    "Кирилл",
    "Константин",
    "Лев",
    "Леонид",
    "Максим",
    "Марк",
    "Матвей",
    "Михаил",
    "Никита",
    "Николай",
    "Олег",
    "Павел",
    "Пётр",
    "Роман",
    "Руслан",
    "Сергей",
    "Станислав",
    "Степан",
    "Тимофей",
    "Фёдор",
    "Юрий",
    "Ярослав",
    "Семён",
    "Анатолий",
    "Кузьма",
    "Фома",
    "Аркадий",
    "Захар",
    "Тимур",
    "Арсений",
    "Богдан",
    "Макар",
)

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Александра",
    "Алина",
    "Алиса",
    "Анастасия",
    "Ангелина",
    "Анна",
    "Арина",
    "Валентина",
    "Валерия",
    "Варвара",
    "Вера",
    "Вероника",
    "Виктория",
    "Галина",
    "Дарья",
    "Диана",
    "Ева",
    "Евгения",
    "Екатерина",
    "Елена",
    "Елизавета",
    "Злата",
    "Ирина",
    "Карина",
    "Кира",
    "Ксения",
    "Лариса",
    "Любовь",
    "Людмила",
    "Маргарита",
    "Марина",
    "Мария",
    "Милана",
    "Надежда",
    "Наталья",
    "Нина",
    "Ольга",
    "Полина",
    "Светлана",
    "София",
    "Таисия",
    "Татьяна",
    "Ульяна",
    "Юлия",
    "Яна",
    "Василиса",
    "Оксана",
    "Эвелина",
    "Майя",
)

# Patronymics that do not follow the simple rules: name → (male, female).
_PATRONYMIC_EXCEPTIONS: dict[str, tuple[str, str]] = {
    "Илья": ("Ильич", "Ильинична"),
    "Никита": ("Никитич", "Никитична"),
    "Кузьма": ("Кузьмич", "Кузьминична"),
    "Фома": ("Фомич", "Фоминична"),
    "Лев": ("Львович", "Львовна"),
    "Павел": ("Павлович", "Павловна"),
    "Пётр": ("Петрович", "Петровна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
    "Георгий": ("Георгиевич", "Георгиевна"),
    "Игорь": ("Игоревич", "Игоревна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Даниил": ("Даниилович", "Данииловна"),
    "Семён": ("Семёнович", "Семёновна"),
    "Фёдор": ("Фёдорович", "Фёдоровна"),
    "Артём": ("Артёмович", "Артёмовна"),
    "Макар": ("Макарович", "Макаровна"),
}

_INVARIABLE_ENDINGS = ("ых", "их", "ко", "ук", "юк", "во", "аго", "яго", "дзе", "швили")


def patronymic(father_name: str, male: bool) -> str:
    """The patronymic (отчество) derived from the father's first name, in the child's gender."""
    if father_name in _PATRONYMIC_EXCEPTIONS:
        male_form, female_form = _PATRONYMIC_EXCEPTIONS[father_name]
        return male_form if male else female_form
    if father_name.endswith("ий"):
        # Consonant + «ий»: Василий → Васильевич, Геннадий → Геннадьевич, Анатолий → Анатольевич.
        stem = father_name[:-2] + "ь"
    elif father_name.endswith("й"):
        # Сергей → Сергеевич, Николай → Николаевич, Андрей → Андреевич, Матвей → Матвеевич.
        stem = father_name[:-1]
    elif father_name.endswith("ь"):
        stem = father_name[:-1]
    else:
        # Александр → Александрович, Иван → Иванович, Глеб → Глебович.
        return father_name + ("ович" if male else "овна")
    return stem + ("евич" if male else "евна")


def surname_for(male_surname: str, male: bool) -> str:
    """The surname in the given gender: Иванов → Иванова, Вишневский → Вишневская, Белых → Белых."""
    if male:
        return male_surname
    if male_surname.endswith(_INVARIABLE_ENDINGS):
        return male_surname
    if male_surname.endswith(("ский", "цкий")):
        return male_surname[:-2] + "ая"
    if male_surname.endswith(("ой", "ый")):
        return male_surname[:-2] + "ая"
    if male_surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return male_surname + "а"
    return male_surname


def is_female_patronymic(middle_name: str) -> bool:
    """Whether a patronymic is of the female form («…вна», «…чна»)."""
    return middle_name.endswith(("вна", "чна"))


def is_male_patronymic(middle_name: str) -> bool:
    """Whether a patronymic is of the male form («…вич», «…ич»)."""
    return middle_name.endswith("ич")


def surname_agrees(last_name: str, male: bool) -> bool:
    """Whether a surname has the gender form expected for a person of this sex."""
    base = male_form_of(last_name)
    return surname_for(base, male) == last_name


def male_form_of(last_name: str) -> str:
    """The male form of a surname from this module's list (for checking agreement)."""
    if last_name in _SURNAME_SET:
        return last_name
    for male in SURNAMES:
        if surname_for(male, False) == last_name:
            return male
    return last_name


_SURNAME_SET = frozenset(SURNAMES)


def pick_first_name(rng: random.Random, male: bool) -> str:
    """A random first name for the sex."""
    return rng.choice(MALE_FIRST_NAMES if male else FEMALE_FIRST_NAMES)


def pick_surname(rng: random.Random) -> str:
    """A random surname in its male form."""
    return rng.choice(SURNAMES)


# Latin transliteration for e-mail addresses (ГОСТ 7.79-2000 system B, simplified).
_TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}


def translit(text: str) -> str:
    """Lower-case Latin transliteration of a Russian word."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
