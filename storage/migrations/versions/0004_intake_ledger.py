"""The intake ledger: documents handed to the rq queue and their state (queued, processing, recorded).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

A new table only (``storage/intake.py``); nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake",
        sa.Column("doc_id", sa.String(length=40), nullable=False),
        sa.Column("batch", sa.String(length=200), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("doc_id"),
        if_not_exists=True,
    )
    for column in ("batch", "source_sha256", "state"):
        op.create_index(f"ix_intake_{column}", "intake", [column], unique=False, if_not_exists=True)


def downgrade() -> None:
    for column in ("state", "source_sha256", "batch"):
        op.drop_index(f"ix_intake_{column}", table_name="intake")
    op.drop_table("intake")
