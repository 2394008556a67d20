"""Template notes for the TRAIN split only: volume and variety of phrasings and date forms.

Dev and test are hand-written by other writers and never pass through this file.
Every value here is computed from structured parts, so the annotation is exact:

    python training_data/augment.py --n 600 --out training_data/train_templated.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

SV_DAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag"]
SV_DAYS_SHORT = ["mån", "tis", "ons", "tors", "fre"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
EN_DAYS_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri"]
SV_MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# (phrase, action, owner) - the phrase is the next_step span.
SV_STEPS = [
    ("bokade ett möte", "meeting", "both"),
    ("bokat möte", "meeting", "both"),
    ("ses på deras kontor", "meeting", "both"),
    ("kommer förbi", "meeting", "seller"),
    ("bokat platsbesök", "meeting", "both"),
    ("lunch med henne", "meeting", "both"),
    ("visar demon", "demo", "seller"),
    ("bokat en demo", "demo", "both"),
    ("kör en demo", "demo", "seller"),
    ("ringer upp", "call", "seller"),
    ("ringer honom", "call", "seller"),
    ("ring", "call", "seller"),
    ("tel.möte", "call", "both"),
    ("Teams-möte", "meeting", "both"),
    ("videomöte", "meeting", "both"),
    ("skickar offert", "send", "seller"),
    ("skickar reviderad offert", "send", "seller"),
    ("skicka prover", "send", "seller"),
    ("skickar avtalet", "send", "seller"),
    ("kunden skickar underlag", "send", "customer"),
    ("mejlar", "email", "seller"),
    ("skickar ett mejl", "email", "seller"),
    ("återkommer", "contact", "seller"),
    ("hörs", "contact", "both"),
    ("ska höras", "contact", "both"),
    ("stämmer av", "contact", "seller"),
    ("återkopplar", "contact", "seller"),
    ("hör av mig", "contact", "seller"),
    ("startar piloten", "other", "both"),
    ("utbildning för deras team", "other", "seller"),
    ("håller kontakten", "contact", "seller"),
    ("fortsätter dialogen", "contact", "both"),
    ("pingar henne", "contact", "seller"),
    ("kontaktar dem", "contact", "seller"),
    ("bokar in ett möte", "meeting", "seller"),
    ("sätter upp ett Teams-möte", "meeting", "seller"),
    ("skickar över prislistan", "send", "seller"),
    ("mejla honom", "email", "seller"),
]
EN_STEPS = [
    ("booked a meeting", "meeting", "both"),
    ("meeting", "meeting", "both"),
    ("site visit", "meeting", "both"),
    ("coffee with her", "meeting", "both"),
    ("on-site workshop", "meeting", "both"),
    ("booked a demo", "demo", "both"),
    ("I'll run the demo", "demo", "seller"),
    ("demo", "demo", "both"),
    ("I'll call him", "call", "seller"),
    ("call", "call", "both"),
    ("scheduled a call", "call", "both"),
    ("phone call", "call", "both"),
    ("I'll send the quote", "send", "seller"),
    ("sending the revised proposal", "send", "seller"),
    ("ship the samples", "send", "seller"),
    ("send over the contract", "send", "seller"),
    ("email him", "email", "seller"),
    ("drop her an email", "email", "seller"),
    ("follow up", "contact", "seller"),
    ("touch base", "contact", "both"),
    ("check in", "contact", "seller"),
    ("get back to them", "contact", "seller"),
    ("circle back", "contact", "seller"),
    ("reach out", "contact", "seller"),
    ("kick off the pilot", "other", "both"),
    ("training session", "other", "seller"),
    ("keep in touch", "contact", "seller"),
    ("stay in touch", "contact", "both"),
    ("ping her", "contact", "seller"),
    ("reconnect", "contact", "both"),
    ("set up a meeting", "meeting", "seller"),
    ("schedule a walkthrough", "demo", "seller"),
    ("send over the price list", "send", "seller"),
    ("arrange a test drive", "demo", "seller"),
]
CUSTOMER_STEPS = {
    "sv": [
        ("återkommer", "contact"),
        ("ringer oss", "call"),
        ("skickar underlag", "send"),
        ("hör av sig", "contact"),
        ("mejlar", "email"),
    ],
    "en": [
        ("get back to us", "contact"),
        ("call us", "call"),
        ("send us the specs", "send"),
        ("come back to us", "contact"),
        ("email us", "email"),
    ],
}
SV_REASONS_CLEAR = [
    "gå igenom offerten med ekonomichefen",
    "besluta om piloten",
    "visa integrationen mot Visma",
    "skriva avtal",
    "gå igenom säkerhetsfrågorna med IT",
    "presentera prisförslaget för ledningsgruppen",
    "kunden ska ha läst igenom avtalsutkastet",
    "planera utrullningen",
    "ta beslut om antal licenser",
    "genomgång av ritningarna",
    "diskutera leveransvillkoren för andra etappen",
    "signera ramavtalet",
]
SV_REASONS_VAGUE = [
    "stämma av",
    "höra läget",
    "se hur det går",
    "diskutera vidare",
    "följa upp",
    "prata vidare",
    "kolla hur de tänker",
]
EN_REASONS_CLEAR = [
    "go through the quote with the CFO",
    "decide on the pilot",
    "review the security questionnaire",
    "sign the contract",
    "walk their IT team through the integration",
    "agree on the rollout plan",
    "finalise the pricing for 40 seats",
    "present the business case to the board",
    "confirm the delivery schedule",
    "review the trial results",
]
EN_REASONS_VAGUE = [
    "check in",
    "see how they feel",
    "touch base",
    "follow up on things",
    "catch up",
    "see where they are",
    "keep the conversation going",
]
SV_OPENERS = [
    "Bra möte med {n} idag.",
    "Pratade med {n} på tel.",
    "Träffade {n} och inköpschefen.",
    "Kort samtal med {n}.",
    "{n} var positiv till upplägget.",
    "Mejlväxling med {n}.",
    "Möte hos {c} i förmiddags.",
    "{n} har fått offerten.",
    "Visade produkten för {n} i tisdags.",
    "",
]
EN_OPENERS = [
    "Good meeting with {n} today.",
    "Spoke to {n} on the phone.",
    "Met {n} and their head of ops.",
    "Quick call with {n}.",
    "{n} liked the proposal.",
    "Email thread with {n}.",
    "Visited {c} this morning.",
    "{n} has the quote now.",
    "Showed {n} the product last Tuesday.",
    "",
]
NAMES = [
    "Eva",
    "Johan",
    "Lars",
    "Karin",
    "Ahmed",
    "Sara",
    "Mikael",
    "Lena",
    "Anders",
    "Fatima",
    "Per",
    "Ulla",
    "Tom",
    "Jessica",
    "Oskar",
    "Maria",
    "Nils",
    "Hanna",
]
COMPANIES = [
    "Berga Bygg",
    "Nordlogistik",
    "Skånemejerier",
    "Fjällvind AB",
    "Kvarnby Fastigheter",
    "Ekdahl IT",
    "Solvik Energi",
    "Mälardalens Tryck",
    "Hallands Plåt",
    "Västkust Marin",
]
SV_DISTRACTORS = [
    "Go-live planerat till {d}.",
    "Avtalet löper ut {d}.",
    "Leverans av första ordern {d}.",
    "Förra mötet var {p}.",
    "Inget beslut fattat ännu.",
    "Uppdaterar CRM.",
    "Måste prata med min chef om rabatten.",
    "Ordernr 2026-{o}.",
    "Pris 12 500 kr/mån.",
    "De har 36 månaders avtal med nuvarande leverantör.",
]
EN_DISTRACTORS = [
    "Go-live planned for {d}.",
    "Their contract ends {d}.",
    "First delivery {d}.",
    "Last meeting was {p}.",
    "No decision yet.",
    "Updating the CRM.",
    "Need to ask my manager about the discount.",
    "PO 2026-{o}.",
    "Price 1,200 EUR per month.",
    "They are on a 36-month contract with the incumbent.",
]
SV_NONE = [
    "{n} tackade nej, de har valt en annan leverantör.",
    "Inget nytt möte bokat.",
    "Ingen nästa steg överenskommen.",
    "Avslutat. De gick med konkurrenten.",
    "Lämnade röstmeddelande, ingen återkoppling.",
    "Uppdaterat CRM efter mötet.",
    "Möte med {n} {p} om prissättning. Förde in anteckningar.",
    "Kunden är inte intresserad just nu.",
]
EN_NONE = [
    "{n} said no, they went with a competitor.",
    "No new meeting booked.",
    "No next step agreed.",
    "Deal lost. Budget went elsewhere.",
    "Left a voicemail, nothing back.",
    "Updated the CRM after the call.",
    "Met {n} {p} about pricing. Logged the notes.",
    "Customer not interested at the moment.",
]


def iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def next_weekday(ref: date, wd: int) -> date:
    days = (wd - ref.weekday()) % 7 or 7
    return ref + timedelta(days=days)


def when_phrase(rng: random.Random, lang: str, ref: date) -> tuple[str, str, str | None]:
    """A time phrase, its granularity and value, resolved by the SPEC's rules."""
    kind = rng.choice(
        [
            "weekday",
            "weekday_time",
            "nextweekday",
            "dm",
            "dm_time",
            "dmonth",
            "tomorrow",
            "week_no",
            "next_week",
            "in_days",
            "in_weeks",
            "month",
            "quarter",
            "fuzzy",
            "iso_time",
            "deadline",
        ]
    )
    h = rng.choice([9, 10, 11, 13, 14, 15, 16, 8])
    m = rng.choice([0, 0, 0, 30, 15])
    wd = rng.randrange(5)
    sv = lang == "sv"
    if kind in ("weekday", "weekday_time", "deadline"):
        d = next_weekday(ref, wd)
        name = rng.choice([SV_DAYS, SV_DAYS_SHORT] if sv else [EN_DAYS, EN_DAYS_SHORT])[wd]
        if kind == "deadline":
            return (f"senast {name}" if sv else f"by {name}"), "date", d.isoformat()
        if kind == "weekday":
            return (
                (rng.choice([f"på {name}", name]) if sv else rng.choice([f"on {name}", name])),
                "date",
                d.isoformat(),
            )
        t = (
            (f"kl {h}" if m == 0 else f"kl {h}.{m:02d}")
            if sv
            else (f"at {h}:{m:02d}" if m else f"at {h if h <= 12 else h - 12}{'am' if h < 12 else 'pm'}")
        )
        return f"{name} {t}", "datetime", f"{d.isoformat()}T{h:02d}:{m:02d}"
    if kind == "nextweekday":
        monday = ref - timedelta(days=ref.weekday()) + timedelta(days=7)
        d = monday + timedelta(days=wd)
        return (f"nästa {SV_DAYS[wd]}" if sv else f"next {EN_DAYS[wd]}"), "date", d.isoformat()
    if kind in ("dm", "dm_time", "dmonth", "iso_time"):
        d = ref + timedelta(days=rng.randint(1, 60))
        if kind == "iso_time":
            return f"{d.isoformat()} {h:02d}:{m:02d}", "datetime", f"{d.isoformat()}T{h:02d}:{m:02d}"
        if kind == "dmonth":
            text = (
                f"den {d.day} {SV_MONTHS[d.month - 1]}"
                if sv
                else rng.choice([f"{d.day} {EN_MONTHS[d.month - 1]}", f"{EN_MONTHS[d.month - 1]} {d.day}"])
            )
            return text, "date", d.isoformat()
        base = f"{d.day}/{d.month}"
        if kind == "dm":
            return base, "date", d.isoformat()
        return (
            (f"{base} kl {h}:{m:02d}" if sv else f"{base} at {h}:{m:02d}"),
            "datetime",
            f"{d.isoformat()}T{h:02d}:{m:02d}",
        )
    if kind == "tomorrow":
        d = ref + timedelta(days=1)
        return ("imorgon" if sv else "tomorrow"), "date", d.isoformat()
    if kind == "week_no":
        d = ref + timedelta(days=7 * rng.randint(1, 8))
        w = d.isocalendar()[1]
        return (
            rng.choice([f"v. {w}", f"v{w}", f"vecka {w}"] if sv else [f"week {w}", f"wk {w}"]),
            "week",
            iso_week(d),
        )
    if kind == "next_week":
        return ("nästa vecka" if sv else "next week"), "week", iso_week(ref + timedelta(days=7))
    if kind == "in_days":
        n = rng.choice([2, 3, 5, 10, 14])
        d = ref + timedelta(days=n)
        return (f"om {n} dagar" if sv else f"in {n} days"), "date", d.isoformat()
    if kind == "in_weeks":
        n = rng.choice([2, 3, 4])
        words = {2: ("två", "two"), 3: ("tre", "three"), 4: ("fyra", "four")}[n]
        return (
            (f"om {words[0]} veckor" if sv else f"in {words[1]} weeks"),
            "week",
            iso_week(ref + timedelta(days=7 * n)),
        )
    if kind == "month":
        k = rng.randint(1, 5)
        y, mo = ref.year + (ref.month - 1 + k) // 12, (ref.month - 1 + k) % 12 + 1
        return (f"i {SV_MONTHS[mo - 1]}" if sv else f"in {EN_MONTHS[mo - 1]}"), "month", f"{y}-{mo:02d}"
    if kind == "quarter":
        q = (ref.month - 1) // 3 + 1
        nq, ny = (q % 4) + 1, ref.year + (q == 4)
        return f"Q{nq}", "quarter", f"{ny}-Q{nq}"
    fuzzy = rng.choice(
        [
            "längre fram",
            "om ett tag",
            "efter sommaren",
            "till hösten",
            "om ett par veckor",
            "snart",
            "efter jul",
        ]
        if sv
        else [
            "later on",
            "in a couple of weeks",
            "after the summer",
            "soon",
            "sometime in spring",
            "after the holidays",
        ]
    )
    return fuzzy, "fuzzy", None


