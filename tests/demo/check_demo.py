#!/usr/bin/env python3
"""Independent oracle for Haven's demo data set.

Reads persons.csv, services.csv and referrals.csv from the directory given on
the command line, checks them against the interchange format
(shared/spec/interchange.md), computes every indicator of
shared/spec/annual-report.md straight from its definitions, and the per-year
victim facts of shared/spec/demo-data.md, prints them, and exits non-zero if a
published figure (or a value src/core/demo.c documents as chosen) is not met.

It shares no code with the C generator or the C report engine: it is the
cross-check for both.  Standard library only.

    python3 tests/demo/check_demo.py DIR
"""

import csv
import datetime
import re
import sys
from collections import Counter, defaultdict

HOME = "AZE"
YEARS = range(2019, 2025)

PERSON_COLS = [
    "id", "status", "parent_id", "given_name", "family_name", "patronymic", "sex",
    "birth_date", "citizenship", "document_number", "phone", "address", "identified_on",
    "identification_source", "recognized_on", "decided_on", "exploitation",
    "country_of_exploitation",
]
SERVICE_COLS = ["id", "person_id", "service", "provider", "date", "end_date", "amount",
                "currency", "phase", "note"]
REFERRAL_COLS = ["id", "person_id", "from", "to", "purpose", "date", "status", "closed_on"]

STATUSES = {"potential_victim", "victim", "not_confirmed", "dependant"}
SUBJECT_STATUSES = {"potential_victim", "victim", "not_confirmed"}
SEXES = {"female", "male", "other"}
SOURCES = {"police", "citizen_appeal", "ngo_referral", "hotline", "foreign_authority",
           "self_referral", "labour_inspection", "other"}
EXPLOITATION = {"sexual", "labour", "domestic_servitude", "forced_criminality", "begging",
                "forced_marriage", "organ_removal", "other"}
AGENCIES = {"national_coordinator", "mia_ctd", "mia_shelter", "mia_support_fund",
            "ssa_assistance_center", "state_employment_agency", "bar_association", "ngo",
            "education", "civil_registry", "other"}
MONEY_SERVICES = {"one_time_allowance", "financial_assistance"}
SERVICES = MONEY_SERVICES | {
    "shelter", "medical_assistance", "social_assistance", "psychological_support",
    "legal_assistance", "legal_aid", "vocational_training", "employment", "repatriation",
    "identity_documents", "social_benefit_application", "boarding_school",
    "family_reunification", "school_supplies", "birth_certificate", "preschool_enrollment",
    "alimony", "case_management", "other"}
PHASES = {"investigation", "court"}
REFERRAL_STATUSES = {"sent", "accepted", "declined", "completed"}

ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
MONEY_RE = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
ALPHA3_RE = re.compile(r"^[A-Z]{3}$")

# Published figures: annual-report.md's table (2024 and 2023 columns).
PUBLISHED = {
    2024: {
        "victims_identified": 80, "allowance_recipients": 80, "allowance_total": "56000.00",
        "shelter_placements": 56, "vocational_training": 18, "employment": 9,
        "repatriation_foreign": 1, "identity_documents": 9, "social_benefit_applications": 11,
        "child_victims_boarding_school": 2, "family_reunification": 44,
        "assistance_center_referrals": 63, "assistance_center_psychological": 36,
        "assistance_center_legal": 13, "assistance_center_to_vocational": 3,
        "assistance_center_to_employment": 3, "assistance_center_children_supplies": 3,
        "potential_victims_assisted": 17, "support_fund_recipients": 88,
        "support_fund_total": "5050.00", "bar_legal_aid": 98, "bar_legal_aid_court": 70,
        "bar_legal_aid_investigation": 28, "children_school_supplies": 16,
        "children_birth_certificates": 12, "children_preschool": 10, "children_alimony": 10,
    },
    2023: {
        "victims_identified": 90, "shelter_placements": 68, "support_fund_recipients": 98,
        "support_fund_total": "5300.00",
    },
}

