"""Published protocol versions and their texts are append-only (DESIGN §4)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 19:40:00.000000

"""

from alembic import op

from turkicnet.protocol.schema import create_published_version_triggers, drop_published_version_triggers

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # See turkicnet.protocol.schema for what is allowed and for when to call this again.
    create_published_version_triggers(op)


def downgrade():
    drop_published_version_triggers(op)
