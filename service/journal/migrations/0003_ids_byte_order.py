"""On PostgreSQL, compare the source system's ids byte-wise (COLLATE "C").

Ids are opaque; ordering them by a linguistic collation (``ru_RU.UTF-8``, even ``C.UTF-8`` on
PostgreSQL 15) costs a ``strcoll`` per comparison, and the row tables' keys are made of ids.
Names keep the database's collation. Other databases are left as they are.
"""

from django.db import migrations

ID_COLUMNS = {
    "journal_snapshotstudent": ("student_id", "class_id"),
    "journal_snapshotlesson": (
        "lesson_id",
        "class_id",
        "subject_id",
        "group_id",
        "teacher_id",
        "period_id",
    ),
    "journal_snapshotmark": (
        "mark_id",
        "lesson_id",
        "student_id",
        "class_id",
        "subject_id",
        "period_id",
    ),
    "journal_snapshotattendance": (
        "lesson_id",
        "student_id",
        "class_id",
        "subject_id",
        "period_id",
    ),
    "journal_snapshotperiodmark": ("student_id", "subject_id", "period_id"),
}


def ids_byte_order(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table, columns in ID_COLUMNS.items():
        changes = ", ".join(
            f'ALTER COLUMN {quote(c)} TYPE varchar(200) COLLATE "C"' for c in columns
        )
        schema_editor.execute(f"ALTER TABLE {quote(table)} {changes}")


class Migration(migrations.Migration):
    dependencies = [("journal", "0002_row_tables_composite_keys")]

    operations = [migrations.RunPython(ids_byte_order, migrations.RunPython.noop, elidable=False)]
