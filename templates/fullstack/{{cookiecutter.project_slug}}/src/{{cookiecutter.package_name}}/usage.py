"""Token accounting and the per-user daily quota (UTC days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .models import UsageDay, User
from .providers import Usage
from .settings import Settings


@dataclass(frozen=True)
class Today:
    used: int
    quota: int
    requests: int
    cost_usd: float

    @property
    def exhausted(self) -> bool:
        return self.used >= self.quota


class QuotaExceeded(Exception):
    def __init__(self, today: Today) -> None:
        super().__init__(
            f"You have used today's allowance of {today.quota:,} tokens. "
            "It resets at midnight UTC."
        )
        self.today = today


def utc_day() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def today(db: Session, user: User, settings: Settings) -> Today:
    row = db.get(UsageDay, (user.id, utc_day()))
    if row is None:
        return Today(used=0, quota=settings.daily_token_quota, requests=0, cost_usd=0.0)
    return Today(
        used=row.input_tokens + row.output_tokens,
        quota=settings.daily_token_quota,
        requests=row.requests,
        cost_usd=row.cost_usd,
    )


def check_quota(db: Session, user: User, settings: Settings) -> None:
    current = today(db, user, settings)
    if current.exhausted:
        raise QuotaExceeded(current)


def cost(spent: Usage, settings: Settings) -> float:
    return (
        spent.input_tokens * settings.price_per_1k_input_tokens
        + spent.output_tokens * settings.price_per_1k_output_tokens
    ) / 1000


def record(db: Session, user_id: int, spent: Usage, settings: Settings) -> None:
    row = db.get(UsageDay, (user_id, utc_day()))
    if row is None:
        row = UsageDay(user_id=user_id, day=utc_day(), requests=0, input_tokens=0,
                       output_tokens=0, cost_usd=0.0)
        db.add(row)
    row.requests += 1
    row.input_tokens += spent.input_tokens
    row.output_tokens += spent.output_tokens
    row.cost_usd += cost(spent, settings)
