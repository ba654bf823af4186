"""Helpers for Japanese text, dates, addresses and office calendars.

Each module here is pure (no database) and is tested on ugly input: half-width kana,
full-width digits, 元年, era boundaries, and postal codes typed every way residents type them.
"""