# Values the seed does not give, as chosen and documented at the top of src/core/demo.c.
CHOSEN = {
    2023: {
        "allowance_recipients": 90, "allowance_total": "63000.00", "vocational_training": 21,
        "employment": 12, "repatriation_foreign": 0, "identity_documents": 7,
        "social_benefit_applications": 14, "child_victims_boarding_school": 3,
        "family_reunification": 51, "assistance_center_referrals": 58,
        "assistance_center_psychological": 31, "assistance_center_legal": 15,
        "assistance_center_to_vocational": 4, "assistance_center_to_employment": 2,
        "assistance_center_children_supplies": 4, "potential_victims_assisted": 21,
        "bar_legal_aid": 104, "bar_legal_aid_court": 76, "bar_legal_aid_investigation": 31,
        "children_school_supplies": 14, "children_birth_certificates": 9,
        "children_preschool": 8, "children_alimony": 12,
    },
}

INDICATORS = list(PUBLISHED[2024])
MONEY_INDICATORS = {"allowance_total", "support_fund_total"}
# The main indicators of the five-year trend: none may be zero in 2020-2024.
TREND = ["victims_identified", "allowance_recipients", "shelter_placements",
         "support_fund_recipients", "support_fund_total", "bar_legal_aid",
         "assistance_center_referrals", "potential_victims_assisted"]

problems = []


def problem(msg):
    problems.append(msg)


# ---- reading and format checks ---------------------------------------------

