"""Time `careers build` on synthetic sites of 1,000 to 50,000 jobs, side by side with Hugo.

    python bench/scale.py --jobs 1000 10000 50000 --runs 3 [--per-page N] [--both | --hugo-no-og-cards]
        [--no-hugo] [--keep DIR] [--json FILE] [--diff]

For each size, writes a deterministic two-language site (half the jobs in English, half in
French, a quarter of them French translations of English ones) twice: once for the local
source of the generator next to this script, once as a Hugo site whose templates produce the
same markup, listings paginated alike (`--per-page`, default careers' own). Hugo draws an Open
Graph card per job as careers does; `--hugo-no-og-cards` drops them, `--both` times Hugo both
ways. Then, `--runs` times each, runs as a subprocess:
- full: empty output and cache folders;
- no-change: the same command again;
- one-changed: one job's description edited, then the command again (a quick rebuild: the summary says so);
- one-retitled (careers only): the same job's title edited instead, which listings show (a full, keyed rebuild);
and records wall time, peak memory (the larger of the build process's peak RSS from `os.wait4`
and the sum of PSS over its process tree, workers included, sampled every 50 ms), files written (careers' summary line) and files touched
(output files whose inode, size or mtime changed). Prints the median and range of the runs
and the ratios issue 9 is judged on; `--json` saves every run.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import html
import json
import os
import platform
import random
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import zlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEED = 9  # issue 9
SITE_URL = "https://careers.northwind.example"
SITE_TITLE = "Careers at Northwind"
SITE_DESCRIPTION = "Open positions at Northwind: engineering, data, design, sales and operations jobs in Europe and North America."
ORG_NAME = "Northwind"
ORG_URL = "https://northwind.example"
ORG_SAME_AS = ["https://northwind.example", "https://www.linkedin.com/company/northwind-example"]
ORG_DESCRIPTION = "Northwind builds the software that 2,000 logistics companies use to plan their deliveries. About 900 people in twelve offices."
OPEN_APPLICATION_URL = "mailto:jobs@northwind.example?subject=Open%20application"

# What the generator prints at the end of a build (generator/summary.py). A change of format
# must stop the benchmark, not turn into wrong figures.
WROTE = re.compile(r"^wrote (\d+) files, removed (\d+), (\d+) unchanged -> ", re.MULTILINE)
NO_FILE_CHANGED = re.compile(r"^no file changed \((\d+) files\) -> ", re.MULTILINE)
ELAPSED = re.compile(r"; (\d+(?:\.\d+)?)s$", re.MULTILINE)
QUICK = "(quick rebuild"  # in the summary's "job pages" line

# -- the synthetic company -------------------------------------------------------------------

COUNTRIES = {  # code: (English name, French name, currency), as Babel names them
    "FR": ("France", "France", "EUR"),
    "DE": ("Germany", "Allemagne", "EUR"),
    "GB": ("United Kingdom", "Royaume-Uni", "GBP"),
    "NL": ("Netherlands", "Pays-Bas", "EUR"),
    "ES": ("Spain", "Espagne", "EUR"),
    "PT": ("Portugal", "Portugal", "EUR"),
    "CA": ("Canada", "Canada", "CAD"),
    "US": ("United States", "États-Unis", "USD"),
}
OFFICES = [  # name, street, postal code, city, region, country
    ("Paris", "12 rue des Petites Écuries", "75010", "Paris", None, "FR"),
    ("Lyon", "5 place Bellecour", "69002", "Lyon", None, "FR"),
    ("Bordeaux", "20 quai des Chartrons", "33000", "Bordeaux", "Nouvelle-Aquitaine", "FR"),
    ("Berlin", "Torstraße 109", "10119", "Berlin", "Berlin", "DE"),
    ("Munich", "Leopoldstraße 12", "80802", "München", "Bayern", "DE"),
    ("London", "1 Finsbury Avenue", "EC2M 2PF", "London", "England", "GB"),
    ("Amsterdam", "Herengracht 420", "1017 BZ", "Amsterdam", None, "NL"),
    ("Madrid", "Calle de Alcalá 45", "28014", "Madrid", None, "ES"),
    ("Barcelona", "Carrer de Pallars 99", "08018", "Barcelona", "Catalonia", "ES"),
    ("Lisbon", "Avenida da Liberdade 110", "1250-146", "Lisboa", None, "PT"),
    ("Montréal", "1000 rue De La Gauchetière", "H3B 4W5", "Montréal", "Quebec", "CA"),
    ("New York", "85 Broad Street", "10004", "New York", "NY", "US"),
]
DEPARTMENTS = {  # name: (description, roles (English, French), specialities, tags, yearly salary floor)
    "Engineering": (
        "We build and run the planning platform: APIs, solvers, apps.",
        [("Backend Engineer", "Ingénieur·e backend"), ("Frontend Engineer", "Ingénieur·e frontend"),
         ("Site Reliability Engineer", "Ingénieur·e fiabilité (SRE)"), ("Mobile Engineer", "Développeur·se mobile"),
         ("Engineering Manager", "Responsable d'équipe technique"), ("Security Engineer", "Ingénieur·e sécurité")],
        ["Python", "Go", "Routing", "Payments", "Search", "Mobile apps", "Platform"],
        ["python", "go", "kubernetes", "postgresql", "on-call", "typescript", "react", "aws"], 52000),
    "Data & Analytics": (
        "We turn millions of deliveries a day into forecasts our customers trust.",
        [("Data Engineer", "Ingénieur·e data"), ("Data Scientist", "Data scientist"), ("Analytics Engineer", "Analytics engineer"),
         ("Machine Learning Engineer", "Ingénieur·e machine learning")],
        ["Forecasting", "Pricing", "Warehouse", "Experimentation"],
        ["sql", "python", "dbt", "machine learning", "airflow", "statistics"], 50000),
    "Product & Design": (
        "We make route planning feel calm for dispatchers and drivers.",
        [("Product Designer", "Product designer"), ("UX Researcher", "Chercheur·se UX"), ("Content Designer", "Content designer")],
        ["Driver app", "Dispatch", "Design system", "Onboarding"],
        ["figma", "design system", "research", "accessibility", "ux"], 45000),
    "Product Management": (
        "We decide what to build next, with customers in the room.",
        [("Product Manager", "Product manager"), ("Technical Product Manager", "Product manager technique")],
        ["Routing", "Integrations", "Billing", "Analytics"],
        ["roadmap", "discovery", "b2b", "analytics"], 55000),
    "Sales": (
        "We help carriers and retailers choose a tool their teams will actually use.",
        [("Account Executive", "Chargé·e d'affaires"), ("Sales Development Representative", "Business developer"),
         ("Sales Engineer", "Ingénieur·e avant-vente")],
        ["DACH", "Benelux", "Iberia", "UK & Ireland", "Mid-market", "Enterprise"],
        ["saas", "b2b", "logistics", "negotiation", "dach", "benelux"], 40000),
    "Marketing": (
        "We tell logistics teams what Northwind can do for them.",
        [("Content Marketing Manager", "Responsable marketing de contenu"), ("Growth Marketer", "Growth marketer"),
         ("Event Manager", "Chargé·e d'événements")],
        ["France", "Spain", "Germany", "Brand", "Demand generation"],
        ["seo", "content", "events", "growth", "brand"], 40000),
    "Customer Success": (
        "We make sure every customer gets the routes they were promised.",
        [("Customer Success Manager", "Customer success manager"), ("Support Specialist", "Chargé·e de support"),
         ("Implementation Consultant", "Consultant·e en déploiement")],
        ["Enterprise", "SMB", "Healthcare", "Retail"],
        ["onboarding", "training", "support", "santé", "relation client"], 36000),
    "Finance": (
        "We keep the numbers right and the company funded.",
        [("Financial Controller", "Contrôleur·se de gestion"), ("Accountant", "Comptable"), ("FP&A Analyst", "Analyste FP&A")],
        ["Group", "Subsidiaries", "Revenue"],
        ["controlling", "accounting", "fp&a", "payroll"], 45000),
    "People": (
        "We hire, grow and look after the people of Northwind.",
        [("Recruiter", "Chargé·e de recrutement"), ("People Partner", "People partner"), ("Learning Manager", "Responsable formation")],
        ["Tech", "Sales", "Europe", "North America"],
        ["recruiting", "hr", "learning", "well-being"], 40000),
    "Operations": (
        "Workplace, procurement and legal: we keep Northwind running.",
        [("Workplace Coordinator", "Coordinateur·rice des services généraux"), ("Legal Counsel", "Juriste"),
         ("Procurement Specialist", "Acheteur·se")],
        ["Offices", "Contracts", "Vendors"],
        ["workplace", "procurement", "legal", "logistics"], 34000),
}  # fmt: skip
SENIORITY = [("", ""), ("Senior ", " senior"), ("Staff ", " confirmé·e"), ("Junior ", " junior"), ("Lead ", " lead")]

TEXT = {
    "en": {
        "intro": [
            "Northwind plans the deliveries of 2,000 carriers across Europe and North America, and {team} is where much of that work starts.",
            "As a {role} in our {office} office, you will work with people who care about getting parcels to the right door on time.",
            "We are a team of {size} people, and we ship small changes every day rather than big bangs every quarter.",
            "This role was opened because our customers doubled in the last eighteen months and we want to keep answering them within the day.",
            "You will join a team that reviews its own work with kindness, writes things down, and takes holidays seriously.",
            "Our dispatchers start their day at 5 am; the software we build has to be ready before they are.",
            "We sell to companies of every size, from a single bakery with three vans to national postal operators.",
        ],
        "do": [
            "Own {speciality} from the first design review to the on-call rotation",
            "Work with dispatchers and drivers every month to see how the product is really used",
            "Write short design documents and review those of your colleagues",
            "Measure what matters: delivery success rate, planning time, support tickets",
            "Mentor one or two colleagues and help us hire the next ones",
            "Make the routing engine's results **easier to explain** to non-specialists",
            "Keep our documentation at [docs.northwind.example](https://docs.northwind.example) accurate",
            "Take part in the quarterly planning of {team}",
            "Turn customer feedback into small, well-tested improvements",
            "Run workshops with customers in {country} and across Europe",
        ],
        "you": [
            "{years} years or more of experience in a similar role",
            "At ease in English; French, German or Spanish is a plus",
            "You explain trade-offs clearly, in writing and out loud",
            "You have shipped something you are proud of and can tell us why",
            "Curious about logistics: no prior experience in the sector needed",
            "You prefer boring, reliable solutions to clever ones",
            "Comfortable with `SQL` and spreadsheets for quick analyses",
            "You like working with people from other teams and countries",
        ],
        "offer": [
            "A salary in the published range, reviewed every year, and equity for every employee.",
            "Up to three days a week of remote work, and a budget to set up your home office.",
            "Twenty-eight days of paid holiday, plus the public holidays of {country}.",
            "A learning budget of 1,500 euros a year and two days to spend it.",
            "Parental leave of sixteen weeks for every parent, fully paid.",
        ],
        "perks": ["Health insurance for you and your family", "Train travel between offices", "A yearly team retreat", "Lunch vouchers"],
        "process": ["A 30-minute call with a recruiter", "A conversation with your future manager", "A practical exercise, paid, in your own time",
                    "Meeting two future colleagues"],
        "headings": ("What you will do", "Who you are", "What we offer", "How we hire"),
    },
    "fr": {
        "intro": [
            "Northwind planifie les livraisons de 2 000 transporteurs en Europe et en Amérique du Nord, et l'équipe {team} est au cœur de ce travail.",
            "En tant que {role} dans notre bureau de {office}, vous travaillerez avec des personnes attachées à livrer chaque colis à la bonne porte.",
            "Nous sommes une équipe de {size} personnes, et nous livrons de petites améliorations chaque jour plutôt qu'une grande version par trimestre.",
            "Ce poste est ouvert parce que le nombre de nos clients a doublé en dix-huit mois et que nous voulons continuer à leur répondre dans la journée.",
            "Vous rejoindrez une équipe qui relit son travail avec bienveillance, écrit ses décisions et prend ses congés au sérieux.",
            "Nos répartiteurs commencent leur journée à 5 h : le logiciel que nous construisons doit être prêt avant eux.",
            "Nos clients vont de la boulangerie avec trois camionnettes aux opérateurs postaux nationaux.",
        ],
        "do": [
            "Prendre en charge {speciality}, de la revue de conception à l'astreinte",
            "Rencontrer chaque mois des répartiteurs et des chauffeurs pour voir comment le produit est utilisé",
            "Rédiger de courts documents de conception et relire ceux de vos collègues",
            "Mesurer ce qui compte : taux de livraison réussie, temps de planification, tickets de support",
            "Accompagner une ou deux personnes de l'équipe et nous aider à recruter les suivantes",
            "Rendre les résultats du moteur de tournées **plus faciles à expliquer**",
            "Tenir à jour notre documentation sur [docs.northwind.example](https://docs.northwind.example)",
            "Participer à la planification trimestrielle de l'équipe {team}",
            "Transformer les retours clients en petites améliorations bien testées",
            "Animer des ateliers avec nos clients en {country} et ailleurs en Europe",
        ],
        "you": [
            "Au moins {years} ans d'expérience sur un poste similaire",
            "À l'aise en anglais ; l'allemand ou l'espagnol est un plus",
            "Vous savez expliquer des compromis clairement, à l'écrit comme à l'oral",
            "Vous avez livré quelque chose dont vous êtes fier ou fière, et vous savez dire pourquoi",
            "Curieux ou curieuse de logistique : aucune expérience du secteur n'est requise",
            "Vous préférez les solutions simples et fiables aux solutions astucieuses",
            "À l'aise avec `SQL` et les tableurs pour des analyses rapides",
            "Vous aimez travailler avec des personnes d'autres équipes et d'autres pays",
        ],
        "offer": [
            "Un salaire dans la fourchette publiée, revu chaque année, et des actions pour chaque salarié·e.",
            "Jusqu'à trois jours de télétravail par semaine, et un budget pour équiper votre bureau à domicile.",
            "Vingt-huit jours de congés payés, plus les jours fériés en {country}.",
            "Un budget formation de 1 500 euros par an et deux jours pour en profiter.",
            "Un congé parental de seize semaines pour chaque parent, intégralement payé.",
        ],
        "perks": ["Une mutuelle pour vous et votre famille", "Les trajets en train entre bureaux", "Un séminaire d'équipe chaque année", "Des titres-restaurant"],
        "process": ["Un appel de 30 minutes avec une personne du recrutement", "Un entretien avec votre futur·e manager",
                    "Un exercice pratique, rémunéré, à faire quand vous voulez", "Une rencontre avec deux futurs collègues"],
        "headings": ("Vos missions", "Votre profil", "Ce que nous offrons", "Notre processus de recrutement"),
    },
}  # fmt: skip
EMPLOYMENT = [("FULL_TIME",) * 1] * 14 + [("PART_TIME",), ("PART_TIME",), ("CONTRACTOR",), ("TEMPORARY",), ("INTERN",), ("FULL_TIME", "PART_TIME")]
REMOTE = ["no"] * 7 + ["hybrid"] * 7 + ["occasional"] * 3 + ["full"] * 3
EDUCATION = ["high school", "bachelor degree", "bachelor degree", "postgraduate degree", "professional certificate"]


def slugify(text: str) -> str:
    """Return the URL segment careers makes of a name (generator/model.py `slugify`)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclasses.dataclass
