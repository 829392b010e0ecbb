#!/usr/bin/env python3
"""Parses a Prometheus text exposition with python3-prometheus-client's own parser and prints
what it understood as JSON: {"families": {name: type}, "samples": [{name, labels, value}]}.
Exits non-zero (with the parser's error) when the text is not valid exposition format."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1], encoding="utf-8").read()
families = {}
samples = []
for family in text_string_to_metric_families(text):
    families[family.name] = family.type
    for sample in family.samples:
        samples.append({"name": sample.name, "labels": sample.labels, "value": sample.value})
json.dump({"families": families, "samples": samples}, sys.stdout, ensure_ascii=False)
