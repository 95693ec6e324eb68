"""reports: the one-time key of the form that posted each one (audit F-16)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # Reports posted before have no key: NULLs never collide in a unique index. A column and
    # an index only, so SQLite's batch mode alters the table in place: copying it would drop
    # and re-create ``reports``, and its files, co-authors and comments cascade with a drop.
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('creation_key', sa.String(length=36), nullable=True))
        batch_op.create_index('ix_reports_creation_key', ['created_by_id', 'creation_key'], unique=True)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_creation_key')
    # Outside batch mode for the same reason: SQLite (3.35 and later) drops the column in place.
    op.drop_column('reports', 'creation_key')
