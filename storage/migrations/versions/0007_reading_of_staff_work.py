"""reading of staff work

``review_decisions`` and ``field_corrections`` keep the reading a decision or correction was made on (a digest of
the document's persons, ``workers.reapply.reading_of``): work a record does not show is placed by its position
only when that record lists the persons it was made on.

Revision ID: 0007
Revises: '0006'
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("review_decisions", "field_corrections")


def upgrade() -> None:
    # Only where it is missing, like the baseline: an index adopted from ``create_all`` may have it already.
    inspector = sa.inspect(op.get_bind())
    for table in TABLES:
        if "reading" not in {c["name"] for c in inspector.get_columns(table)}:
            op.add_column(table, sa.Column("reading", sa.String(16), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("reading")
