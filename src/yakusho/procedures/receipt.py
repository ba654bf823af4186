"""Receipt numbers: short, unique and resistant to typos.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I, 2/Z, 5/S, 8/B), the last
a Luhn mod 26 check character, so a mistyped character or two swapped neighbours are caught
before anyone searches for the wrong application: 「K7M4-Q2XR」.
"""

from __future__ import annotations

import secrets
import unicodedata

ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
N = len(ALPHABET)
RANDOM_LENGTH = 7


def _check_character(body: str) -> str:
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // N + addend % N
    return ALPHABET[(N - total % N) % N]


def new_receipt_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    number = body + _check_character(body)
    return f"{number[:4]}-{number[4:]}"


def normalize_receipt_number(text: str) -> str | None:
    """「k7m4 q2xr」, 「Ｋ７Ｍ４－Ｑ２ＸＲ」 → 「K7M4-Q2XR」; None when it cannot be one."""
    cleaned = unicodedata.normalize("NFKC", text or "").upper()
    cleaned = "".join(c for c in cleaned if c.isalnum())
    if len(cleaned) != RANDOM_LENGTH + 1 or any(c not in ALPHABET for c in cleaned):
        return None
    if _check_character(cleaned[:-1]) != cleaned[-1]:
        return None
    return f"{cleaned[:4]}-{cleaned[4:]}"
