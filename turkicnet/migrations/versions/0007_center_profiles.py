"""center profiles: an optimistic-lock version, and reviewed changes to a member's official details

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 06:19:29.720497

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('center_change_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'accepted', 'declined', name='requeststatus', native_enum=False, length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('letter_stored_name', sa.String(length=64), nullable=True),
    sa.Column('letter_original_name', sa.String(length=160), nullable=True),
    sa.Column('letter_size', sa.Integer(), nullable=True),
    sa.Column('letter_sha256', sa.String(length=64), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['center_id'], ['centers.id'], name=op.f('fk_center_change_requests_center_id_centers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_center_change_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_center_change_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_center_change_requests'))
    )
    with op.batch_alter_table('center_change_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_center_change_requests_center_id'), ['center_id'], unique=False)
        batch_op.create_index('uq_center_change_requests_pending', ['center_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    # Every profile there is starts at version 1, as a new one does. A plain server default
    # lets SQLite add the column in place (ALTER TABLE), without rebuilding the table.
    with op.batch_alter_table('centers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    # Not a batch rebuild: on SQLite that drops the old centers table, and with foreign keys
    # on, dropping it deletes what hangs on its rows (memberships, messages…) by cascade.
    # SQLite (3.35+) and PostgreSQL both drop a plain column in place.
    op.drop_column('centers', 'lock_version')

    with op.batch_alter_table('center_change_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_center_change_requests_pending', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_center_change_requests_center_id'))

    op.drop_table('center_change_requests')
