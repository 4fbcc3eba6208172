"""merge the feature branches (notifications, reminders, accounts, matching, finance, reports)

The features were built side by side, each branching from 0001; from here on the history is one
line again, so the next migration has a single parent.

Revision ID: 0008_merge_features
Revises: 0002_notifications, 0003_reminders, 0004_accounts, 0005_matching, 0006_finance,
    0007_reports
"""

from __future__ import annotations

revision = "0008_merge_features"
down_revision = (
    "0002_notifications",
    "0003_reminders",
    "0004_accounts",
    "0005_matching",
    "0006_finance",
    "0007_reports",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
