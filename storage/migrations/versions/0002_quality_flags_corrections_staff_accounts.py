"""quality flags, corrections, staff accounts (issue 7): page_flags (rows of the records' pages[].quality),
field_corrections with the append-only field_correction_log, staff_users and login_throttle.

Revision ID: 0002
Revises: '0001'
Create Date: 2026-12-04 01:01:14.179375
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('field_correction_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('doc_id', sa.String(length=40), nullable=False),
    sa.Column('person_idx', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('field_correction_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_correction_log_corrected_at'), ['corrected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_correction_log_doc_id'), ['doc_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_correction_log_user'), ['user'], unique=False)

    op.create_table('field_corrections',
    sa.Column('doc_id', sa.String(length=40), nullable=False),
    sa.Column('person_idx', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('doc_id', 'person_idx', 'field')
    )
    op.create_table('login_throttle',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('staff_users',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('page_flags',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('doc_id', sa.String(length=40), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.doc_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('page_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_flags_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_flags_doc_id'), ['doc_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('page_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_flags_doc_id'))
        batch_op.drop_index(batch_op.f('ix_page_flags_code'))

    op.drop_table('page_flags')
    op.drop_table('staff_users')
    op.drop_table('login_throttle')
    op.drop_table('field_corrections')
    with op.batch_alter_table('field_correction_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_correction_log_user'))
        batch_op.drop_index(batch_op.f('ix_field_correction_log_doc_id'))
        batch_op.drop_index(batch_op.f('ix_field_correction_log_corrected_at'))

    op.drop_table('field_correction_log')
