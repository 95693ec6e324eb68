"""harvesting: OAI-PMH lists reports by (updated_at, id)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # An index only: SQLite adds it without copying the table. It serves the keyset pages of
    # ListRecords and ListIdentifiers and their from/until windows.
    op.create_index('ix_reports_harvest', 'reports', ['updated_at', 'id'])


def downgrade():
    op.drop_index('ix_reports_harvest', table_name='reports')
