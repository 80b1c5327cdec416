"""The row tables' link to their snapshot loses its database constraint (see ``models.py``).

The rows are written only by ``rows.write_rows`` in the transaction that creates their snapshot,
and snapshots are never deleted; the constraint's per-row check, deferred to commit, cost about a
third of PostgreSQL's CPU in a first import of a full year. On SQLite the tables are rebuilt.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0003_ids_byte_order"),
    ]

    operations = [
        migrations.AlterField(
            model_name="snapshotattendance",
            name="snapshot",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attendance_rows",
                to="journal.snapshot",
            ),
        ),
        migrations.AlterField(
            model_name="snapshotlesson",
            name="snapshot",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lesson_rows",
                to="journal.snapshot",
            ),
        ),
        migrations.AlterField(
            model_name="snapshotmark",
            name="snapshot",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="mark_rows",
                to="journal.snapshot",
            ),
        ),
        migrations.AlterField(
            model_name="snapshotperiodmark",
            name="snapshot",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="period_mark_rows",
                to="journal.snapshot",
            ),
        ),
        migrations.AlterField(
            model_name="snapshotstudent",
            name="snapshot",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="student_rows",
                to="journal.snapshot",
            ),
        ),
    ]
