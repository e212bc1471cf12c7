"""Token prices, to turn the usage a provider reports into a cost estimate.

Prices are USD per million tokens (input, output) as published by each vendor when this project
was generated; check them, or set LLM_PRICE_INPUT_PER_MTOK / LLM_PRICE_OUTPUT_PER_MTOK.
"""

from __future__ import annotations

from .config import Settings
from .providers.base import Usage

PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-3-5-haiku-latest": (0.80, 4.00),
    "claude-sonnet-4-0": (3.00, 15.00),
}
FREE_PROVIDERS = {"offline", "ollama", "scripted"}


def price_for(provider: str, model: str, settings: Settings | None = None) -> tuple[float, float]:
    if settings is not None and settings.llm_price_input_per_mtok is not None:
        return settings.llm_price_input_per_mtok, settings.llm_price_output_per_mtok or 0.0
    if provider in FREE_PROVIDERS:
        return 0.0, 0.0
    for name, price in sorted(PRICES_PER_MTOK.items(), key=lambda item: -len(item[0])):
        if model == name or model.startswith(name + "-"):
            return price
    return 0.0, 0.0


def cost_usd(usage: Usage, provider: str, model: str, settings: Settings | None = None) -> float:
    input_price, output_price = price_for(provider, model, settings)
    return (usage.input_tokens * input_price + usage.output_tokens * output_price) / 1_000_000
