"""Definitions used by the engine's tests."""

BENEFIT = {
    "version": 1,
    "steps": [
        {
            "key": "applicant",
            "title": {"ja": "申請者", "en": "Applicant"},
            "fields": [
                {
                    "key": "applicant",
                    "type": "name",
                    "label": {"ja": "申請者の氏名", "en": "Applicant's name"},
                    "required": True,
                    "prefill": "registry.self",
                    "registry_bound": True,
                },
                {
                    "key": "birth_date",
                    "type": "date",
                    "label": {"ja": "生年月日"},
                    "required": True,
                    "prefill": "registry.birth_date",
                },
                {
                    "key": "home",
                    "type": "address",
                    "label": {"ja": "住所"},
                    "required": True,
                    "prefill": "registry.address",
                },
                {"key": "phone", "type": "phone", "label": {"ja": "電話番号"}, "required": True},
                {
                    "key": "email",
                    "type": "email",
                    "label": {"ja": "メールアドレス"},
                    "prefill": "profile.email",
                },
            ],
        },
        {
            "key": "household",
            "title": {"ja": "世帯"},
            "fields": [
                {
                    "key": "has_members",
                    "type": "yesno",
                    "label": {"ja": "同じ世帯の方はいますか"},
                    "required": True,
                },
                {
                    "key": "members",
                    "type": "group",
                    "label": {"ja": "世帯員"},
                    "min_items": 1,
                    "max_items": 8,
                    "visible_if": {"field": "has_members", "equals": True},
                    "required": True,
                    "fields": [
                        {
                            "key": "person",
                            "type": "person",
                            "label": {"ja": "世帯員"},
                            "required": True,
                            "relations": [
                                {"value": "spouse", "label": {"ja": "配偶者"}},
                                {"value": "child", "label": {"ja": "子"}},
                            ],
                        },
                    ],
                },
            ],
        },
        {
            "key": "payment",
            "title": {"ja": "振込先"},
            "fields": [
                {
                    "key": "method",
                    "type": "radio",
                    "label": {"ja": "受け取り方法"},
                    "required": True,
                    "options": [
                        {"value": "bank", "label": {"ja": "口座振込"}},
                        {"value": "counter", "label": {"ja": "窓口で受け取る"}},
                    ],
                },
                {
                    "key": "account",
                    "type": "bank_account",
                    "label": {"ja": "振込先口座"},
                    "visible_if": {"field": "method", "equals": "bank"},
                    "required": True,
                },
                {"key": "note", "type": "textarea", "label": {"ja": "備考"}, "max_length": 200},
                {
                    "key": "agree",
                    "type": "consent",
                    "text": {"ja": "記入内容に誤りがないことを誓約します。"},
                },
            ],
        },
    ],
    "computed": [
        {
            "key": "people",
            "label": {"ja": "対象人数"},
            "expr": {"add": [1, {"count": "members"}]},
            "unit": {"ja": "人"},
        },
        {
            "key": "amount",
            "label": {"ja": "給付額"},
            "expr": {"mul": [{"field": "people"}, 100000]},
            "unit": {"ja": "円"},
        },
    ],
}

COPIES = {
    "version": 1,
    "steps": [
        {
            "key": "request",
            "title": {"ja": "請求内容"},
            "fields": [
                {
                    "key": "copies",
                    "type": "number",
                    "label": {"ja": "通数"},
                    "min": 1,
                    "max": 10,
                    "required": True,
                    "unit": {"ja": "通"},
                },
                {
                    "key": "purpose",
                    "type": "select",
                    "label": {"ja": "使い道"},
                    "required": True,
                    "options": [
                        {"value": "job", "label": {"ja": "就職"}},
                        {"value": "other", "label": {"ja": "その他"}},
                    ],
                },
                {
                    "key": "purpose_other",
                    "type": "text",
                    "label": {"ja": "その他の使い道"},
                    "visible_if": {"field": "purpose", "equals": "other"},
                    "required": True,
                },
            ],
        },
    ],
    "computed": [
        {
            "key": "fee",
            "label": {"ja": "手数料"},
            "expr": {"mul": [{"field": "copies"}, 300]},
            "unit": {"ja": "円"},
        }
    ],
}

# Required always, optional, and required for some answers only (the 必須 marker).
MARKED = {
    "version": 1,
    "steps": [
        {
            "key": "about",
            "title": {"ja": "犬について"},
            "fields": [
                {"key": "dog", "type": "text", "label": {"ja": "犬の名前"}, "required": True},
                {"key": "tag", "type": "text", "label": {"ja": "鑑札の番号"}},
                {
                    "key": "kind",
                    "type": "radio",
                    "label": {"ja": "届出の種類"},
                    "required": True,
                    "options": [
                        {"value": "death", "label": {"ja": "死亡"}},
                        {"value": "move", "label": {"ja": "転出"}},
                    ],
                },
                {
                    "key": "reason",
                    "type": "text",
                    "label": {"ja": "理由"},
                    "required": {"field": "kind", "equals": "move"},
                },
            ],
        },
        {
            "key": "moving",
            "title": {"ja": "転出先"},
            "fields": [
                {
                    "key": "new_address",
                    "type": "text",
                    "label": {"ja": "転出先の住所"},
                    "required": {"field": "kind", "equals": "move"},
                },
            ],
        },
    ],
}