class SyntheticJob:
    """One job, as both generators receive it."""

    id: str
    language: str
    title: str
    department: str  # department name
    offices: list[int]  # indexes in OFFICES
    employment_types: tuple[str, ...]
    remote: str
    remote_countries: list[str]
    salary: dict[str, Any] | None
    experience_months: int | None
    education: str | None
    date_posted: date
    updated_at: str | None
    valid_through: date | None
    apply_url: str
    tags: list[str]
    translation_of: str | None
    body: str

    @property
    def slug(self) -> str:
        return "-".join(part for part in (slugify(self.title)[:60].strip("-"), slugify(self.id)) if part)

    @property
    def sort_key(self) -> tuple[str, str, str]:
        """How careers orders a language's jobs (render.py `_sections`)."""
        return (self.department.lower(), self.title.lower(), self.id)


def make_body(rng: random.Random, language: str, fields: dict[str, str]) -> str:
    """Return a ~1.5 kB Markdown description: an intro, headed lists, an offer, sometimes the process."""
    text = TEXT[language]
    headings = text["headings"]
    parts = [" ".join(rng.sample(text["intro"], 3)).format(**fields), " ".join(rng.sample(text["intro"], 2)).format(**fields)]
    parts.append(f"## {headings[0]}\n\n" + "\n".join(f"- {item}" for item in rng.sample(text["do"], rng.randint(4, 6))).format(**fields))
    parts.append(f"## {headings[1]}\n\n" + "\n".join(f"- {item}" for item in rng.sample(text["you"], rng.randint(4, 5))).format(**fields))
    offer = " ".join(rng.sample(text["offer"], 2)).format(**fields)
    parts.append(f"## {headings[2]}\n\n{offer}\n\n" + "\n".join(f"- {perk}" for perk in rng.sample(text["perks"], 3)))
    if rng.random() < 0.5:
        parts.append(f"## {headings[3]}\n\n" + "\n".join(f"{n}. {step}" for n, step in enumerate(text["process"], 1)))
    return "\n\n".join(parts) + "\n"


