"""Token accounting and the per-user daily quota (UTC days).

The quota is enforced before the work, not after: an answer first *reserves* the most it may
cost (its prompt plus the output tokens it is allowed), in one conditional UPDATE that refuses
when the reservation would pass the quota, so ten answers started at once cannot overspend.
When the answer ends the reservation is *settled*: replaced by what the provider reports, or by
our own count of what was generated when the provider reports nothing or the client went away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .config import Settings
from .models import UsageDay, User
from .providers import Usage

# An answer shorter than this is not worth starting: refuse instead.
MIN_ANSWER_TOKENS = 16


@dataclass(frozen=True)
class Today:
    used: int
    quota: int
    requests: int
    cost_usd: float
    reserved: int = 0

    @property
    def exhausted(self) -> bool:
        return self.used + self.reserved >= self.quota

    @property
    def level(self) -> str:
        """ "ok", "low" (amber) or "out" (red): what the quota meter shows."""
        share = (self.used + self.reserved) / self.quota if self.quota else 1.0
        return "out" if share >= 0.9 else "low" if share >= 0.7 else "ok"


class QuotaExceeded(Exception):
    def __init__(self, today: Today) -> None:
        super().__init__(
            f"You have used today's allowance of {today.quota:,} tokens. It resets at midnight UTC."
        )
        self.today = today


def utc_day() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def today(db: Session, user: User, settings: Settings) -> Today:
    row = db.get(UsageDay, (user.id, utc_day()), populate_existing=True)
    if row is None:
        return Today(used=0, quota=settings.daily_token_quota, requests=0, cost_usd=0.0)
    return Today(
        used=row.input_tokens + row.output_tokens,
        quota=settings.daily_token_quota,
        requests=row.requests,
        cost_usd=row.cost_usd,
        reserved=row.reserved_tokens,
    )


def check_quota(db: Session, user: User, settings: Settings, prompt_tokens: int = 0) -> None:
    """An early check when a question is asked (so the draft stays in the box); `reserve`,
    when the answer starts, is the one that holds under concurrency."""
    current = today(db, user, settings)
    if current.quota - current.used - current.reserved < prompt_tokens + MIN_ANSWER_TOKENS:
        raise QuotaExceeded(current)


def cost(spent: Usage, settings: Settings) -> float:
    return (
        spent.input_tokens * settings.price_per_1k_input_tokens
        + spent.output_tokens * settings.price_per_1k_output_tokens
    ) / 1000


def _ensure_row(db: Session, user_id: int, day: dt.date) -> None:
    """Create today's row unless it exists (another request may be creating it right now)."""
    insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.execute(
        insert(UsageDay)
        .values(
            user_id=user_id,
            day=day,
            requests=0,
            input_tokens=0,
            output_tokens=0,
            reserved_tokens=0,
            cost_usd=0.0,
        )
        .on_conflict_do_nothing()
    )


def reserve(db: Session, user_id: int, prompt_tokens: int, settings: Settings, day: dt.date) -> int:
    """Hold tokens for one answer; return how many output tokens it may use.

    One UPDATE that only matches while the reservation fits under the quota: concurrent
    answers cannot all pass the same check. Raises `QuotaExceeded` when nothing useful fits.
    """
    _ensure_row(db, user_id, day)
    row = db.get(UsageDay, (user_id, day), populate_existing=True)
    assert row is not None
    left = settings.daily_token_quota - row.input_tokens - row.output_tokens - row.reserved_tokens
    allowed = min(settings.llm_max_output_tokens, left - prompt_tokens)
    if allowed >= MIN_ANSWER_TOKENS:
        hold = prompt_tokens + allowed
        total = UsageDay.input_tokens + UsageDay.output_tokens + UsageDay.reserved_tokens
        result = db.execute(
            update(UsageDay)
            .where(
                UsageDay.user_id == user_id,
                UsageDay.day == day,
                total + hold <= settings.daily_token_quota,
            )
            .values(reserved_tokens=UsageDay.reserved_tokens + hold)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return allowed
    db.refresh(row)
    raise QuotaExceeded(
        Today(
            used=row.input_tokens + row.output_tokens,
            quota=settings.daily_token_quota,
            requests=row.requests,
            cost_usd=row.cost_usd,
            reserved=row.reserved_tokens,
        )
    )


def settle(
    db: Session, user_id: int, held: int, spent: Usage, settings: Settings, day: dt.date
) -> None:
    """Replace a reservation of `held` tokens (made on `day`) with what the answer used."""
    db.execute(
        update(UsageDay)
        .where(UsageDay.user_id == user_id, UsageDay.day == day)
        .values(
            reserved_tokens=UsageDay.reserved_tokens - held,
            requests=UsageDay.requests + 1,
            input_tokens=UsageDay.input_tokens + spent.input_tokens,
            output_tokens=UsageDay.output_tokens + spent.output_tokens,
            cost_usd=UsageDay.cost_usd + cost(spent, settings),
        )
        .execution_options(synchronize_session=False)
    )
