"""catalogue of frameworks and questionnaires

Revision ID: 0001
Revises:
Create Date: 2026-11-22 02:31:53.276675
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "framework",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework")),
        sa.UniqueConstraint("key", name=op.f("uq_framework_key")),
        schema="framework",
    )
    op.create_table(
        "inbox_message",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("handler", sa.Text(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("source", "event_id", name=op.f("pk_inbox_message")),
        schema="framework",
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("envelope", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_message_event_id")),
        schema="framework",
    )
    op.create_index(
        op.f("ix_outbox_message_next_attempt_at_id"),
        "outbox_message",
        ["next_attempt_at", "id"],
        unique=False,
        schema="framework",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "framework_version",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("framework_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", "retired", name="version_status", schema="framework"),
            nullable=False,
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("dimension_label", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["framework.framework.id"],
            name=op.f("fk_framework_version_framework_id_framework"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_version")),
        sa.UniqueConstraint("framework_id", "number", name=op.f("uq_framework_version_framework_id_number")),
        schema="framework",
    )
    op.create_table(
        "dimension",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("framework_version_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("why_it_matters", sa.Text(), nullable=True),
        sa.Column("what_it_is_not", sa.Text(), nullable=True),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.CheckConstraint("audience IN ('all', 'core', 'senior')", name=op.f("ck_dimension_audience")),
        sa.ForeignKeyConstraint(
            ["framework_version_id"],
            ["framework.framework_version.id"],
            name=op.f("fk_dimension_framework_version_id_framework_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dimension")),
        sa.UniqueConstraint("framework_version_id", "key", name=op.f("uq_dimension_framework_version_id_key")),
        sa.UniqueConstraint(
            "framework_version_id", "position", name=op.f("uq_dimension_framework_version_id_position")
        ),
        schema="framework",
    )
    op.create_table(
        "questionnaire",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("framework_version_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", "retired", name="version_status", schema="framework"),
            nullable=False,
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("not_observed_label", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("purpose IN ('self_assessment', 'feedback_360')", name=op.f("ck_questionnaire_purpose")),
        sa.ForeignKeyConstraint(
            ["framework_version_id"],
            ["framework.framework_version.id"],
            name=op.f("fk_questionnaire_framework_version_id_framework_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_questionnaire_key_version")),
        schema="framework",
    )
    op.create_index(
        op.f("ix_questionnaire_framework_version_id"),
        "questionnaire",
        ["framework_version_id"],
        unique=False,
        schema="framework",
    )
    op.create_table(
        "rating_level",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("framework_version_id", sa.Uuid(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_version_id"],
            ["framework.framework_version.id"],
            name=op.f("fk_rating_level_framework_version_id_framework_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_level")),
        sa.UniqueConstraint("framework_version_id", "value", name=op.f("uq_rating_level_framework_version_id_value")),
        schema="framework",
    )
    op.create_table(
        "stage",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("framework_version_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_version_id"],
            ["framework.framework_version.id"],
            name=op.f("fk_stage_framework_version_id_framework_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage")),
        sa.UniqueConstraint("framework_version_id", "number", name=op.f("uq_stage_framework_version_id_number")),
        schema="framework",
    )
    op.create_table(
        "element",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework.dimension.id"],
            name=op.f("fk_element_dimension_id_dimension"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_element")),
        sa.UniqueConstraint("dimension_id", "key", name=op.f("uq_element_dimension_id_key")),
        schema="framework",
    )
    op.create_table(
        "importance_question",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("questionnaire_id", sa.Uuid(), nullable=False),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework.dimension.id"],
            name=op.f("fk_importance_question_dimension_id_dimension"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["framework.questionnaire.id"],
            name=op.f("fk_importance_question_questionnaire_id_questionnaire"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_importance_question")),
        sa.UniqueConstraint(
            "questionnaire_id",
            "dimension_id",
            name=op.f("uq_importance_question_questionnaire_id_dimension_id"),
        ),
        schema="framework",
    )
    op.create_index(
        op.f("ix_importance_question_dimension_id"),
        "importance_question",
        ["dimension_id"],
        unique=False,
        schema="framework",
    )
    op.create_table(
        "not_yet_behaviour",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework.dimension.id"],
            name=op.f("fk_not_yet_behaviour_dimension_id_dimension"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_not_yet_behaviour")),
        schema="framework",
    )
    op.create_index(
        op.f("ix_not_yet_behaviour_dimension_id"),
        "not_yet_behaviour",
        ["dimension_id"],
        unique=False,
        schema="framework",
    )
    op.create_table(
        "questionnaire_item",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("questionnaire_id", sa.Uuid(), nullable=False),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework.dimension.id"],
            name=op.f("fk_questionnaire_item_dimension_id_dimension"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["framework.questionnaire.id"],
            name=op.f("fk_questionnaire_item_questionnaire_id_questionnaire"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_item")),
        sa.UniqueConstraint("questionnaire_id", "key", name=op.f("uq_questionnaire_item_questionnaire_id_key")),
        sa.UniqueConstraint(
            "questionnaire_id", "position", name=op.f("uq_questionnaire_item_questionnaire_id_position")
        ),
        schema="framework",
    )
    op.create_index(
        op.f("ix_questionnaire_item_dimension_id"),
        "questionnaire_item",
        ["dimension_id"],
        unique=False,
        schema="framework",
    )
    op.create_table(
        "reflective_question",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dimension_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["framework.dimension.id"],
            name=op.f("fk_reflective_question_dimension_id_dimension"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflective_question")),
        schema="framework",
    )
    op.create_index(
        op.f("ix_reflective_question_dimension_id"),
        "reflective_question",
        ["dimension_id"],
        unique=False,
        schema="framework",
    )
    op.create_table(
        "scale_point",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("questionnaire_id", sa.Uuid(), nullable=False),
        sa.Column("scale", sa.Text(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.CheckConstraint("scale IN ('performance', 'importance')", name=op.f("ck_scale_point_scale")),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["framework.questionnaire.id"],
            name=op.f("fk_scale_point_questionnaire_id_questionnaire"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scale_point")),
        sa.UniqueConstraint(
            "questionnaire_id", "scale", "value", name=op.f("uq_scale_point_questionnaire_id_scale_value")
        ),
        schema="framework",
    )
    op.create_table(
        "descriptor",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("element_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["element_id"],
            ["framework.element.id"],
            name=op.f("fk_descriptor_element_id_element"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_descriptor")),
        schema="framework",
    )
    op.create_index(op.f("ix_descriptor_element_id"), "descriptor", ["element_id"], unique=False, schema="framework")
    op.create_table(
        "indicator",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("element_id", sa.Uuid(), nullable=False),
        sa.Column("stage_number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["element_id"],
            ["framework.element.id"],
            name=op.f("fk_indicator_element_id_element"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
        sa.UniqueConstraint("element_id", "stage_number", name=op.f("uq_indicator_element_id_stage_number")),
        schema="framework",
    )


def downgrade() -> None:
    op.drop_table("indicator", schema="framework")
    op.drop_index(op.f("ix_descriptor_element_id"), table_name="descriptor", schema="framework")
    op.drop_table("descriptor", schema="framework")
    op.drop_table("scale_point", schema="framework")
    op.drop_index(op.f("ix_reflective_question_dimension_id"), table_name="reflective_question", schema="framework")
    op.drop_table("reflective_question", schema="framework")
    op.drop_index(op.f("ix_questionnaire_item_dimension_id"), table_name="questionnaire_item", schema="framework")
    op.drop_table("questionnaire_item", schema="framework")
    op.drop_index(op.f("ix_not_yet_behaviour_dimension_id"), table_name="not_yet_behaviour", schema="framework")
    op.drop_table("not_yet_behaviour", schema="framework")
    op.drop_index(op.f("ix_importance_question_dimension_id"), table_name="importance_question", schema="framework")
    op.drop_table("importance_question", schema="framework")
    op.drop_table("element", schema="framework")
    op.drop_table("stage", schema="framework")
    op.drop_table("rating_level", schema="framework")
    op.drop_index(op.f("ix_questionnaire_framework_version_id"), table_name="questionnaire", schema="framework")
    op.drop_table("questionnaire", schema="framework")
    op.drop_table("dimension", schema="framework")
    op.drop_table("framework_version", schema="framework")
    op.drop_index(
        op.f("ix_outbox_message_next_attempt_at_id"),
        table_name="outbox_message",
        schema="framework",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.drop_table("outbox_message", schema="framework")
    op.drop_table("inbox_message", schema="framework")
    op.drop_table("framework", schema="framework")
    sa.Enum(name="version_status", schema="framework").drop(op.get_bind(), checkfirst=True)