def make_jobs(count: int, seed: int = SEED) -> list[SyntheticJob]:
    """Return `count` jobs, even indexes English, odd French; every other French job translates the English one before it."""
    rng = random.Random(seed)
    jobs: list[SyntheticJob] = []
    picks: dict[str, tuple[int, str, tuple[str, str]]] = {}  # id -> (role, speciality, seniority), reused by its translation
    names = list(DEPARTMENTS)
    for n in range(count):
        language = "en" if n % 2 == 0 else "fr"
        original = jobs[n - 1] if language == "fr" and n % 4 == 1 else None
        if original:
            department, offices, kinds, remote = original.department, original.offices, original.employment_types, original.remote
            role_index, speciality, seniority = picks[original.id]
        else:
            department = rng.choice(names)
            offices = rng.sample(range(len(OFFICES)), 2 if rng.random() < 0.15 else 1)
            kinds = rng.choice(EMPLOYMENT)
            remote = rng.choice(REMOTE)
            role_index = rng.randrange(len(DEPARTMENTS[department][1]))
            speciality = rng.choice(DEPARTMENTS[department][2])
            seniority = rng.choice(SENIORITY)
        _, roles, _, tag_pool, floor = DEPARTMENTS[department]
        role = roles[role_index][0 if language == "en" else 1]
        title = f"{seniority[0]}{role} ({speciality})" if language == "en" else f"{role}{seniority[1]} ({speciality})"
        if "INTERN" in kinds:
            title = f"{role} intern ({speciality})" if language == "en" else f"Stage {role.lower()} ({speciality})"
        job_id = f"NW-{n:06d}"
        picks[job_id] = (role_index, speciality, seniority)
        first = OFFICES[offices[0]]
        country = first[5]
        currency = COUNTRIES[country][2]
        if original:
            salary, months, education = original.salary, original.experience_months, original.education
            posted, updated, valid, tags = original.date_posted, original.updated_at, original.valid_through, original.tags
        else:
            salary = None
            if rng.random() < 0.8:
                if "INTERN" in kinds:
                    salary = {"min": rng.choice([1200, 1400, 1600]), "currency": currency, "unit": "MONTH"}
                elif kinds == ("PART_TIME",):
                    low = rng.randrange(18, 30)
                    salary = {"min": low, "max": low + rng.randrange(2, 8), "currency": currency, "unit": "HOUR"}
                else:
                    low = floor + 1000 * rng.randrange(0, 40)
                    salary = {"min": low, "max": low + 1000 * rng.randrange(5, 25), "currency": currency, "unit": "YEAR"}
            months = rng.choice([None, None, 6, 12, 24, 36, 48, 60, 18, 96])
            education = rng.choice(EDUCATION) if rng.random() < 0.4 else None
            posted = date(2026, 1, 5) + timedelta(days=rng.randrange(280))
            updated = f"{posted + timedelta(days=rng.randrange(1, 20))}T09:30:00+01:00" if rng.random() < 0.3 else None
            valid = date(2030, 1, 1) + timedelta(days=rng.randrange(365)) if rng.random() < 0.3 else None
            tags = sorted(rng.sample(tag_pool, rng.randint(1, 4)))
        remote_countries = sorted({country, rng.choice(["FR", "DE", "ES"])}) if remote == "full" and not original else []
        if original:
            remote_countries = original.remote_countries
        fields = {
            "team": department,
            "role": role,
            "office": first[0],
            "size": str(8 + n % 40),
            "speciality": speciality.lower() if language == "en" else speciality,
            "country": COUNTRIES[country][0 if language == "en" else 1],
            "years": str(max(1, (months or 24) // 12)),
        }
        apply_url = f"mailto:jobs@northwind.example?subject={job_id}" if n % 7 == 0 else f"https://apply.northwind.example/jobs/{job_id}"
        jobs.append(
            SyntheticJob(
                id=job_id,
                language=language,
                title=title,
                department=department,
                offices=offices,
                employment_types=kinds,
                remote=remote,
                remote_countries=remote_countries,
                salary=salary,
                experience_months=months,
                education=education,
                date_posted=posted,
                updated_at=updated,
                valid_through=valid,
                apply_url=apply_url,
                tags=tags,
                translation_of=original.id if original else None,
                body=make_body(rng, language, fields),
            )
        )
    return jobs


def toml_value(value: Any) -> str:
    """Serialize a string, number, bool, date, list or inline table as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, date)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def front_matter(fields: dict[str, Any]) -> str:
    return "+++\n" + "".join(f"{key} = {toml_value(value)}\n" for key, value in fields.items() if value is not None) + "+++\n"


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


# -- the careers site ------------------------------------------------------------------------


def careers_job_file(job: SyntheticJob) -> str:
    meta = {
        "id": job.id,
        "title": job.title,
        "date_posted": job.date_posted,
        "updated_at": job.updated_at,
        "valid_through": job.valid_through,
        "department": slugify(job.department),
        "offices": [slugify(OFFICES[i][0]) for i in job.offices],
        "employment_type": list(job.employment_types) if len(job.employment_types) > 1 else job.employment_types[0],
        "remote": job.remote,
        "remote_countries": job.remote_countries or None,
        "salary": job.salary,
        "experience_months": job.experience_months,
        "education": job.education,
        "apply_url": job.apply_url,
        "language": job.language,
        "tags": job.tags,
        "translation_of": job.translation_of,
    }
    return front_matter(meta) + job.body


def write_careers_site(root: Path, jobs: list[SyntheticJob], per_page: int) -> None:
    """Write careers.toml and content/ for the local source (generator/sources/local.py)."""
    write(
        root / "careers.toml",
        f'[site]\ntitle = {toml_value(SITE_TITLE)}\nurl = {toml_value(SITE_URL)}\nlanguages = ["en", "fr"]\nper_page = {per_page}\n'
        f"description = {toml_value(SITE_DESCRIPTION)}\n\n[organization]\nname = {toml_value(ORG_NAME)}\nurl = {toml_value(ORG_URL)}\n"
        f"same_as = {toml_value(ORG_SAME_AS[1:])}\ndescription = {toml_value(ORG_DESCRIPTION)}\n\n"
        f'[[sources]]\ntype = "local"\nopen_application_url = {toml_value(OPEN_APPLICATION_URL)}\n',
    )
    offices = []
    for name, street, postal_code, city, region, country in OFFICES:
        entry = {"id": slugify(name), "name": name, "street": street, "postal_code": postal_code, "city": city, "region": region, "country": country}
        offices.append("[[offices]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in entry.items() if v is not None))
    write(root / "content" / "offices.toml", "\n".join(offices))
    departments = [
        f"[[departments]]\nid = {toml_value(slugify(name))}\nname = {toml_value(name)}\ndescription = {toml_value(spec[0])}\n"
        for name, spec in DEPARTMENTS.items()
    ]
    write(root / "content" / "departments.toml", "\n".join(departments))
    for job in jobs:
        write(root / "content" / "jobs" / f"{job.id}.md", careers_job_file(job))


# -- the Hugo site ---------------------------------------------------------------------------

# Hugo i18n id -> the careers catalog's msgid (a pair for plurals), so both sites show the same words.
I18N: dict[str, str | tuple[str, str]] = {
    "skip": "Skip to content", "site": "Site", "jobs": "Jobs", "language": "Language", "breadcrumb": "Breadcrumb", "all_jobs": "All jobs",
    "location": "Location", "remote_work": "Remote work", "team": "Team", "contract": "Contract", "salary": "Salary",
    "experience": "Experience", "education": "Education", "posted": "Posted", "apply_before": "Apply before", "tags": "Tags",
    "apply": "Apply for this job", "share": "Share this job", "email": "Email", "company_website": "Company website",
    "job_feed": "Job feed", "jobs_json": "All jobs as JSON", "browse_jobs": "Browse jobs", "other_jobs": "Other jobs",
    "dont_see": "Don't see your job?", "open_application": "Send an open application", "filter_jobs": "Filter jobs",
    "search_jobs": "Search jobs", "all": "All", "clear_filters": "Clear filters", "all_shown": "All open positions are shown",
    "no_match": "No open positions match these filters.", "show_all": "Show all positions", "not_found": "Page not found",
    "not_found_text": "The page you are looking for does not exist, or the position has been filled.",
    "see_all": "See all open positions",
    "facet_departments": "Team", "facet_offices": "Office", "facet_remote": "Remote work", "facet_contract": "Contract", "facet_tags": "Tag",
    "remote_no": "On site", "remote_occasional": "Occasional remote", "remote_hybrid": "Hybrid", "remote_full": "Fully remote",
    "contract_full-time": "Full-time", "contract_part-time": "Part-time", "contract_contractor": "Contractor",
    "contract_temporary": "Temporary", "contract_intern": "Internship",
    "unit_HOUR": "per hour", "unit_DAY": "per day", "unit_WEEK": "per week", "unit_MONTH": "per month", "unit_YEAR": "per year",
    "education_high_school": "High school", "education_associate_degree": "Associate degree",
    "education_bachelor_degree": "Bachelor's degree", "education_professional_certificate": "Professional certificate",
    "education_postgraduate_degree": "Postgraduate degree",
    "applicants_live_in": "applicants must live in %(countries)s",
    "open_positions": ("%(count)s open position", "%(count)s open positions"),
    "years": ("%(count)s year", "%(count)s years"),
    "months": ("%(count)s month", "%(count)s months"),
    "pages": "Pages", "previous_page": "Previous page", "next_page": "Next page", "page": "Page", "page_n": "Page %(number)s",
    "filter_count_one": "%(count)s position matches these filters",
    "filter_count_other": "%(count)s positions match these filters",
}  # fmt: skip
FILTER_COUNT = ("%(count)s position matches these filters", "%(count)s positions match these filters")


def read_po(path: Path) -> dict[str | tuple[str, str], list[str]]:
    """Return a gettext catalog as {msgid or (msgid, msgid_plural): [msgstr, ...]} (enough of the format for ours)."""
    entries: dict[str | tuple[str, str], list[str]] = {}
    current: dict[str, str] = {}
    key = ""

    def flush() -> None:
        if current.get("msgid"):
            forms = [current[k] for k in sorted(current) if k.startswith("msgstr")]
            msgid = (current["msgid"], current["msgid_plural"]) if "msgid_plural" in current else current["msgid"]
            entries[msgid] = forms
        current.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")$', line)
        if match:
            if match.group(1) == "msgid":
                flush()
            key = match.group(1)
            current[key] = json.loads(match.group(2))
        elif line.startswith('"') and key:
            current[key] += json.loads(line)
        elif not line:
            key = ""
    flush()
    return entries


def hugo_i18n(language: str) -> str:
    """Return Hugo's i18n/<language>.toml, translated from careers' own catalog."""
    po = REPO / "generator" / "locales" / language / "LC_MESSAGES" / "messages.po"
    catalog = read_po(po) if language != "en" and po.is_file() else {}

    def hugo(text: str) -> str:
        return text.replace("%(count)s", "{{ .Count }}").replace("%(number)s", "{{ .Count }}").replace("%(countries)s", "{{ .countries }}")

    lines = []
    for name, msgid in I18N.items():
        if name.startswith("filter_count_"):
            forms = catalog.get(FILTER_COUNT) or list(FILTER_COUNT)
            text = forms[0 if name.endswith("one") else -1].replace("%(count)s", "{n}")
            lines.append(f"[{toml_value(name)}]\nother = {toml_value(text)}\n")
        elif isinstance(msgid, tuple):
            forms = catalog.get(msgid) or list(msgid)
            lines.append(f"[{toml_value(name)}]\none = {toml_value(hugo(forms[0]))}\nother = {toml_value(hugo(forms[-1]))}\n")
        else:
            text = (catalog.get(msgid) or [msgid])[0] or msgid
            lines.append(f"[{toml_value(name)}]\nother = {toml_value(hugo(text))}\n")
    return "\n".join(lines)


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """Return a plain-colour PNG (the Open Graph card's background)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = (b"\x00" + bytes(rgb) * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


HUGO_CONFIG = """\
baseURL = "{url}/"
title = {title}
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = false
# careers makes no /jobs/ section page and no list of all tags; Hugo must not either.
disableKinds = ["taxonomy", "section"]
enableRobotsTXT = true
disableHugoGeneratorInject = true
ignoreErrors = ["error-disable-taxonomy"]  # "taxonomy" is the list of all terms: meant
removePathAccents = true
timeZone = "UTC"
# careers' [site] per_page: listings in pages of this many jobs, page N at <listing>/page/N/.
paginate = {per_page}
paginatePath = "page"

[params]
description = {description}
default_language = "en"
org_name = {org_name}
org_url = {org_url}
same_as = {same_as}
org_description = {org_description}
open_application_url = {open_application_url}

[languages.en]
languageName = "English"
weight = 1
[languages.fr]
languageName = "Français"
weight = 2

[taxonomies]
department = "departments"
office = "offices"
remote = "remote"
contract = "contract"
tag = "tags"

[outputs]
home = ["HTML", "RSS", "JOBS"]
page = ["HTML"]
term = ["HTML"]

[outputFormats.RSS]
baseName = "feed"

[outputFormats.JOBS]
mediaType = "application/json"
baseName = "jobs"
isPlainText = true

# Render Markdown as careers' markdown-it does: CommonMark, raw HTML kept, no heading ids, no smart quotes.
[markup.goldmark.renderer]
unsafe = true
[markup.goldmark.parser]
autoHeadingID = false
[markup.goldmark.extensions]
typographer = false
linkify = false
"""

LAYOUTS = {
    "_default/baseof.html": """\
{{- $meta := partial "meta.html" . -}}
{{- $pager := partial "pager.html" . -}}
{{- $canonical := .Permalink -}}{{- with $pager }}{{ $canonical = .URL | absURL }}{{ end -}}
<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ with $meta.title }}{{ . }} · {{ end }}{{ with $pager }}{{ if gt .PageNumber 1 }}{{ i18n "page_n" .PageNumber }} · {{ end }}{{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ $meta.description }}">
<link rel="canonical" href="{{ $canonical }}">
{{ if eq .Kind "404" }}<meta name="robots" content="noindex">
{{ end }}{{ with $pager }}{{ if .HasPrev }}<link rel="prev" href="{{ .Prev.URL }}">
{{ end }}{{ if .HasNext }}<link rel="next" href="{{ .Next.URL }}">
{{ end }}{{ end }}{{ if and .IsTranslated (not (eq .Kind "404")) }}
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}{{ range .AllTranslations }}{{ if eq .Language.Lang site.Params.default_language }}<link rel="alternate" hreflang="x-default" href="{{ .Permalink }}">
{{ end }}{{ end }}{{ end }}
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
<meta property="og:title" content="{{ if eq .Kind "404" }}{{ site.Title }}{{ else }}{{ $meta.title | default site.Title }}{{ end }}">
<meta property="og:description" content="{{ $meta.description }}">
<meta property="og:url" content="{{ $canonical }}">
<meta property="og:site_name" content="{{ site.Title }}">
{{ $card := partial "og_card.html" . }}
<meta property="og:image" content="{{ $card.Permalink }}">
<meta property="og:image:width" content="{{ $card.Width }}">
<meta property="og:image:height" content="{{ $card.Height }}">
<meta property="og:image:alt" content="{{ if .IsPage }}{{ .Title }} · {{ end }}{{ site.Params.org_name }}">
<meta name="twitter:card" content="summary_large_image">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="{{ (resources.Get "assets/favicon.svg" | fingerprint "sha256").RelPermalink }}" type="image/svg+xml">
<link rel="stylesheet" href="{{ (resources.Get "assets/style.css" | fingerprint "sha256").RelPermalink }}">
<noscript><style>.js-only { display: none !important; }</style></noscript>
<link rel="alternate" type="application/atom+xml" title="{{ site.Title }}" href="{{ "feed.xml" | relURL }}">
{{ range partial "jsonld.html" (dict "page" . "url" $canonical) }}<script type="application/ld+json">{{ . | jsonify | safeJS }}</script>
{{ end }}
</head>
<body class="page-{{ if .IsHome }}index{{ else if .IsPage }}job{{ else if eq .Kind "term" }}listing{{ else }}404{{ end }}">
<a class="skip-link" href="#main">{{ i18n "skip" }}</a>
<header class="site-header">
  <div class="wrap header-row">
    <a class="brand" href="{{ site.Home.RelPermalink }}">
      <span>{{ site.Title }}</span>
    </a>
    <nav class="site-nav" aria-label="{{ i18n "site" }}">
      <ul>
        <li><a href="{{ site.Home.RelPermalink }}"{{ if .IsHome }} aria-current="page"{{ end }}>{{ i18n "jobs" }}</a></li>
      </ul>
    </nav>
    <nav class="language-switcher" aria-label="{{ i18n "language" }}">
      <ul>
        {{ $page := . }}{{ range site.Home.AllTranslations }}{{ $lang := .Language.Lang }}{{ $url := .RelPermalink }}
        {{ range $page.AllTranslations }}{{ if eq .Language.Lang $lang }}{{ $url = .RelPermalink }}{{ end }}{{ end }}
        <li><a href="{{ $url }}" hreflang="{{ $lang }}" lang="{{ $lang }}"{{ if eq $lang site.Language.Lang }} aria-current="true"{{ end }}>{{ .Language.LanguageName }}</a></li>
        {{ end }}
      </ul>
    </nav>
  </div>
</header>
<main id="main" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>© {{ site.Params.org_name }} · <a href="{{ site.Params.org_url }}">{{ i18n "company_website" }}</a></p>
    <p><a href="{{ "feed.xml" | relURL }}">{{ i18n "job_feed" }}</a> · <a href="{{ "jobs.json" | relURL }}">{{ i18n "jobs_json" }}</a></p>
  </div>
</footer>
{{ block "scripts" . }}{{ end }}
</body>
</html>
""",
    "partials/meta.html": """\
{{- $title := "" -}}{{- $description := site.Params.description -}}
{{- if .IsPage -}}
  {{- $title = .Title -}}
  {{- $description = substr (trim (replaceRE `\\s+` " " (.Content | plainify | htmlUnescape)) " ") 0 155 -}}
{{- else if eq .Kind "term" -}}
  {{- $title = partial "label.html" (dict "kind" .Data.Plural "value" .Data.Term) -}}
  {{- $description = printf "%s · %s" $title site.Title -}}
{{- else if eq .Kind "404" -}}
  {{- $title = i18n "not_found" -}}
{{- end -}}
{{- return (dict "title" $title "description" $description) -}}
""",
    # The first call of .Paginate fixes a listing's pages; later .Paginator calls get the same pager.
    "partials/pager.html": """\
{{- $pager := false -}}
{{- if .IsHome -}}{{- $pager = .Paginate ((where site.RegularPages "Section" "jobs").GroupByParam "department_name" "asc") -}}
{{- else if eq .Kind "term" -}}{{- $pager = .Paginate (.Pages.GroupByParam "department_name" "asc") -}}{{- end -}}
{{- return $pager -}}
""",
    "partials/pagination.html": """\
{{ if gt .TotalPages 1 }}{{ $current := .PageNumber }}
<nav class="pagination" aria-label="{{ i18n "pages" }}">
  <ul>
    {{ if .HasPrev }}<li><a href="{{ .Prev.URL }}" rel="prev">{{ i18n "previous_page" }}</a></li>{{ end }}
    {{ range .Pagers }}
    <li><a href="{{ .URL }}"{{ if eq .PageNumber $current }} aria-current="page"{{ end }}>{{ if eq .PageNumber $current }}<span class="visually-hidden">{{ i18n "page" }} </span>{{ end }}{{ .PageNumber }}</a></li>
    {{ end }}
    {{ if .HasNext }}<li><a href="{{ .Next.URL }}" rel="next">{{ i18n "next_page" }}</a></li>{{ end }}
  </ul>
</nav>
{{ end }}
""",
    "partials/label.html": """\
{{- $label := .value -}}
{{- if or (eq .kind "remote") (eq .kind "contract") -}}{{- $label = i18n (printf "%s_%s" .kind .value) -}}
{{- else -}}{{- $label = index site.Data.labels .kind .value -}}{{- end -}}
{{- return $label -}}
""",
    "partials/og_card.html": """\
{{- $base := resources.Get "og-base.png" -}}
{{- $card := $base -}}
{{- if .IsPage -}}
  {{- $card = $base.Filter (images.Text .Title (dict "color" "#ffffff" "size" 60 "linespacing" 10 "x" 80 "y" 180))
                          (images.Text site.Params.org_name (dict "color" "#c7d2fe" "size" 36 "x" 80 "y" 520)) -}}
{{- else -}}
  {{- $card = $base.Filter (images.Text site.Params.org_name (dict "color" "#ffffff" "size" 72 "x" 80 "y" 260)) -}}
{{- end -}}
{{- return $card -}}
""",
    "partials/jsonld.html": """\
{{- $url := .url -}}
{{- $blocks := slice -}}
{{- with .page -}}
{{- $org := dict "@type" "Organization" "name" site.Params.org_name "sameAs" site.Params.same_as -}}
{{- if .IsPage -}}
  {{- $ld := dict "@context" "https://schema.org" "@type" "JobPosting" "title" .Title "description" (trim .Content " \\n")
       "datePosted" .Params.date_posted "url" $url "hiringOrganization" $org
       "identifier" (dict "@type" "PropertyValue" "name" site.Params.org_name "value" .Params.job_id) -}}
  {{- with .Params.valid_through }}{{ $ld = merge $ld (dict "validThrough" .) }}{{ end -}}
  {{- $kinds := .Params.employment_types -}}
  {{- if eq (len $kinds) 1 }}{{ $ld = merge $ld (dict "employmentType" (index $kinds 0)) }}{{ else }}{{ $ld = merge $ld (dict "employmentType" $kinds) }}{{ end -}}
  {{- $places := slice -}}
  {{- range .Params.offices -}}
    {{- $o := index site.Data.offices . -}}
    {{- $address := dict "@type" "PostalAddress" -}}
    {{- with $o.street }}{{ $address = merge $address (dict "streetAddress" .) }}{{ end -}}
    {{- with $o.city }}{{ $address = merge $address (dict "addressLocality" .) }}{{ end -}}
    {{- with $o.region }}{{ $address = merge $address (dict "addressRegion" .) }}{{ end -}}
    {{- with $o.postal_code }}{{ $address = merge $address (dict "postalCode" .) }}{{ end -}}
    {{- with $o.country }}{{ $address = merge $address (dict "addressCountry" .) }}{{ end -}}
    {{- $places = $places | append (dict "@type" "Place" "address" $address) -}}
  {{- end -}}
  {{- if eq (len $places) 1 }}{{ $ld = merge $ld (dict "jobLocation" (index $places 0)) }}{{ else if $places }}{{ $ld = merge $ld (dict "jobLocation" $places) }}{{ end -}}
  {{- if eq .Params.remote_level "full" -}}
    {{- $countries := slice -}}
    {{- range .Params.remote_countries }}{{ $countries = $countries | append (dict "@type" "Country" "name" .) }}{{ end -}}
    {{- $ld = merge $ld (dict "jobLocationType" "TELECOMMUTE") -}}
    {{- if eq (len $countries) 1 }}{{ $ld = merge $ld (dict "applicantLocationRequirements" (index $countries 0)) }}{{ else }}{{ $ld = merge $ld (dict "applicantLocationRequirements" $countries) }}{{ end -}}
  {{- end -}}
  {{- with .Params.salary -}}
    {{- $value := dict "@type" "QuantitativeValue" "unitText" .unit -}}
    {{- if and .min .max (ne .min .max) }}{{ $value = merge $value (dict "minValue" .min "maxValue" .max) }}{{ else }}{{ $value = merge $value (dict "value" (.min | default .max)) }}{{ end -}}
    {{- $ld = merge $ld (dict "baseSalary" (dict "@type" "MonetaryAmount" "currency" .currency "value" $value)) -}}
  {{- end -}}
  {{- with .Params.experience_months }}{{ $ld = merge $ld (dict "experienceRequirements" (dict "@type" "OccupationalExperienceRequirements" "monthsOfExperience" .)) }}{{ end -}}
  {{- with .Params.education }}{{ $ld = merge $ld (dict "educationRequirements" (dict "@type" "EducationalOccupationalCredential" "credentialCategory" .)) }}{{ end -}}
  {{- $ld = merge $ld (dict "directApply" false) -}}
  {{- $blocks = $blocks | append $ld -}}
{{- else if .IsHome -}}
  {{- $blocks = $blocks | append (merge (dict "@context" "https://schema.org") $org) -}}
  {{- $blocks = $blocks | append (dict "@context" "https://schema.org" "@type" "WebSite" "name" site.Title "url" $url "inLanguage" site.Params.default_language) -}}
{{- end -}}
{{- end -}}
{{- return $blocks -}}
""",
    "partials/salary.html": """\
{{- $s := . -}}
{{- $symbol := index site.Data.currencies site.Language.Lang $s.currency -}}
{{- $text := printf "%s%s%s" (index $symbol 0) (lang.FormatNumber 0 ($s.min | default $s.max)) (index $symbol 1) -}}
{{- if and $s.min $s.max (ne $s.min $s.max) -}}
  {{- $text = printf "%s – %s%s%s" $text (index $symbol 0) (lang.FormatNumber 0 $s.max) (index $symbol 1) -}}
{{- end -}}
{{- return printf "%s %s" $text (i18n (printf "unit_%s" $s.unit)) -}}
""",
    # careers' sanitizer (nh3) marks every link in a description rel="noopener nofollow".
    "_default/_markup/render-link.html": """\
<a href="{{ .Destination | safeURL }}"{{ with .Title }} title="{{ . }}"{{ end }} rel="noopener nofollow">{{ .Text | safeHTML }}</a>
{{- /**/ -}}
""",
    "partials/job_card.html": """\
{{- $labels := site.Data.labels -}}
<li class="job-card"
    data-department="{{ .Params.department }}"
    data-office="{{ delimit .Params.offices " " }}"
    data-remote="{{ .Params.remote_level }}"
    data-contract="{{ delimit .Params.contract " " }}"
    data-tag="{{ delimit .Params.tags " " }}"
    data-search="{{ index $labels.departments .Params.department }} {{ delimit .Params.tag_labels " " }}">
  <h3 class="job-title"><a href="{{ .RelPermalink }}" dir="auto">{{ .Title }}</a></h3>
  <p class="job-meta">
    {{ $names := slice }}{{ range .Params.offices }}{{ $names = $names | append (index $labels.offices .) }}{{ end -}}
    <span class="meta-location">{{ delimit $names ", " }}</span>
    {{ if ne .Params.remote_level "no" }}<span class="meta-remote">{{ i18n (printf "remote_%s" .Params.remote_level) }}</span>{{ end }}
    {{ range .Params.contract }}<span class="meta-contract">{{ i18n (printf "contract_%s" .) }}</span>{{ end }}
    {{ with .Params.salary }}<span class="meta-salary">{{ partial "salary.html" . }}</span>{{ end }}
  </p>
</li>
""",
    "partials/job_list.html": """\
{{ if . }}
{{ range $i, $group := . }}
<section class="job-group" aria-labelledby="group-{{ add $i 1 }}">
  <h2 id="group-{{ add $i 1 }}">{{ $group.Key }}</h2>
  <ul class="job-list">
    {{ range $group.Pages }}{{ partial "job_card.html" . }}{{ end }}
  </ul>
</section>
{{ end }}
{{ end }}
""",
    "partials/facets.html": """\
{{- $current := .RelPermalink -}}
<nav class="facets" aria-label="{{ i18n "browse_jobs" }}">
  {{ range $kind := slice "departments" "offices" "remote" "contract" "tags" }}{{ $terms := index site.Taxonomies $kind }}{{ if $terms }}
  <div class="facet">
    <h2 class="facet-title">{{ i18n (printf "facet_%s" $kind) }}</h2>
    <ul>
      {{ range index site.Data.facets $kind }}{{ $value := . }}{{ with index $terms $value }}{{ $url := printf "/%s/%s/" $kind $value | relLangURL }}
      <li><a href="{{ $url }}"{{ if eq $url $current }} aria-current="page"{{ end }}>{{ partial "label.html" (dict "kind" $kind "value" $value) }} <span class="count">({{ len . }})</span></a></li>
      {{ end }}{{ end }}
    </ul>
  </div>
  {{ end }}{{ end }}
</nav>
""",
    "partials/filters.html": """\
<form class="filters js-only" role="search" aria-label="{{ i18n "filter_jobs" }}" action="{{ .RelPermalink }}" data-filters
      data-count-one="{{ i18n "filter_count_one" }}" data-count-other="{{ i18n "filter_count_other" }}" data-count-all="{{ i18n "all_shown" }}">
  <div class="filter filter-search">
    <label for="filter-q">{{ i18n "search_jobs" }}</label>
    <input type="search" id="filter-q" name="q" autocomplete="off" spellcheck="false">
  </div>
  {{ range $kind := slice "departments" "offices" "remote" "contract" "tags" }}{{ $terms := index site.Taxonomies $kind }}{{ if $terms }}
  {{ $name := index (dict "departments" "department" "offices" "office" "remote" "remote" "contract" "contract" "tags" "tag") $kind }}
  <div class="filter">
    <label for="filter-{{ $name }}">{{ i18n (printf "facet_%s" $kind) }}</label>
    <select id="filter-{{ $name }}" name="{{ $name }}">
      <option value="">{{ i18n "all" }}</option>
      {{ range index site.Data.facets $kind }}{{ if index $terms . }}<option value="{{ . }}">{{ partial "label.html" (dict "kind" $kind "value" .) }}</option>{{ end }}{{ end }}
    </select>
  </div>
  {{ end }}{{ end }}
  <div class="filter filter-actions">
    <button type="reset" class="button button-secondary">{{ i18n "clear_filters" }}</button>
  </div>
</form>
<p id="filter-status" class="filter-status js-only" role="status" aria-atomic="true"></p>
<div id="filter-empty" class="filter-empty" hidden>
  <p>{{ i18n "no_match" }}</p>
  <p><button type="button" class="button" data-reset>{{ i18n "show_all" }}</button></p>
</div>
""",
    "index.html": """\
{{ define "main" }}
{{ $jobs := where site.RegularPages "Section" "jobs" }}{{ $pager := .Paginator }}
<div class="hero">
  <div class="wrap">
    <h1>{{ site.Title }}</h1>
    <div class="intro">{{ .RenderString (dict "display" "block") site.Params.org_description }}</div>
    <p class="job-count">{{ i18n "open_positions" (len $jobs) }}</p>
  </div>
</div>
<div class="wrap layout">
  <div class="jobs">
    {{ if and $jobs (eq $pager.TotalPages 1) }}{{ partial "filters.html" . }}{{ end }}
    {{ partial "job_list.html" $pager.PageGroups }}
    {{ partial "pagination.html" $pager }}
    <aside class="open-application" aria-labelledby="open-application">
      <h2 id="open-application">{{ i18n "dont_see" }}</h2>
      <p><a class="button" href="{{ site.Params.open_application_url }}">{{ i18n "open_application" }}</a></p>
    </aside>
  </div>
  {{ partial "facets.html" . }}
</div>
{{ end }}
{{ define "scripts" }}{{ if eq .Paginator.TotalPages 1 }}<script src="{{ (resources.Get "assets/filters.js" | fingerprint "sha256").RelPermalink }}" defer></script>
{{ end }}{{ end }}
""",
    "_default/term.html": """\
{{ define "main" }}
<div class="wrap">
  <nav class="breadcrumb" aria-label="{{ i18n "breadcrumb" }}"><a href="{{ site.Home.RelPermalink }}">{{ i18n "all_jobs" }}</a></nav>
  <h1><span class="facet-kind">{{ i18n (printf "facet_%s" .Data.Plural) }}:</span> {{ partial "label.html" (dict "kind" .Data.Plural "value" .Data.Term) }}</h1>
  <p class="job-count">{{ i18n "open_positions" (len .Pages) }}</p>
</div>
<div class="wrap layout">
  <div class="jobs">{{ partial "job_list.html" .Paginator.PageGroups }}{{ partial "pagination.html" .Paginator }}</div>
  {{ partial "facets.html" . }}
</div>
{{ end }}
""",
    "_default/single.html": """\
{{ define "main" }}
{{ $labels := site.Data.labels }}{{ $lang := site.Language.Lang }}
<article class="job wrap" lang="{{ .Params.language }}">
  <nav class="breadcrumb" aria-label="{{ i18n "breadcrumb" }}"><a href="{{ site.Home.RelPermalink }}">{{ i18n "all_jobs" }}</a> <span aria-hidden="true">›</span> <a href="{{ printf "/departments/%s/" .Params.department | relLangURL }}">{{ index $labels.departments .Params.department }}</a></nav>
  <header class="job-header">
    <h1 dir="auto">{{ .Title }}</h1>
<p class="job-company">{{ site.Params.org_name }}</p>  </header>
  <dl class="job-facts">
    <div><dt>{{ i18n "location" }}</dt><dd>
{{ range .Params.offices }}{{ $o := index site.Data.offices . }}<address class="office">{{ $o.name }}{{ with $o.street }}, {{ . }}{{ end }}{{ with $o.postal_code }}, {{ . }}{{ end }}{{ if and $o.city (ne $o.city $o.name) }} {{ $o.city }}{{ end }}{{ if and $o.region (ne $o.region $o.city) }}, {{ $o.region }}{{ end }}{{ with $o.country }}, {{ index site.Data.countries . $lang }}{{ end }}</address>{{ end }}    </dd></div>
    <div><dt>{{ i18n "remote_work" }}</dt><dd>{{ i18n (printf "remote_%s" .Params.remote_level) }}{{ if eq .Params.remote_level "full" }}{{ $names := slice }}{{ range .Params.remote_countries }}{{ $names = $names | append (index site.Data.countries . $lang) }}{{ end }} ({{ i18n "applicants_live_in" (dict "countries" (delimit $names ", ")) }}){{ end }}</dd></div>
<div><dt>{{ i18n "team" }}</dt><dd>{{ index $labels.departments .Params.department }}</dd></div><div><dt>{{ i18n "contract" }}</dt><dd>{{ range $i, $kind := .Params.contract }}{{ if $i }}, {{ end }}{{ i18n (printf "contract_%s" $kind) }}{{ end }}</dd></div>
{{- with .Params.salary }}<div><dt>{{ i18n "salary" }}</dt><dd>{{ partial "salary.html" . }}</dd></div>{{ end }}
{{- with .Params.experience_months }}<div><dt>{{ i18n "experience" }}</dt><dd>{{ if and (ge . 12) (eq (mod . 12) 0) }}{{ i18n "years" (div . 12) }}{{ else }}{{ i18n "months" . }}{{ end }}</dd></div>{{ end }}
{{- with .Params.education }}<div><dt>{{ i18n "education" }}</dt><dd>{{ i18n (printf "education_%s" (replace . " " "_")) }}</dd></div>{{ end }}    <div><dt>{{ i18n "posted" }}</dt><dd><time datetime="{{ .Params.date_posted }}">{{ time.Format ":date_long" .Date }}</time></dd></div>
    {{ with .Params.valid_through }}<div><dt>{{ i18n "apply_before" }}</dt><dd><time datetime="{{ . }}">{{ time.Format ":date_long" (time.AsTime .) }}</time></dd></div>{{ end }}
  </dl>
<ul class="tags" aria-label="{{ i18n "tags" }}">{{ range .Params.tags }}<li><a href="{{ printf "/tags/%s/" . | relLangURL }}">{{ index $labels.tags . }}</a></li>{{ end }}</ul><p class="apply-top"><a class="button" href="{{ .Params.apply_url }}">{{ i18n "apply" }}</a></p>  <div class="job-description" dir="auto">
    {{ range $i, $part := split .Content "<h2>" }}{{ if or $i (trim $part " \\n") }}
    <section>
{{ if $i }}<h2>{{ end }}{{ $part | safeHTML }}
    </section>
    {{ end }}{{ end }}
  </div>
<p class="apply"><a class="button" href="{{ .Params.apply_url }}">{{ i18n "apply" }}</a></p>{{ $link := replace (.Permalink | urlquery) "%2F" "/" }}{{ $text := replace (printf "%s · %s" .Title site.Params.org_name | urlquery) "+" "%20" }}<section class="share" aria-labelledby="share-title">
  <h2 id="share-title">{{ i18n "share" }}</h2>
  <ul>
    <li><a href="mailto:?subject={{ $text | safeURL }}&amp;body={{ $link | safeURL }}">{{ i18n "email" }}</a></li>
    <li><a href="https://www.linkedin.com/sharing/share-offsite/?url={{ $link | safeURL }}" rel="noopener">LinkedIn</a></li>
    <li><a href="https://twitter.com/intent/tweet?url={{ $link | safeURL }}&amp;text={{ $text | safeURL }}" rel="noopener">X (Twitter)</a></li>
  </ul>
</section></article>
{{ end }}
""",
    "404.html": """\
{{ define "main" }}
<div class="wrap">
  <h1>{{ i18n "not_found" }}</h1>
  <p>{{ i18n "not_found_text" }}</p>
  <p><a class="button" href="{{ site.Home.RelPermalink }}">{{ i18n "see_all" }}</a></p>
</div>
{{ end }}
""",
    # careers' jobs.json: compact, in linked pages of 1,000 jobs. Hugo paginates this output format on its own,
    # so its later pages are page/N/jobs.json (careers: jobs-N.json), one series per language.
    "index.jobs.json": """\
{{- $pager := .Paginate (where site.RegularPages "Section" "jobs") 1000 -}}
{{- $entries := slice -}}
{{- range $pager.Pages -}}
  {{- $locations := slice -}}
  {{- range .Params.offices }}{{ $o := index site.Data.offices . }}{{ $l := dict "name" $o.name "city" $o.city "country" $o.country }}
    {{- with $o.region }}{{ $l = merge $l (dict "region" .) }}{{ end }}{{ $locations = $locations | append $l }}{{ end -}}
  {{- $entries = $entries | append (dict "id" .Params.job_id "source" "local" "title" .Title "url" .Permalink "language" .Lang
      "department" (index site.Data.labels.departments .Params.department) "locations" $locations "employment_type" .Params.employment_types
      "remote" .Params.remote_level "tags" .Params.tag_labels "date_posted" .Params.date_posted "updated_at" .Params.updated_at
      "valid_through" .Params.valid_through) -}}
{{- end -}}
{{- $out := dict "jobs" $entries -}}
{{- if gt $pager.TotalPages 1 -}}
  {{- $out = merge $out (dict "total" $pager.TotalNumberOfElements "page" $pager.PageNumber "pages" $pager.TotalPages) -}}
  {{- with $pager.Prev }}{{ $out = merge $out (dict "previous" (.URL | absURL)) }}{{ end -}}
  {{- with $pager.Next }}{{ $out = merge $out (dict "next" (.URL | absURL)) }}{{ end -}}
{{- end -}}
{{- $out | jsonify -}}
""",
}
# How careers (Babel) writes an amount in each currency: (before, after) the number.
CURRENCIES = {
    "en": {"EUR": ["€", ""], "GBP": ["£", ""], "CAD": ["CA$", ""], "USD": ["$", ""]},
    "fr": {"EUR": ["", "\u00a0€"], "GBP": ["", "\u00a0£GB"], "CAD": ["", "\u00a0$CA"], "USD": ["", "\u00a0$US"]},
}
CONTRACT_VALUES = ["full-time", "part-time", "contractor", "temporary", "intern"]


def hugo_job_file(job: SyntheticJob, weight: int) -> str:
    tags = sorted(job.tags)
    meta = {
        "title": job.title,
        "slug": job.slug,
        "date": job.date_posted,
        "lastmod": job.updated_at[:10] if job.updated_at else None,
        "updated_at": job.updated_at,
        "weight": weight,
        "translationKey": job.translation_of or job.id,
        "job_id": job.id,
        "language": job.language,
        "date_posted": str(job.date_posted),
        "valid_through": str(job.valid_through) if job.valid_through else None,
        "department": slugify(job.department),
        "department_name": job.department,
        "departments": [slugify(job.department)],
        "offices": [slugify(OFFICES[i][0]) for i in job.offices],
        "employment_types": list(job.employment_types),
        "contract": [kind.lower().replace("_", "-") for kind in job.employment_types],
        "remote_level": job.remote,
        "remote": [job.remote],
        "remote_countries": job.remote_countries or None,
        "salary": job.salary,
        "experience_months": job.experience_months,
        "education": job.education,
        "apply_url": job.apply_url,
        "tags": [slugify(tag) for tag in tags],
        "tag_labels": tags,
    }
    return front_matter(meta) + job.body


def write_hugo_site(root: Path, jobs: list[SyntheticJob], per_page: int) -> None:
    """Write a Hugo site (config, layouts, i18n, data, assets, content) that renders the same jobs."""
    write(
        root / "config.toml",
        HUGO_CONFIG.format(
            url=SITE_URL,
            title=toml_value(SITE_TITLE),
            description=toml_value(SITE_DESCRIPTION),
            org_name=toml_value(ORG_NAME),
            org_url=toml_value(ORG_URL),
            same_as=toml_value(ORG_SAME_AS),
            org_description=toml_value(ORG_DESCRIPTION),
            open_application_url=toml_value(OPEN_APPLICATION_URL),
            per_page=per_page,
        ),
    )
    for name, text in LAYOUTS.items():
        write(root / "layouts" / name, text)
    for language in ("en", "fr"):
        write(root / "i18n" / f"{language}.toml", hugo_i18n(language))
    tags = sorted({tag for job in jobs for tag in job.tags}, key=lambda t: (t.lower(), slugify(t)))
    labels = {
        "departments": {slugify(name): name for name in DEPARTMENTS},
        "offices": {slugify(office[0]): office[0] for office in OFFICES},
        "tags": {slugify(tag): tag for tag in tags},
    }
    # The facet order careers uses (render.py `_facets`): by label, remote by level, contract by type.
    facets = {
        "departments": [slugify(name) for name in sorted(DEPARTMENTS, key=str.lower)],
        "offices": [slugify(office[0]) for office in sorted(OFFICES, key=lambda o: o[0].lower())],
        "remote": ["full", "hybrid", "occasional", "no"],
        "contract": CONTRACT_VALUES,
        "tags": [slugify(tag) for tag in tags],
    }
    offices = {
        slugify(name): {
            k: v
            for k, v in (("name", name), ("street", street), ("postal_code", code), ("city", city), ("region", region), ("country", country))
            if v
        }
        for name, street, code, city, region, country in OFFICES
    }
    countries = {code: {"en": names[0], "fr": names[1]} for code, names in COUNTRIES.items()}
    for name, data in (("labels", labels), ("facets", facets), ("offices", offices), ("countries", countries), ("currencies", CURRENCIES)):
        write(root / "data" / f"{name}.json", json.dumps(data, ensure_ascii=False, indent=1))
    static = REPO / "themes" / "default" / "static"
    for asset in ("style.css", "filters.js", "favicon.svg"):
        source = static / asset
        write(root / "assets" / "assets" / asset, source.read_bytes() if source.is_file() else b"/* stand-in */\n")
    write(root / "assets" / "og-base.png", png(1200, 630, (30, 41, 99)))
    for language in ("en", "fr"):
        ordered = sorted((job for job in jobs if job.language == language), key=lambda j: j.sort_key)
        for weight, job in enumerate(ordered, 1):
            name = f"{job.id}.md" if language == "en" else f"{job.id}.fr.md"
            write(root / "content" / "jobs" / name, hugo_job_file(job, weight))


# -- running and measuring -------------------------------------------------------------------


@dataclasses.dataclass
class Run:
    """One timed command."""

    seconds: float  # wall time of the command
    cpu: float  # user + system CPU seconds of the command and the children it waited for
    rss_mb: float  # peak RSS of the child process (os.wait4)
    tree_mb: float  # highest sum of PSS over the child's process tree (workers included), sampled
    touched: int  # output files created or rewritten (new inode, size or mtime)
    written: int | None = None  # files the build says it wrote (careers only)
    work: float | None = None  # seconds the build says it took (careers only)
    quick: bool = False  # careers said it made a quick rebuild (generator/quick.py)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb, self.tree_mb)


class TreeSampler(threading.Thread):
    """Sample the memory of a process and its descendants (a build forks workers), summed.

    Each process counts its proportional set size (PSS, /proc/PID/smaps_rollup): a page that
    forked workers share with the build process is counted once over all of them, where summing
    RSS would count it once per process. Without smaps_rollup (Linux before 4.14), RSS is summed.
    """

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            total = sum(_pss_kb(pid) for pid in _descendants(self.pid))
            self.peak_kb = max(self.peak_kb, total)


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    """Return a process's proportional set size in kB (its RSS where smaps_rollup is missing; 0 once it has exited)."""
    pss = _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")
    return pss if pss is not None else _proc_kb(f"/proc/{pid}/status", "VmRSS:") or 0


def _proc_kb(path: str, field: str) -> int | None:
    """Return the kB value of `field` in a /proc file, or None when the file or the field is missing."""
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def file_states(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Return (inode, size, mtime) of every file under `folder`."""
    states = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            st = os.stat(path)
            states[os.path.relpath(path, folder)] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return states


def timed(command: list[str], cwd: Path, env: dict[str, str], output: Path | None = None) -> tuple[Run, str]:
    """Run `command` and return its measures (files touched under `output`) and its output text."""
    before = file_states(output) if output and output.is_dir() else {}
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} (in {cwd}) exited with {process.returncode}:\n{text[-3000:]}")
    after = file_states(output) if output and output.is_dir() else {}
    touched = sum(1 for path, state in after.items() if before.get(path) != state)
    # ru_maxrss is in kilobytes on Linux.
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds=seconds, cpu=cpu, rss_mb=usage.ru_maxrss / 1024, tree_mb=sampler.peak_kb / 1024, touched=touched), text


def parse_summary(text: str) -> tuple[int, float]:
    """Return (files written, build seconds) from careers' end-of-build summary; stop when its format changed."""
    wrote, unchanged, elapsed = WROTE.search(text), NO_FILE_CHANGED.search(text), ELAPSED.findall(text)
    if not (wrote or unchanged) or not elapsed:
        raise SystemExit(
            "careers build: the summary is not in the format bench/scale.py reads "
            "('wrote N files, removed M, K unchanged -> …' or 'no file changed (K files) -> …', then a line ending '; 1.2s'); "
            f"update WROTE/NO_FILE_CHANGED/ELAPSED in bench/scale.py. The build printed:\n{text[-2000:]}"
        )
    written = int(wrote.group(1)) + int(wrote.group(2)) if wrote else 0
    return written, float(elapsed[-1])


class Careers:
    """The generator of this working tree, run as `python -m generator.cli build` in a synthetic site."""

    name = "careers"

    def __init__(self, root: Path):
        self.root = root
        self.env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        self.output = root / "public"

    def clean(self) -> None:
        for folder in (self.output, self.root / ".careers-cache"):
            shutil.rmtree(folder, ignore_errors=True)

    def build(self) -> Run:
        run, text = timed([sys.executable, "-m", "generator.cli", "build"], self.root, self.env, self.output)
        run.written, run.work = parse_summary(text)
        run.quick = QUICK in text
        return run

    def startup(self) -> float:
        """Return the seconds `python -c "import generator.cli"` takes: what a build pays before any work."""
        run, _ = timed([sys.executable, "-c", "import generator.cli"], self.root, self.env)
        return run.seconds

    def job_file(self, job: SyntheticJob) -> Path:
        return self.root / "content" / "jobs" / f"{job.id}.md"


# Every Hugo page shares the plain background: no per-job card (`--hugo-no-og-cards`, "pages only").
PLAIN_CARD = '{{- return resources.Get "og-base.png" -}}\n'


class Hugo:
    """Debian's `hugo`, run as `hugo --quiet` in the equivalent Hugo site."""

    name = "hugo"

    def __init__(self, root: Path, binary: str):
        self.root = root
        self.binary = binary
        self.env = dict(os.environ)
        self.output = root / "public"

    def use_cards(self, cards: bool) -> None:
        """Draw an Open Graph card per job page, as careers does, or give every page the plain background."""
        write(self.root / "layouts" / "partials" / "og_card.html", LAYOUTS["partials/og_card.html"] if cards else PLAIN_CARD)

    def clean(self) -> None:
        for folder in (self.output, self.root / "resources", self.root / ".hugo-cache"):
            shutil.rmtree(folder, ignore_errors=True)

    def build(self) -> Run:
        command = [self.binary, "--quiet", "--cacheDir", str(self.root / ".hugo-cache")]
        run, _ = timed(command, self.root, self.env, self.output)
        run.work = run.seconds  # a Go binary starts in milliseconds
        return run

    def job_file(self, job: SyntheticJob) -> Path:
        return self.root / "content" / "jobs" / (f"{job.id}.md" if job.language == "en" else f"{job.id}.fr.md")


def measure(tool: Careers | Hugo, changed: SyntheticJob, attempt: int) -> dict[str, Run]:
    """Time a full build, a no-change rebuild and a one-job-changed rebuild; leave the changed file as it was."""
    path = tool.job_file(changed)
    original = path.read_text(encoding="utf-8")
    tool.clean()
    results = {"full": tool.build(), "no-change": tool.build()}
    path.write_text(original + f"\nUpdate {attempt + 1}: we have opened a second team for this role.\n", encoding="utf-8")
    try:
        results["one-changed"] = tool.build()
    finally:
        path.write_text(original, encoding="utf-8")
    return results


def retitle(tool: Careers, changed: SyntheticJob, attempt: int) -> Run:
    """Time a rebuild after one job's title changed (after `measure`, and after comparing markup: the job moves to a new URL).

    A title is in listings, the sitemap and the feeds' order: careers makes a full (keyed) rebuild.
    """
    path = tool.job_file(changed)
    original = path.read_text(encoding="utf-8")
    path.write_text(TITLE.sub(lambda m: f'{m.group(0)[:-1]} (retitled {attempt + 1})"', original, count=1), encoding="utf-8")
    try:
        return tool.build()
    finally:
        path.write_text(original, encoding="utf-8")


TITLE = re.compile(r'^title = "[^"\n]*"', re.MULTILINE)


def check_output(tool: Careers | Hugo, jobs: list[SyntheticJob]) -> dict[str, int]:
    """Check one page per job in each language and every job URL in the sitemap(s); stop if not."""
    counts = {}
    for language, prefix in (("en", ""), ("fr", "fr/")):
        expected = {job.slug for job in jobs if job.language == language}
        found = {slug for slug in expected if (tool.output / prefix / "jobs" / slug / "index.html").is_file()}
        counts[f"{language}_job_pages"] = len(found)
        if found != expected:
            missing = sorted(expected - found)
            raise SystemExit(
                f"{tool.name}: {len(missing)} {language} job pages missing, e.g. /{prefix}jobs/{missing[0]}/; the comparison would be unfair"
            )
    urls = set()
    # careers splits its sitemap into sitemaps/N.xml beyond 50,000 URLs; Hugo writes one per language.
    for sitemap in (p for p in tool.output.rglob("*.xml") if p.name == "sitemap.xml" or p.parent.name == "sitemaps"):
        urls.update(re.findall(r"<loc>([^<]*/jobs/[^<]*)</loc>", sitemap.read_text(encoding="utf-8")))
    counts["sitemap_job_urls"] = len(urls)
    if len(urls) != len(jobs):
        raise SystemExit(f"{tool.name}: the sitemap lists {len(urls)} job URLs for {len(jobs)} jobs")
    return counts


def markup_lines(page: str) -> list[str]:
    """Return a page as one tag or text per line, to compare structure.

    Whitespace is collapsed, entities decoded, JSON-LD keys sorted (Hugo's `jsonify` sorts them),
    and what differs by design blanked: asset fingerprints and the Open Graph card's file name.
    """

    def canonical(match: re.Match[str]) -> str:
        return match.group(1) + json.dumps(json.loads(match.group(2)), sort_keys=True, ensure_ascii=False) + match.group(3)

    text = re.sub(r'(<script type="application/ld\+json">)(.*?)(</script>)', canonical, page, flags=re.DOTALL)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r">\s*<", ">\n<", text)
    text = re.sub(r"(assets/[\w.-]+)\.[0-9a-f]{10,64}\.", r"\1.#.", text)
    text = re.sub(r'(property="og:image" content=")[^"]*"', r'\1#"', text)
    return [html.unescape(line.strip()) for line in text.split("\n") if line.strip()]


def site_parity(ours: Path, theirs: Path) -> dict[str, Any]:
    """Count the HTML pages both sites have, and those identical after `markup_lines`."""
    pages = {p.relative_to(ours).as_posix() for p in ours.rglob("*.html")}
    other = {p.relative_to(theirs).as_posix() for p in theirs.rglob("*.html")}
    # Hugo writes a redirect at <listing>/page/1/ for every paginated listing; careers does not.
    aliases = {path for path in other if path.endswith("page/1/index.html")}
    other -= aliases
    identical, ratios = 0, []
    for path in sorted(pages & other):
        a = markup_lines((ours / path).read_text(encoding="utf-8"))
        b = markup_lines((theirs / path).read_text(encoding="utf-8"))
        identical += a == b
        ratios.append(1.0 if a == b else difflib.SequenceMatcher(None, a, b, autojunk=False).ratio())
    return {
        "careers_pages": len(pages),
        "hugo_pages": len(other),
        "in_both": len(pages & other),
        "hugo_page_1_redirects": len(aliases),
        "identical": identical,
        "lowest_similarity": round(min(ratios), 3) if ratios else None,
        "only_careers": sorted(pages - other)[:10],
        "only_hugo": sorted(other - pages)[:10],
    }


def compare_markup(careers: Careers, hugo: Hugo, jobs: list[SyntheticJob], show_diff: bool) -> dict[str, Any]:
    """Compare a careers page with its Hugo twin, line by line after normalizing whitespace."""
    en = next(j for j in jobs if j.language == "en" and j.salary and any(t.translation_of == j.id for t in jobs))
    fr = next(t for t in jobs if t.translation_of == en.id)
    pairs = {f"job page /jobs/{en.slug}/": f"jobs/{en.slug}/index.html", f"job page /fr/jobs/{fr.slug}/": f"fr/jobs/{fr.slug}/index.html"}
    department = slugify(en.department)
    # Page 2 where the listing has one; the remote levels are the largest facets.
    for listing in ("", f"departments/{department}/", "remote/hybrid/"):
        for prefix in ("", "fr/"):
            for page in ("", "page/2/"):
                path = f"{prefix}{listing}{page}index.html"
                if page and not (careers.output / path).is_file():
                    continue
                pairs[f"{'home' if not listing else 'facet'} listing /{prefix}{listing}{page}"] = path
    result: dict[str, Any] = {"all pages": site_parity(careers.output, hugo.output)}
    for label, path in pairs.items():
        if not (hugo.output / path).is_file():
            raise SystemExit(f"hugo: no {path}, careers has one; the sites paginate differently")
        ours = markup_lines((careers.output / path).read_text(encoding="utf-8"))
        theirs = markup_lines((hugo.output / path).read_text(encoding="utf-8"))
        matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks())
        result[label] = {"careers_lines": len(ours), "hugo_lines": len(theirs), "same_lines": same, "similarity": round(matcher.ratio(), 3)}
        if show_diff and label.startswith("job page"):
            print(f"\n--- careers {path}\n+++ hugo {path}")
            for line in difflib.unified_diff(ours, theirs, lineterm="", n=0):
                if not line.startswith(("---", "+++")):
                    print(line)
    return result


# -- reporting -------------------------------------------------------------------------------


def spread(values: list[float], fmt: str) -> str:
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(statistics.median(values), fmt)} [{format(min(values), fmt)}–{format(max(values), fmt)}]"


def median(runs: list[Run], attr: str) -> float:
    return statistics.median(float(getattr(run, attr)) for run in runs)


# result key -> (column title, draws a card per job).
HUGO_VARIANTS = {"hugo": ("hugo, per-job cards", True), "hugo_pages": ("hugo, pages only", False)}
RATIO_LABELS = {
    "hugo": "careers / Hugo with per-job cards (same output)",
    "hugo_pages": "careers / Hugo pages only (Hugo does less)",
}
CAREERS_CARDS_NOTE = "careers draws its per-job cards in every run: it has no switch to turn them off, so its figures are as-is"


def ratio(ours: list[float], theirs: list[float]) -> str:
    return f"{statistics.median(ours) / statistics.median(theirs):.2f}×" if theirs and statistics.median(theirs) else ""


def report_size(count: int, jobs: list[SyntheticJob], result: dict[str, Any]) -> None:
    english = sum(1 for j in jobs if j.language == "en")
    linked = sum(1 for j in jobs if j.translation_of)
    careers: dict[str, list[Run]] = result["careers"]
    hugos = [key for key in HUGO_VARIANTS if key in result]
    runs = len(careers["full"])
    print(f"\n{count:,} jobs ({english:,} en, {count - english:,} fr, {linked:,} fr linked as translations); median [min–max] of {runs} run(s)")
    print(f"  {'':34}{'careers':>24}" + "".join(f"{HUGO_VARIANTS[key][0]:>24}{'ratio':>9}" for key in hugos))
    for key in hugos:
        print(f"  ratio next to '{HUGO_VARIANTS[key][0]}' = {RATIO_LABELS[key]}")
    if "hugo_pages" in hugos:
        print(f"  ({CAREERS_CARDS_NOTE})")

    def line(label: str, ours: str, theirs: list[tuple[str, str]]) -> None:
        print(f"  {label:34}{ours:>24}" + "".join(f"{value:>24}{times:>9}" for value, times in theirs))

    def row(label: str, attr: str, kind: str, fmt: str, with_ratio: bool = True) -> None:
        ours = [float(getattr(r, attr)) for r in careers[kind]]
        theirs = [[float(getattr(r, attr)) for r in result[key][kind]] for key in hugos]
        line(label, spread(ours, fmt), [(spread(t, fmt), ratio(ours, t) if with_ratio else "") for t in theirs])

    def files_row(kind: str) -> None:
        """The most files any run wrote (careers' summary) and touched (seen on disk)."""
        ours = careers[kind]
        line(
            "  files written / touched",
            f"{max(r.written or 0 for r in ours)} / {max(r.touched for r in ours)}",
            [(f"- / {max(r.touched for r in result[key][kind])}", "") for key in hugos],
        )

    row("full build (s)", "seconds", "full", ".2f")
    row("  CPU time (s)", "cpu", "full", ".2f")
    row("  peak memory (MB)", "peak_mb", "full", ".0f")
    row("no-change rebuild (s)", "seconds", "no-change", ".2f")
    full = median(careers["full"], "seconds")
    line(
        "  % of full build",
        spread([r.seconds / full * 100 for r in careers["no-change"]], ".1f"),
        [(spread([r.seconds / median(result[key]["full"], "seconds") * 100 for r in result[key]["no-change"]], ".1f"), "") for key in hugos],
    )
    files_row("no-change")
    row("one-changed rebuild (s)", "seconds", "one-changed", ".2f")
    line(
        "  build work (s), from summary",
        spread([r.work or 0.0 for r in careers["one-changed"]], ".1f"),
        [(spread([r.seconds for r in result[key]["one-changed"]], ".2f"), "") for key in hugos],
    )
    startup = result["startup"]
    minus = [r.seconds - statistics.median(startup) for r in careers["one-changed"]]
    print(
        f"  {'  wall − startup (s)':34}{spread(minus, '.2f'):>24}   (startup: python -c 'import generator.cli' = {statistics.median(startup):.2f} s)"
    )
    files_row("one-changed")
    quick = f"{sum(r.quick for r in careers['one-changed'])} of {len(careers['one-changed'])}"
    print(f"  {'  quick rebuilds':34}{quick:>24}")
    retitled = careers.get("one-retitled", [])
    if retitled:
        line("one job retitled: build work (s)", spread([r.work or 0.0 for r in retitled], ".1f"), [("-", "") for _ in hugos])
        line("  files written", f"{max(r.written or 0 for r in retitled)}", [("-", "") for _ in hugos])
    if result.get("parity"):
        print(
            f"  markup parity, careers vs Hugo, {result['per_page']} jobs per listing page (lines after collapsing whitespace; similarity = difflib ratio):"
        )
        every = result["parity"]["all pages"]
        print(
            f"    all HTML pages: {every['in_both']} in both sites ({every['careers_pages']} careers, {every['hugo_pages']} hugo "
            f"+ {every['hugo_page_1_redirects']} page/1/ redirects), {every['identical']} identical, lowest similarity {every['lowest_similarity']}"
        )
        for label, p in result["parity"].items():
            if label == "all pages":
                continue
            print(
                f"    {label}: {p['same_lines']} identical lines of {p['careers_lines']} (careers) / {p['hugo_lines']} (hugo), similarity {p['similarity']:.2f}"
            )


def report_scaling(results: dict[int, dict[str, Any]]) -> None:
    sizes = sorted(results)
    print("\nLinearity: full build seconds per 1,000 jobs (median)")
    print(f"  {'':22}" + "".join(f"{size:>12,}" for size in sizes) + f"{'growth':>10}")
    for tool in ("careers", *HUGO_VARIANTS):
        if tool not in results[sizes[0]]:
            continue
        rates = [median(results[size][tool]["full"], "seconds") / size * 1000 for size in sizes]
        growth = f"{rates[-1] / rates[0]:.2f}×" if len(rates) > 1 else ""
        name = HUGO_VARIANTS[tool][0] if tool in HUGO_VARIANTS else tool
        print(f"  {name:22}" + "".join(f"{rate:>12.3f}" for rate in rates) + f"{growth:>10}")
    print("  (growth = per-job time at the largest size over the smallest; 1.00× is linear)")
    print("\nIssue 9 targets (careers):")
    for size in sizes:
        r = results[size]
        careers = r["careers"]
        full = median(careers["full"], "seconds")
        checks: list[tuple[str, str, bool]] = []
        for key in HUGO_VARIANTS:
            if key in r:
                times = full / median(r[key]["full"], "seconds")
                # Both comparisons are judged: Hugo writing the same output (cards included), and the
                # stricter one, Hugo building the pages alone while careers still draws its cards.
                checks.append((f"full, {RATIO_LABELS[key]}, ≤ 1.0", f"{times:.2f}×", times <= 1.0))
        share = median(careers["no-change"], "seconds") / full
        written = max(run.written or 0 for run in careers["no-change"])
        checks.append(("no-change ≤ 10% of full, 0 files", f"{share:.1%}, {written} files", share <= 0.10 and written == 0))
        work = median(careers["one-changed"], "work")
        checks.append(("one-changed work < 1 s", f"{work:.1f} s", work < 1.0))
        peak = median(careers["full"], "peak_mb")
        checks.append(("peak < 500 MB", f"{peak:.0f} MB", peak < 500))
        verdict = {True: "ok", False: "MISSED"}
        print(f"  {size:>7,} jobs:" + ("" if size == 10_000 else " (issue 9 sets its targets at 10,000 jobs; shown for reference)"))
        for name, value, ok in checks:
            print(f"    {name}: {value} {verdict[ok]}")


def hugo_version(binary: str) -> str:
    return subprocess.run([binary, "version"], capture_output=True, text=True, check=False).stdout.strip()


def careers_per_page() -> int:
    """Return careers' default `[site] per_page`, read from the generator this script measures."""
    code = "from generator.config import SITE_OPTIONS; print(SITE_OPTIONS['per_page'].default)"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0 or not done.stdout.strip().isdigit():
        raise SystemExit(
            f"bench/scale.py: could not read SITE_OPTIONS['per_page'] from {REPO}/generator/config.py; pass --per-page N\n{done.stderr[-1000:]}"
        )
    return int(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1000, 10000, 50000], help="site sizes (jobs, both languages together)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure; the median is reported")
    parser.add_argument("--per-page", type=int, help="jobs per listing page, in careers.toml and Hugo's paginate (default: careers' default)")
    parser.add_argument("--no-hugo", action="store_true", help="time careers only")
    parser.add_argument("--hugo", default="hugo", help="the hugo binary (default: hugo on PATH)")
    cards = parser.add_mutually_exclusive_group()
    cards.add_argument(
        "--hugo-no-og-cards", action="store_true", help="let Hugo skip the per-job Open Graph card careers draws (then Hugo does less)"
    )
    cards.add_argument("--both", action="store_true", help="time Hugo twice per measure, with and without per-job cards, and print both ratios")
    parser.add_argument("--keep", type=Path, help="write the synthetic sites under this folder and keep them")
    parser.add_argument("--json", type=Path, help="write every run's measures to this file")
    parser.add_argument("--diff", action="store_true", help="print the diff of the two job page pairs (careers vs Hugo) at the smallest size")
    args = parser.parse_args()
    if min(args.jobs) < 8 or args.runs < 1 or (args.per_page is not None and args.per_page < 1):
        parser.error("--jobs must be at least 8, --runs and --per-page at least 1")
    per_page = args.per_page or careers_per_page()
    variants = [] if args.no_hugo else ["hugo", "hugo_pages"] if args.both else ["hugo_pages"] if args.hugo_no_og_cards else ["hugo"]
    binary = None
    if variants:
        binary = shutil.which(args.hugo)
        if binary is None:
            raise SystemExit(f"bench/scale.py: {args.hugo!r} not found; install Hugo (Debian: apt-get install hugo) or pass --no-hugo")
    base = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="careers-scale-"))
    meta = {
        "repo": str(REPO),
        "python": sys.version.split()[0],
        "hugo": hugo_version(binary) if binary else None,
        "hugo_variants": {key: RATIO_LABELS[key] for key in variants},
        "per_page": per_page,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "runs": args.runs,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    print(
        f"careers from {REPO} (Python {meta['python']}); {meta['hugo'] or 'no Hugo'}; {meta['cpus']} CPUs; "
        f"{per_page} jobs per listing page; sites in {base}"
    )
    results: dict[int, dict[str, Any]] = {}
    try:
        for count in sorted(set(args.jobs)):
            jobs = make_jobs(count)
            careers = Careers(base / str(count) / "careers")
            write_careers_site(careers.root, jobs, per_page)
            hugo = Hugo(base / str(count) / "hugo", binary) if binary else None
            if hugo:
                write_hugo_site(hugo.root, jobs, per_page)
            changed = jobs[count // 2]
            result: dict[str, Any] = {
                "careers": {"full": [], "no-change": [], "one-changed": [], "one-retitled": []},
                "startup": [],
                "per_page": per_page,
            }
            for key in variants:
                result[key] = {"full": [], "no-change": [], "one-changed": []}
            for attempt in range(args.runs):
                print(f"  {count:,} jobs, run {attempt + 1}/{args.runs}: careers…", end="", flush=True)
                for kind, run in measure(careers, changed, attempt).items():
                    result["careers"][kind].append(run)
                result["startup"].append(careers.startup())
                if attempt == 0:
                    result["careers_output"] = check_output(careers, jobs)
                for key in variants:
                    assert hugo is not None
                    print(f" {HUGO_VARIANTS[key][0]}…", end="", flush=True)
                    hugo.use_cards(HUGO_VARIANTS[key][1])
                    for kind, run in measure(hugo, changed, attempt).items():
                        result[key][kind].append(run)
                    if attempt == 0 and key == variants[0]:
                        result["hugo_output"] = check_output(hugo, jobs)
                        if count == min(args.jobs):
                            result["parity"] = compare_markup(careers, hugo, jobs, args.diff)
                result["careers"]["one-retitled"].append(retitle(careers, changed, attempt))
                print(f" done (careers full {result['careers']['full'][-1].seconds:.1f} s)", flush=True)
            results[count] = result
            report_size(count, jobs, result)
        report_scaling(results)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    if args.json:
        raw = {
            "meta": meta,
            "sizes": {
                str(count): {
                    key: (
                        {kind: [dataclasses.asdict(run) for run in runs] for kind, runs in value.items()}
                        if key in ("careers", *HUGO_VARIANTS)
                        else value
                    )
                    for key, value in result.items()
                }
                for count, result in results.items()
            },
        }
        args.json.write_text(json.dumps(raw, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nraw results: {args.json}")


if __name__ == "__main__":
    main()
