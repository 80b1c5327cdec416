"""Row tables get composite primary keys (no surrogate ids): drop and recreate them.

The row tables only repeat what each snapshot's compressed canonical JSON holds, so existing
catalogs lose nothing: ``rebuild_rows`` fills the new tables again from it.
"""

import zlib

import django.db.models.deletion
from django.db import migrations, models

ROW_MODELS = (
    "SnapshotAttendance",
    "SnapshotLesson",
    "SnapshotMark",
    "SnapshotPeriodMark",
    "SnapshotStudent",
)


def rebuild_rows(apps, schema_editor):
    from service.journal.canonical import snapshot_from_bytes
    from service.journal.rows import write_rows

    for row in apps.get_model("journal", "Snapshot").objects.all().iterator():
        snapshot = snapshot_from_bytes(zlib.decompress(bytes(row.canonical_json)))
        write_rows(row.pk, snapshot)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [
        *[migrations.DeleteModel(name=name) for name in ROW_MODELS],
        migrations.CreateModel(
            name="SnapshotAttendance",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "snapshot",
                        "student_id",
                        "lesson_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("lesson_id", models.CharField(max_length=200)),
                ("student_id", models.CharField(max_length=200)),
                ("class_id", models.CharField(max_length=200)),
                ("subject_id", models.CharField(max_length=200)),
                ("period_id", models.CharField(max_length=200, null=True)),
                ("date", models.DateField()),
                ("code", models.CharField(max_length=1)),
                (
                    "snapshot",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance_rows",
                        to="journal.snapshot",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SnapshotLesson",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "snapshot",
                        "lesson_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("lesson_id", models.CharField(max_length=200)),
                ("date", models.DateField()),
                ("number", models.SmallIntegerField()),
                ("class_id", models.CharField(max_length=200)),
                ("subject_id", models.CharField(max_length=200)),
                ("group_id", models.CharField(max_length=200, null=True)),
                ("teacher_id", models.CharField(max_length=200)),
                ("period_id", models.CharField(max_length=200, null=True)),
                ("work_type", models.CharField(max_length=20)),
                (
                    "snapshot",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lesson_rows",
                        to="journal.snapshot",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SnapshotMark",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "snapshot",
                        "student_id",
                        "subject_id",
                        "mark_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("mark_id", models.CharField(max_length=200)),
                ("lesson_id", models.CharField(max_length=200)),
                ("student_id", models.CharField(max_length=200)),
                ("class_id", models.CharField(max_length=200)),
                ("subject_id", models.CharField(max_length=200)),
                ("period_id", models.CharField(max_length=200, null=True)),
                ("date", models.DateField()),
                ("value", models.CharField(max_length=2)),
                ("work_type", models.CharField(max_length=20)),
                ("entered_at", models.DateTimeField(null=True)),
                (
                    "snapshot",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mark_rows",
                        to="journal.snapshot",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SnapshotPeriodMark",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "snapshot",
                        "student_id",
                        "subject_id",
                        "period_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("student_id", models.CharField(max_length=200)),
                ("subject_id", models.CharField(max_length=200)),
                ("period_id", models.CharField(max_length=200)),
                ("value", models.CharField(max_length=10)),
                (
                    "snapshot",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="period_mark_rows",
                        to="journal.snapshot",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SnapshotStudent",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "snapshot",
                        "student_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("student_id", models.CharField(max_length=200)),
                ("class_id", models.CharField(max_length=200)),
                ("last_name", models.CharField(max_length=200)),
                ("first_name", models.CharField(max_length=200)),
                ("middle_name", models.CharField(blank=True, max_length=200)),
                ("enrolled_on", models.DateField(null=True)),
                ("left_on", models.DateField(null=True)),
                (
                    "snapshot",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="student_rows",
                        to="journal.snapshot",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="snapshotattendance",
            index=models.Index(
                fields=["snapshot", "class_id", "subject_id", "period_id"],
                name="journal_attendance_grid",
            ),
        ),
        migrations.AddIndex(
            model_name="snapshotlesson",
            index=models.Index(
                fields=["snapshot", "class_id", "subject_id", "period_id", "date"],
                name="journal_lesson_grid",
            ),
        ),
        migrations.AddIndex(
            model_name="snapshotmark",
            index=models.Index(
                fields=["snapshot", "class_id", "subject_id", "period_id"], name="journal_mark_grid"
            ),
        ),
        migrations.AddIndex(
            model_name="snapshotperiodmark",
            index=models.Index(
                fields=["snapshot", "subject_id", "period_id"], name="journal_pmark_subject"
            ),
        ),
        migrations.AddIndex(
            model_name="snapshotstudent",
            index=models.Index(fields=["snapshot", "class_id"], name="journal_student_class"),
        ),
        migrations.RunPython(rebuild_rows, migrations.RunPython.noop),
    ]
