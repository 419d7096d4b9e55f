"""Reader-facing names of SLA policies, segments and sources (the keys stay in the marts)."""

from __future__ import annotations

POLICY_NAMES = {
    "mql_follow_up": "MQL follow-up",
    "mql_acceptance": "MQL acceptance",
    "stalled_recycle": "SAL/SQL progressed or recycled",
    "stalled_opportunity": "Opportunity progressing",
    "mql_volume": "MQL volume",
    "mql_quality": "MQL quality",
}

SEGMENT_NAMES = {"smb": "SMB", "mid_market": "Mid-Market", "enterprise": "Enterprise"}

SOURCED_BY_NAMES = {
    "marketing": "Marketing",
    "sales": "Sales",
    "customer_base": "Customer base",
}


def policy_name(key: str) -> str:
    return POLICY_NAMES.get(key, key.replace("_", " ").capitalize())


def segment_name(code: str | None) -> str:
    if code is None:
        return "No segment"
    return SEGMENT_NAMES.get(code, code.replace("_", " ").title())


def sourced_by_name(code: str | None) -> str:
    if code is None:
        return "Unknown"
    return SOURCED_BY_NAMES.get(code, code.replace("_", " ").capitalize())
