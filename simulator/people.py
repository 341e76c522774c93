"""Realistic callers for the demo: names and E.164 numbers from ranges reserved for fiction
(NANP 555-01xx, Ofcom's drama ranges, ACMA's 0491 570), so no real subscriber is ever shown."""

import random
from dataclasses import dataclass

FIRST_NAMES = (
    "Olivia", "Liam", "Amara", "Noah", "Sofia", "Mateo", "Priya", "Lucas", "Chloe", "Kenji", "Fatima",
    "Ethan", "Isabella", "Oluwaseun", "Mia", "Diego", "Hannah", "Arjun", "Grace", "Tomás", "Zoe", "Mohammed",
    "Emily", "Jonas", "Aisha", "Daniel", "Camille", "Wei", "Nora", "Samuel", "Leila", "Patrick", "Ingrid",
    "Rafael",
)  # fmt: skip
LAST_NAMES = (
    "Johnson", "Okafor", "Nguyen", "García", "Müller", "Patel", "Kowalski", "O'Brien", "Rossi", "Tanaka",
    "Haddad", "Smith", "Fernandes", "Andersson", "Dubois", "Chen", "Murphy", "Khan", "Novak", "Schmidt",
    "Walsh", "Silva", "Kim", "Brown", "Ivanova", "Moreau", "Lindqvist", "Mensah", "Romero", "Fischer",
)  # fmt: skip
BUSINESSES = (
    "ACME LOGISTICS", "NORTHWIND TRADERS", "CONTOSO LTD", "GLOBEX CORP", "INITECH", "UMBRELLA HEALTH",
    "STARK INDUSTRIES", "WAYNE ENTERPRISES", "HOOLI", "VANDELAY IMPORTS",
)  # fmt: skip
CONFERENCE_NAMES = (
    "Weekly sales sync", "Incident bridge", "Board prep", "Customer escalation", "Design review",
    "Quarterly planning", "Support huddle", "Partner onboarding", "Release go/no-go", "Legal review",
)  # fmt: skip
AU_FICTIONAL = tuple(
    f"+61491{rest}"
    for rest in ("570006", "570156", "570157", "570158", "570159", "570110", "570313", "570737")
)
US_AREA_CODES = ("212", "312", "415", "646", "718", "202", "305", "512", "617", "206", "303", "404", "702")
# The company's own numbers, which inbound calls dial and outbound calls present.
COMPANY_NUMBERS = tuple(f"+1312555{suffix:04d}" for suffix in range(100, 110))
QUEUES = ("support", "sales", "billing")
TIERS = ("gold", "silver", "bronze")


@dataclass(frozen=True)
class Person:
    name: str
    number: str


def number(rng: random.Random) -> str:
    """An E.164 number in a fictional range: mostly North American, some UK and Australian."""
    roll = rng.random()
    if roll < 0.7:
        return f"+1{rng.choice(US_AREA_CODES)}5550{rng.randint(100, 199)}"
    if roll < 0.8:
        return f"+44207946{rng.randint(0, 999):04d}"
    if roll < 0.9:
        return f"+447700900{rng.randint(0, 999):03d}"
    return rng.choice(AU_FICTIONAL)


def caller(rng: random.Random) -> Person:
    """Someone calling in; caller ID names come as the network sends them, often upper case."""
    if rng.random() < 0.12:
        name = rng.choice(BUSINESSES)
    else:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if rng.random() < 0.4:
            name = name.upper()
    return Person(name=name, number=number(rng))


def agent(rng: random.Random) -> Person:
    return Person(name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", number=number(rng))


def company_number(rng: random.Random) -> str:
    return rng.choice(COMPANY_NUMBERS)


def conference_name(rng: random.Random) -> str:
    return f"{rng.choice(CONFERENCE_NAMES)} #{rng.randint(1000, 9999)}"


def custom_headers(rng: random.Random) -> list[dict[str, str]]:
    """X- headers a PBX or CRM in front of the number might add to some calls."""
    headers = [{"name": "X-Customer-Tier", "value": rng.choice(TIERS)}]
    if rng.random() < 0.5:
        headers.append({"name": "X-Account-Id", "value": f"ACC-{rng.randint(10000, 99999)}"})
    return headers


def sip_headers(rng: random.Random) -> list[dict[str, str]]:
    return [{"name": "User-to-User", "value": f"{rng.getrandbits(64):016x};encoding=hex"}]
