"""The standard questionnaire (R31): items drawn from what attendees praised in 2016-17.

Stored text, not gettext strings: administrators edit both languages in the service.
"""

from __future__ import annotations

from typing import TypedDict


class ItemData(TypedDict):
    key: str
    kind: str
    text: str
    text_cy: str


STANDARD_ITEMS: list[ItemData] = [
    {
        "key": "knowledge",
        "kind": "rating",
        "text": "The trainers were knowledgeable.",
        "text_cy": "Roedd yr hyfforddwyr yn wybodus.",
    },
    {
        "key": "supportive",
        "kind": "rating",
        "text": "The trainers were supportive and no question seemed too basic.",
        "text_cy": (
            "Roedd yr hyfforddwyr yn gefnogol ac nid oedd unrhyw gwestiwn yn ymddangos yn rhy syml."
        ),
    },
    {
        "key": "activities",
        "kind": "rating",
        "text": "The group and individual activities were useful.",
        "text_cy": "Roedd y gweithgareddau grŵp ac unigol yn ddefnyddiol.",
    },
    {
        "key": "practice",
        "kind": "rating",
        "text": "I can use what I learned in my day-to-day work.",
        "text_cy": "Gallaf ddefnyddio'r hyn a ddysgais yn fy ngwaith o ddydd i ddydd.",
    },
    {
        "key": "balance",
        "kind": "rating",
        "text": "The balance of theory and practical exercises was right.",
        "text_cy": "Roedd y cydbwysedd rhwng theori ac ymarferion ymarferol yn iawn.",
    },
    {
        "key": "pace",
        "kind": "rating",
        "text": "The pace of the training was well managed.",
        "text_cy": "Roedd cyflymder yr hyfforddiant wedi'i reoli'n dda.",
    },
    {
        "key": "resources",
        "kind": "rating",
        "text": "The resources to take away are useful.",
        "text_cy": "Mae'r adnoddau i fynd gyda chi yn ddefnyddiol.",
    },
    {
        "key": "take_away",
        "kind": "text",
        "text": "What will you take away from the training?",
        "text_cy": "Beth fyddwch chi'n ei gymryd o'r hyfforddiant?",
    },
    {
        "key": "better",
        "kind": "text",
        "text": "What could be better?",
        "text_cy": "Beth allai fod yn well?",
    },
]
