"""The JSON Schema of a form definition (structure only; references are checked in
definition.py, with messages for the staff who write them)."""

from __future__ import annotations

FIELD_TYPES = [
    "text",
    "textarea",
    "number",
    "date",
    "name",
    "address",
    "phone",
    "email",
    "select",
    "radio",
    "checkbox",
    "yesno",
    "file",
    "bank_account",
    "person",
    "group",
    "consent",
    "info",
]
# Fields a group (e.g. household members, children) may repeat.
GROUP_MEMBER_TYPES = [t for t in FIELD_TYPES if t not in ("group", "file", "info")]

I18N = {
    "type": "object",
    "properties": {"ja": {"type": "string", "minLength": 1}},
    "required": ["ja"],
    "additionalProperties": {"type": "string"},
}
KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}
CONDITION = {"$ref": "#/$defs/condition"}
EXPR = {"$ref": "#/$defs/expr"}

OPTION = {
    "type": "object",
    "properties": {"value": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$"}, "label": I18N},
    "required": ["value", "label"],
    "additionalProperties": False,
}

FIELD_PROPERTIES = {
    "key": KEY,
    "type": {"enum": FIELD_TYPES},
    "label": I18N,
    "hint": I18N,
    "text": I18N,
    "required": {"oneOf": [{"type": "boolean"}, CONDITION]},
    "visible_if": CONDITION,
    "prefill": {"type": "string", "pattern": "^(registry|profile|previous)\\.[a-z_.]+$"},
    "registry_bound": {"type": "boolean"},
    "options": {"type": "array", "items": OPTION, "minItems": 1, "maxItems": 100},
    "max_length": {"type": "integer", "minimum": 1, "maximum": 10000},
    "min": {"type": "integer"},
    "max": {"type": "integer"},
    "unit": I18N,
    "allow_future": {"type": "boolean"},
    "accept": {"type": "array", "items": {"enum": ["pdf", "jpeg", "png"]}, "minItems": 1},
    "max_size_mb": {"type": "integer", "minimum": 1, "maximum": 20},
    "max_files": {"type": "integer", "minimum": 1, "maximum": 10},
    "min_items": {"type": "integer", "minimum": 0, "maximum": 20},
    "max_items": {"type": "integer", "minimum": 1, "maximum": 20},
    "item_label": I18N,
    # What a group's rows are, for their headings and buttons: 「2人目」 or 「2点目」.
    "counted_as": {"enum": ["people", "items"]},
    "relations": {"type": "array", "items": OPTION},
}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "version": {"const": 1},
        "steps": {
            "type": "array",
            "minItems": 1,
            "maxItems": 30,
            "items": {
                "type": "object",
                "properties": {
                    "key": KEY,
                    "title": I18N,
                    "intro": I18N,
                    "visible_if": CONDITION,
                    "fields": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 60,
                        "items": {"$ref": "#/$defs/field"},
                    },
                },
                "required": ["key", "title", "fields"],
                "additionalProperties": False,
            },
        },
        "computed": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"key": KEY, "label": I18N, "expr": EXPR, "unit": I18N},
                "required": ["key", "label", "expr"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["version", "steps"],
    "additionalProperties": False,
    "$defs": {
        "field": {
            "type": "object",
            "properties": {
                **FIELD_PROPERTIES,
                "fields": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 12,
                    "items": {"$ref": "#/$defs/member"},
                },
            },
            "required": ["key", "type"],
            "additionalProperties": False,
        },
        "member": {
            "type": "object",
            "properties": {**FIELD_PROPERTIES, "type": {"enum": GROUP_MEMBER_TYPES}},
            "required": ["key", "type", "label"],
            "additionalProperties": False,
        },
        "condition": {
            "type": "object",
            "oneOf": [
                {"required": ["all"], "properties": {"all": {"type": "array", "items": CONDITION}}},
                {"required": ["any"], "properties": {"any": {"type": "array", "items": CONDITION}}},
                {"required": ["not"], "properties": {"not": CONDITION}},
                {
                    "required": ["field"],
                    "properties": {
                        "field": {"type": "string"},
                        "equals": {},
                        "not_equals": {},
                        "in": {"type": "array"},
                        "filled": {"type": "boolean"},
                        "gt": {"type": "number"},
                        "gte": {"type": "number"},
                        "lt": {"type": "number"},
                        "lte": {"type": "number"},
                    },
                },
                {
                    "required": ["count"],
                    "properties": {
                        "count": {"type": "string"},
                        "gt": {"type": "number"},
                        "gte": {"type": "number"},
                        "lt": {"type": "number"},
                        "lte": {"type": "number"},
                        "equals": {"type": "number"},
                    },
                },
            ],
        },
        "expr": {
            "oneOf": [
                {"type": "number"},
                {
                    "type": "object",
                    "required": ["field"],
                    "properties": {"field": {"type": "string"}},
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "required": ["count"],
                    "properties": {"count": {"type": "string"}},
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "patternProperties": {
                        "^(add|mul|min|max)$": {"type": "array", "items": EXPR, "minItems": 1}
                    },
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "required": ["sub"],
                    "properties": {
                        "sub": {"type": "array", "items": EXPR, "minItems": 2, "maxItems": 2}
                    },
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "required": ["if"],
                    "properties": {
                        "if": {
                            "type": "array",
                            "prefixItems": [CONDITION, EXPR, EXPR],
                            "minItems": 3,
                            "maxItems": 3,
                        }
                    },
                    "additionalProperties": False,
                },
            ]
        },
    },
}
