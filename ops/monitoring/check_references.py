#!/usr/bin/env python3
"""check_references.py EXPOSITION RULES.yml DASHBOARD.json — every dispo_* metric that the alert
rules and the Grafana dashboard use is one the broker exports (names read from EXPOSITION with
python3-prometheus-client's parser), and both files are well-formed. Prints what is missing.
The dispo_cluster_* metrics are exported by members of a cluster only: they are checked against an
EXPOSITION of a member (one that has some), and left aside for a single broker's."""
import json
import re
import sys

import yaml
from prometheus_client.parser import text_string_to_metric_families

exposition, rules_path, dashboard_path = sys.argv[1:4]
exported = set()
for family in text_string_to_metric_families(open(exposition, encoding="utf-8").read()):
    for sample in family.samples:
        exported.add(sample.name)

expressions = []
rules = yaml.safe_load(open(rules_path, encoding="utf-8"))
alerts = [rule for group in rules["groups"] for rule in group["rules"]]
for rule in alerts:
    assert "alert" in rule and "expr" in rule and "summary" in rule["annotations"], rule
    expressions.append(rule["expr"])
dashboard = json.load(open(dashboard_path, encoding="utf-8"))
for panel in dashboard["panels"]:
    expressions.extend(target["expr"] for target in panel["targets"])

used = set()
for expression in expressions:
    used.update(re.findall(r"\bdispo_[a-z0-9_]+", expression))
member = any(name.startswith("dispo_cluster_") for name in exported)
if not member:
    used = {name for name in used if not name.startswith("dispo_cluster_")}
missing = sorted(used - exported)
if missing:
    print("not exported by the broker:", ", ".join(missing))
    sys.exit(1)
print(json.dumps({"alerts": sorted(rule["alert"] for rule in alerts), "metrics_used": sorted(used)}))
