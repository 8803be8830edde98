"""phone codes (one-time SMS and staff reset codes, hashed) and phone verifications

Revision ID: 0004_phone_codes
Revises: 0003_secret_urn
Create Date: 2026-12-05 11:20:45.758979

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_phone_codes'
down_revision = '0003_secret_urn'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('phone_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('mobile', sa.String(length=11), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("purpose IN ('verify', 'reset', 'unlock', 'staff_reset')", name=op.f('ck_phone_codes_purpose_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_phone_codes_attempts_not_negative')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_phone_codes_issued_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_phone_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_codes'))
    )
    with op.batch_alter_table('phone_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phone_codes_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_phone_codes_live', ['mobile', 'purpose'], unique=True, sqlite_where=sa.text('used_at IS NULL AND replaced_at IS NULL'), postgresql_where=sa.text('used_at IS NULL AND replaced_at IS NULL'))

    op.create_table('phone_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('mobile', sa.String(length=11), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("method IN ('sms_code', 'demo_seed')", name=op.f('ck_phone_verifications_method_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_phone_verifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_verifications')),
    sa.UniqueConstraint('user_id', 'mobile', name=op.f('uq_phone_verifications_user_id_mobile'))
    )



def downgrade():
    op.drop_table('phone_verifications')
    with op.batch_alter_table('phone_codes', schema=None) as batch_op:
        batch_op.drop_index('uq_phone_codes_live', sqlite_where=sa.text('used_at IS NULL AND replaced_at IS NULL'), postgresql_where=sa.text('used_at IS NULL AND replaced_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_phone_codes_user_id'))

    op.drop_table('phone_codes')