def parse_date(text):
    try:
        if len(text) != 10:
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def money_minor(text):
    """'57.5' -> 5750 (qəpik), exactly; None when malformed."""
    if not MONEY_RE.match(text):
        return None
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def fmt_money(minor):
    return "%d.%02d" % (minor // 100, minor % 100)


def read_csv(directory, name, columns):
    path = "%s/%s" % (directory, name)
    with open(path, "rb") as f:
        raw = f.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        problem("%s: starts with a byte-order mark" % name)
    if b"\r" in raw:
        problem("%s: contains CR (line ends must be LF)" % name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problem("%s: not UTF-8: %s" % (name, e))
        return []
    rows = list(csv.reader(text.splitlines(keepends=True), strict=True))
    if not rows or rows[0] != columns:
        problem("%s: header is %r, expected %r" % (name, rows[0] if rows else None, columns))
        return []
    out = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            problem("%s:%d: %d cells, expected %d" % (name, line, len(row), len(columns)))
            continue
        rec = dict(zip(columns, row))
        rec["_line"] = line
        out.append(rec)
    return out


def check_ids(name, rows):
    seen = set()
    for r in rows:
        if not ID_RE.match(r["id"]):
            problem("%s:%d: id %r breaks the id rule" % (name, r["_line"], r["id"]))
        if r["id"] in seen:
            problem("%s:%d: id %s repeated" % (name, r["_line"], r["id"]))
        seen.add(r["id"])


def birth_latest(text):
    """The last day a written birth date allows (presumption of minority)."""
    if re.match(r"^\d{4}$", text):
        return datetime.date(int(text), 12, 31)
    if re.match(r"^\d{4}-\d{2}$", text):
        y, m = int(text[:4]), int(text[5:])
        nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
        return nxt - datetime.timedelta(days=1)
    return parse_date(text)


def minor_on(birth, on):
    """Under 18 on `on`; the 18th birthday is adult, 29 February comes of age on 1 March."""
    try:
        adult = birth.replace(year=birth.year + 18)
    except ValueError:
        adult = datetime.date(birth.year + 18, 3, 1)
    return on < adult


def check_person(p, by_id):
    where = "persons.csv:%d" % p["_line"]
    if p["status"] not in STATUSES:
        problem("%s: status %r" % (where, p["status"]))
    if p["sex"] not in SEXES:
        problem("%s: sex %r" % (where, p["sex"]))
    if not p["given_name"] or not p["family_name"]:
        problem("%s: name missing" % where)
    if p["birth_date"] and birth_latest(p["birth_date"]) is None:
        problem("%s: birth_date %r" % (where, p["birth_date"]))
    for col in ("citizenship", "country_of_exploitation"):
        if p[col] and not ALPHA3_RE.match(p[col]):
            problem("%s: %s %r" % (where, col, p[col]))
    for form in filter(None, p["exploitation"].split(";")):
        if form not in EXPLOITATION:
            problem("%s: exploitation %r" % (where, form))
    for col in ("identified_on", "recognized_on", "decided_on"):
        if p[col] and parse_date(p[col]) is None:
            problem("%s: %s %r is not a date" % (where, col, p[col]))
    if p["status"] == "dependant":
        parent = by_id.get(p["parent_id"])
        if not parent or parent["status"] == "dependant":
            problem("%s: dependant without a subject parent" % where)
        return
    if not parse_date(p["identified_on"]) or p["identification_source"] not in SOURCES:
        problem("%s: identified_on / identification_source missing or wrong" % where)
    if p["status"] == "victim":
        rec, ident = parse_date(p["recognized_on"]), parse_date(p["identified_on"])
        if not rec or (ident and rec < ident):
            problem("%s: recognized_on missing or before identified_on" % where)
    if p["status"] == "not_confirmed" and not parse_date(p["decided_on"]):
        problem("%s: not_confirmed without decided_on" % where)


def check_service(s, by_id):
    where = "services.csv:%d" % s["_line"]
    if s["person_id"] not in by_id:
        problem("%s: unknown person %s" % (where, s["person_id"]))
    if s["service"] not in SERVICES or s["provider"] not in AGENCIES:
        problem("%s: service/provider %s/%s" % (where, s["service"], s["provider"]))
    date = parse_date(s["date"])
    if not date:
        problem("%s: date %r" % (where, s["date"]))
    if s["end_date"]:
        end = parse_date(s["end_date"])
        if not end or (date and end < date):
            problem("%s: end_date %r" % (where, s["end_date"]))
    if s["service"] in MONEY_SERVICES and money_minor(s["amount"]) is None:
        problem("%s: money service without a valid amount" % where)
    if s["amount"] and money_minor(s["amount"]) is None:
        problem("%s: amount %r" % (where, s["amount"]))
    if s["currency"] and not ALPHA3_RE.match(s["currency"]):
        problem("%s: currency %r" % (where, s["currency"]))
    if s["service"] == "legal_aid" and s["phase"] not in PHASES:
        problem("%s: legal_aid without a phase" % where)


def check_referral(r, by_id):
    where = "referrals.csv:%d" % r["_line"]
    if r["person_id"] not in by_id:
        problem("%s: unknown person %s" % (where, r["person_id"]))
    if r["from"] not in AGENCIES or r["to"] not in AGENCIES or r["purpose"] not in SERVICES:
        problem("%s: from/to/purpose %s/%s/%s" % (where, r["from"], r["to"], r["purpose"]))
    date = parse_date(r["date"])
    if not date:
        problem("%s: date %r" % (where, r["date"]))
    status = r["status"] or "sent"
    if status not in REFERRAL_STATUSES:
        problem("%s: status %r" % (where, r["status"]))
    closed = parse_date(r["closed_on"]) if r["closed_on"] else None
    if r["closed_on"] and (not closed or (date and closed < date)):
        problem("%s: closed_on %r" % (where, r["closed_on"]))
    if status in ("declined", "completed") and not closed:
        problem("%s: %s without closed_on" % (where, status))


# ---- the model the definitions speak of -----------------------------------

class Data:
    def __init__(self, persons, services, referrals):
        self.persons = {p["id"]: p for p in persons}
        self.services = services
        self.referrals = referrals

    def person(self, pid):
        return self.persons.get(pid, {})

    def is_subject(self, pid):
        return self.person(pid).get("status") in SUBJECT_STATUSES

    def is_dependant(self, pid):
        return self.person(pid).get("status") == "dependant"

    def is_foreign(self, pid):
        c = self.person(pid).get("citizenship", "")
        return c != "" and c != HOME

    def is_child(self, pid):
        p = self.person(pid)
        if p.get("status") not in SUBJECT_STATUSES or not p.get("birth_date"):
            return False
        birth, ident = birth_latest(p["birth_date"]), parse_date(p["identified_on"])
        return bool(birth and ident and minor_on(birth, ident))

    def acts(self, year, service=None, provider=None, phase=None):
        for s in self.services:
            if s["date"][:4] != str(year):
                continue
            if service and s["service"] != service:
                continue
            if provider and s["provider"] != provider:
                continue
            if phase and s["phase"] != phase:
                continue
            yield s

    def sent(self, year, frm=None, to=None, purpose=None):
        for r in self.referrals:
            if r["date"][:4] != str(year):
                continue
            if (frm and r["from"] != frm) or (to and r["to"] != to):
                continue
            if purpose and r["purpose"] != purpose:
                continue
            yield r


def subjects_with(data, year, service, provider=None, phase=None, keep=None):
    keep = keep or data.is_subject
    return {s["person_id"] for s in data.acts(year, service, provider, phase)
            if keep(s["person_id"])}


def indicators(data, y):
    """Every indicator of annual-report.md for year y, from its definition."""
    v = {}
    v["victims_identified"] = sum(1 for p in data.persons.values()
                                  if p["recognized_on"][:4] == str(y))
    allowances = list(data.acts(y, "one_time_allowance"))
    v["allowance_recipients"] = len({s["person_id"] for s in allowances})
    v["allowance_total"] = sum(money_minor(s["amount"]) for s in allowances)
    v["shelter_placements"] = len({s["person_id"] for s in data.acts(y, "shelter", "mia_shelter")})
    v["vocational_training"] = len(subjects_with(data, y, "vocational_training"))
    v["employment"] = len(subjects_with(data, y, "employment"))
    v["repatriation_foreign"] = len(subjects_with(
        data, y, "repatriation", keep=lambda i: data.is_subject(i) and data.is_foreign(i)))
    v["identity_documents"] = len(subjects_with(data, y, "identity_documents"))
    v["social_benefit_applications"] = len(subjects_with(data, y, "social_benefit_application"))
    v["child_victims_boarding_school"] = len(subjects_with(
        data, y, "boarding_school", keep=data.is_child))
    v["family_reunification"] = len(subjects_with(data, y, "family_reunification"))
    v["assistance_center_referrals"] = len({r["person_id"] for r in
                                            data.sent(y, to="ssa_assistance_center")
                                            if data.is_subject(r["person_id"])})
    v["assistance_center_psychological"] = len(subjects_with(
        data, y, "psychological_support", "ssa_assistance_center"))
    v["assistance_center_legal"] = len(subjects_with(
        data, y, "legal_assistance", "ssa_assistance_center"))
    for key, purpose in (("assistance_center_to_vocational", "vocational_training"),
                         ("assistance_center_to_employment", "employment")):
        v[key] = len({r["person_id"] for r in
                      data.sent(y, "ssa_assistance_center", "state_employment_agency", purpose)
                      if data.is_subject(r["person_id"])})
    v["assistance_center_children_supplies"] = len({
        data.person(s["person_id"]).get("parent_id")
        for s in data.acts(y, "school_supplies", "ssa_assistance_center")
        if data.is_dependant(s["person_id"])
        and data.is_subject(data.person(s["person_id"]).get("parent_id", ""))})
    v["potential_victims_assisted"] = potential_victims_assisted(data, y)
    fund = [s for s in data.acts(y, "financial_assistance", "mia_support_fund")
            if data.is_subject(s["person_id"])]
    v["support_fund_recipients"] = len({s["person_id"] for s in fund})
    v["support_fund_total"] = sum(money_minor(s["amount"]) for s in fund)
    v["bar_legal_aid"] = len(subjects_with(data, y, "legal_aid", "bar_association"))
    v["bar_legal_aid_court"] = len(subjects_with(data, y, "legal_aid", "bar_association",
                                                 "court"))
    v["bar_legal_aid_investigation"] = len(subjects_with(data, y, "legal_aid",
                                                         "bar_association", "investigation"))
    for key, service in (("children_school_supplies", "school_supplies"),
                         ("children_birth_certificates", "birth_certificate"),
                         ("children_preschool", "preschool_enrollment"),
                         ("children_alimony", "alimony")):
        v[key] = len(subjects_with(data, y, service, keep=data.is_dependant))
    return v


def potential_victims_assisted(data, y):
    served = {s["person_id"] for s in data.acts(y)}
    end = "%d-12-31" % y
    n = 0
    for pid, p in data.persons.items():
        if p["status"] not in SUBJECT_STATUSES or p["identified_on"][:4] != str(y):
            continue
        if p["identification_source"] not in ("citizen_appeal", "ngo_referral"):
            continue
        if p["recognized_on"] and p["recognized_on"] <= end:
            continue
        n += pid in served
    return n


def show(key, value):
    return fmt_money(value) if key in MONEY_INDICATORS else str(value)


# ---- demo-data.md: victims per year ----------------------------------------

def victim_facts(data, y):
    vs = [pid for pid, p in data.persons.items() if p["recognized_on"][:4] == str(y)]
    f = {"victims": len(vs)}
    f["sex"] = Counter(data.person(i)["sex"] for i in vs)
    f["children"] = sum(data.is_child(i) for i in vs)
    f["foreign"] = sum(data.is_foreign(i) for i in vs)
    f["citizenship"] = Counter(data.person(i)["citizenship"] or "(absent)" for i in vs)
    f["forms"] = Counter(form for i in vs for form in data.person(i)["exploitation"].split(";")
                         if form)
    f["sexual_by_country"] = Counter(
        data.person(i)["country_of_exploitation"] for i in vs
        if "sexual" in data.person(i)["exploitation"].split(";"))
    f["labour_inside"] = sum(
        1 for i in vs if "labour" in data.person(i)["exploitation"].split(";")
        and data.person(i)["country_of_exploitation"] == HOME)
    f["men_in_labour"] = sum(
        1 for i in vs if data.person(i)["sex"] == "male"
        and "labour" in data.person(i)["exploitation"].split(";"))
    repatriated = subjects_with(data, y, "repatriation")
    f["foreign_repatriated"] = sum(1 for i in vs if data.is_foreign(i) and i in repatriated)
    return f


def expect(label, got, want):
    ok = got == want
    if not ok:
        problem("%s: %r, published %r" % (label, got, want))
    return ok


def check_victim_facts(f, y):
    """demo-data.md's table; 2023's labour count follows demo.c's documented resolution."""
    def e(what, got, want):
        expect("%d %s" % (y, what), got, want)

    published_victims = {2019: 91, 2020: 94, 2021: 95, 2022: 94, 2023: 90, 2024: 80}
    e("victims", f["victims"], published_victims[y])
    sexes = {2019: (85, 6), 2021: (94, 1), 2022: (93, 1), 2023: (89, 1)}
    if y in sexes:
        e("female", f["sex"]["female"], sexes[y][0])
        e("male", f["sex"]["male"], sexes[y][1])
    children = {2019: 1, 2020: 2, 2021: 0, 2022: 6, 2023: 0}
    if y in children:
        e("children", f["children"], children[y])
    if y == 2019:
        e("foreign", f["foreign"], 2)
        e("foreign citizenships", sorted(c for c in f["citizenship"] if c != HOME),
          ["TJK", "UZB"])
        e("men in forced labour", (f["men_in_labour"], f["sex"]["male"]), (6, 6))
    if y == 2020:
        e("foreign", f["foreign"], 1)
        e("Russian citizens", f["citizenship"]["RUS"], 1)
        e("in forced labour inside the country", f["labour_inside"], 9)
        e("in forced labour", f["forms"]["labour"], 9)
    if y in (2021, 2023):
        e("foreign", f["foreign"], 0)
    if y == 2023:
        e("Azerbaijani citizens", f["citizenship"][HOME], 90)
        e("sexual exploitation by country", dict(f["sexual_by_country"]),
          {"TUR": 28, "RUS": 28, "ARE": 15, "BHR": 10, "QAT": 4, "IRN": 3, "IRQ": 1})
        e("in labour (one also sexual, see demo.c)", f["forms"]["labour"], 2)
    if y == 2024:
        e("at least 2 children", f["children"] >= 2, True)
        e("at least 1 foreign, repatriated", f["foreign_repatriated"] >= 1, True)


# ---- demo-data.md: where the record is silent ------------------------------

def structure_facts(data):
    """Facts the demo promises beyond the figures; each must hold."""
    facts = {}
    subjects = [p for p in data.persons.values() if p["status"] in SUBJECT_STATUSES]
    for y in YEARS:
        for src in ("ngo_referral", "citizen_appeal"):
            facts["%d potential victims via %s" % (y, src)] = sum(
                1 for p in subjects if p["identified_on"][:4] == str(y)
                and p["identification_source"] == src and p["status"] != "victim")
        facts["%d months with services" % y] = len({s["date"][5:7] for s in data.acts(y)})
        facts["%d referrals" % y] = sum(1 for _ in data.sent(y))
    facts["not_confirmed persons"] = sum(p["status"] == "not_confirmed" for p in subjects)
    facts["victims recognised the year after identification"] = sum(
        1 for p in subjects if p["recognized_on"]
        and p["recognized_on"][:4] > p["identified_on"][:4])
    facts["shelter stays crossing 31 December"] = sum(
        1 for s in data.services if s["service"] == "shelter" and s["end_date"]
        and s["end_date"][:4] > s["date"][:4])
    years_served = defaultdict(set)
    for s in data.services:
        years_served[s["person_id"]].add(s["date"][:4])
    facts["persons served in several years"] = sum(len(v) > 1 for v in years_served.values())
    for service in ("school_supplies", "birth_certificate", "preschool_enrollment", "alimony"):
        facts["dependants with %s" % service] = len({
            s["person_id"] for s in data.services
            if s["service"] == service and data.is_dependant(s["person_id"])})
    statuses = Counter(r["status"] or "sent" for r in data.referrals)
    for st in sorted(REFERRAL_STATUSES):
        facts["referrals %s" % st] = statuses[st]
    facts["mia_ctd -> ssa_assistance_center referrals"] = sum(
        1 for r in data.referrals if r["from"] == "mia_ctd" and r["to"] == "ssa_assistance_center")
    facts["support fund payments with qəpik"] = sum(
        1 for s in data.services if s["service"] == "financial_assistance"
        and money_minor(s["amount"]) % 100 != 0)
    facts["notes with a comma, a quote and a line break"] = sum(
        1 for s in data.services if all(c in s["note"] for c in ",\"\n"))
    return facts


def main(argv):
    if len(argv) != 2:
        print("usage: check_demo.py DIR", file=sys.stderr)
        return 2
    d = argv[1]
    persons = read_csv(d, "persons.csv", PERSON_COLS)
    services = read_csv(d, "services.csv", SERVICE_COLS)
    referrals = read_csv(d, "referrals.csv", REFERRAL_COLS)
    for name, rows in (("persons.csv", persons), ("services.csv", services),
                       ("referrals.csv", referrals)):
        check_ids(name, rows)
    by_id = {p["id"]: p for p in persons}
    for p in persons:
        check_person(p, by_id)
    for s in services:
        check_service(s, by_id)
    for r in referrals:
        check_referral(r, by_id)
    data = Data(persons, services, referrals)
    print("rows: persons %d, services %d, referrals %d" % (len(persons), len(services),
                                                           len(referrals)))

    values = {y: indicators(data, y) for y in YEARS}
    print("\n%-38s" % "indicator" + "".join("%10d" % y for y in YEARS) + "  check")
    for key in INDICATORS:
        line = "%-38s" % key + "".join("%10s" % show(key, values[y][key]) for y in YEARS)
        marks = []
        for y in (2023, 2024):
            for kind, table in (("published", PUBLISHED), ("chosen", CHOSEN)):
                want = table.get(y, {}).get(key)
                if want is None:
                    continue
                got = show(key, values[y][key])
                ok = expect("%d %s (%s)" % (y, key, kind), got, str(want))
                marks.append("%d %s%s" % (y, kind, "" if ok else " MISMATCH"))
        print(line + "  " + ", ".join(marks))
    for key in TREND:
        for y in range(2020, 2025):
            if not values[y][key]:
                problem("%d %s is 0: no trend" % (y, key))
    allowance_2024 = {s["person_id"] for s in data.acts(2024, "one_time_allowance")}
    victims_2024 = {i for i, p in data.persons.items() if p["recognized_on"][:4] == "2024"}
    expect("2024: each victim received the allowance", allowance_2024 == victims_2024, True)

    print("\nvictims recognised per year (demo-data.md)")
    for y in YEARS:
        f = victim_facts(data, y)
        check_victim_facts(f, y)
        print("%d: %d victims; sex %s; children %d; foreign %d %s; forms %s; sexual by "
              "country %s; labour inside %d; foreign repatriated %d" % (
                  y, f["victims"], dict(f["sex"]), f["children"], f["foreign"],
                  sorted(c for c in f["citizenship"] if c not in (HOME, "(absent)")),
                  dict(f["forms"]), dict(f["sexual_by_country"]), f["labour_inside"],
                  f["foreign_repatriated"]))

    print("\nwhere the record is silent (each must be at least 1; services in all 12 months)")
    for key, value in structure_facts(data).items():
        print("  %-55s %d" % (key, value))
        if value < 1:
            problem("%s: none" % key)
        if key.endswith("months with services") and value != 12:
            problem("%s: %d, services should spread over the year" % (key, value))

    if problems:
        print("\nFAILED: %d problem(s)" % len(problems))
        for p in problems:
            print("  " + p)
        return 1
    print("\nOK: every published and chosen figure is met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
