"""Derive generator/data/schemaorg-vocab.json from the schema.org release file.

    python scripts/derive_vocab.py ../shared/reference/schemaorg-current-https.jsonld

The result lists each class with its parent classes and each property with the classes it is
defined on (domainIncludes): the facts `careers check` needs to flag unknown property names.
"""

import json
import sys
from pathlib import Path

RELEASE = "30.0"


def ids(value):
    if not value:
        return []
    values = value if isinstance(value, list) else [value]
    return [v["@id"].removeprefix("schema:") for v in values]


def main(source: str) -> None:
    graph = json.loads(Path(source).read_text(encoding="utf-8"))["@graph"]
    classes, properties = {}, {}
    for node in graph:
        kinds = node.get("@type") if isinstance(node.get("@type"), list) else [node.get("@type")]
        name = node["@id"].removeprefix("schema:")
        if "rdfs:Class" in kinds:
            classes[name] = sorted(ids(node.get("rdfs:subClassOf")))
        if "rdf:Property" in kinds:
            properties[name] = sorted(ids(node.get("schema:domainIncludes")))
    out = Path(__file__).resolve().parent.parent / "generator" / "data" / "schemaorg-vocab.json"
    data = {
        "release": RELEASE,
        "license": "CC BY-SA 3.0, schema.org",
        "classes": dict(sorted(classes.items())),
        "properties": dict(sorted(properties.items())),
    }
    out.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{out}: {len(classes)} classes, {len(properties)} properties")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/schemaorg-current-https.jsonld")