def make_note(rng: random.Random, idx: int) -> dict:
    lang = "sv" if idx % 2 == 0 else "en"
    sv = lang == "sv"
    ref = date(2025, 1, 1) + timedelta(days=rng.randrange(3 * 365))
    name, company = rng.choice(NAMES), rng.choice(COMPANIES)
    opener = rng.choice(SV_OPENERS if sv else EN_OPENERS).format(n=name, c=company)
    past = ref - timedelta(days=rng.randint(3, 20))
    past_txt = f"{past.day}/{past.month}"
    fut = ref + timedelta(days=rng.randint(40, 200))
    distract = rng.choice(SV_DISTRACTORS if sv else EN_DISTRACTORS).format(
        d=f"{fut.day}/{fut.month}", p=past_txt, o=rng.randint(100, 999)
    )
    record: dict = {"id": f"tpl-{lang}-{idx:04d}", "lang": lang, "note_date": ref.isoformat()}
    if rng.random() < 0.17:
        none = rng.choice(SV_NONE if sv else EN_NONE).format(n=name, p=past_txt)
        parts = [p for p in (opener, none, distract if rng.random() < 0.4 else "") if p]
        record.update(text=" ".join(parts), next_step=None, reason=None, when=None, rating=1)
        return record
    if rng.random() < 0.2:
        phrase, action = rng.choice(CUSTOMER_STEPS[lang])
        owner = "customer"
        subject = rng.choice(["Kunden", name, "De"] if sv else ["The customer", name, "They"])
        step_sentence_head = f"{subject} {phrase}" if sv else f"{subject} will {phrase}"
    else:
        phrase, action, owner = rng.choice(SV_STEPS if sv else EN_STEPS)
        step_sentence_head = phrase[0].upper() + phrase[1:] if rng.random() < 0.5 else phrase
        phrase = step_sentence_head
    wtext, gran, value = when_phrase(rng, lang, ref)
    has_when = rng.random() < 0.85
    rchoice = rng.random()
    if rchoice < 0.45:
        rtext, clear = rng.choice(SV_REASONS_CLEAR if sv else EN_REASONS_CLEAR), True
    elif rchoice < 0.75:
        rtext, clear = rng.choice(SV_REASONS_VAGUE if sv else EN_REASONS_VAGUE), False
    else:
        rtext, clear = None, False
    connector = (
        rng.choice(["för att", "för att", "ang.", "så att vi kan"])
        if sv
        else rng.choice(["to", "to", "re:", "so we can"])
    )
    order = rng.random()
    pieces = [step_sentence_head]
    if has_when and order < 0.5:
        pieces.append(wtext)
    if rtext:
        pieces.append(f"{connector} {rtext}")
    if has_when and order >= 0.5:
        pieces.append(wtext)
    sentence = " ".join(pieces) + rng.choice([".", "", "!"])
    if has_when and rng.random() < 0.3:
        rest = " ".join(p for p in pieces if p != wtext)
        wtext = wtext[0].upper() + wtext[1:]
        sentence = f"{wtext}: {rest}."
    layout = rng.random()
    body = [p for p in (opener, distract if rng.random() < 0.5 else "", sentence) if p]
    if layout < 0.3:
        text = "\n".join(f"- {b}" for b in body)
    elif layout < 0.45:
        text = "\n".join(body[:-1] + [("Nästa steg: " if sv else "Next steps: ") + sentence])
    else:
        text = " ".join(body)
    record["text"] = text
    record["next_step"] = {"text": phrase, "action": action, "owner": owner}
    record["reason"] = {"text": rtext, "clear": clear} if rtext else None
    record["when"] = {"text": wtext, "granularity": gran, "value": value} if has_when else None
    for field in ("next_step", "reason", "when"):
        f = record[field]
        if f is None:
            continue
        # The step sentence comes last, so a repeated phrase means its last occurrence.
        if text.find(f["text"]) != text.rfind(f["text"]):
            f["occurrence"] = text.count(f["text"])
    specific = action != "contact"
    when_clear = has_when and gran in ("date", "datetime")
    if specific and clear and has_when and gran == "datetime":
        rating = 5
    elif specific and clear and when_clear:
        rating = 4
    elif clear or when_clear:
        rating = 3
    else:
        rating = 2
    record["rating"] = rating
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "train_templated.jsonl")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8") as fh:
        for i in range(args.n):
            fh.write(json.dumps(make_note(rng, i + 1), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
