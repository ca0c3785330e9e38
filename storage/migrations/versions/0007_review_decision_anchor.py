"""where a review decision's person is printed

``review_decisions.anchor``: the role and the page and box of the person decided on (JSON), so that a decision
follows its person when a re-extraction lists the persons of a document in another order
(``workers.anchors``). Nullable: decisions made before keep applying by position.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anchor", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.drop_column("anchor")
