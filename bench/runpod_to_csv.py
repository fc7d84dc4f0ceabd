#!/usr/bin/env python3
"""bench/e2e.sh's python3 contender: what a careful standard-library script does with a Runpod
v1 pods answer. Fetches URL with the key in RUNPOD_API_KEY, parses amounts exactly (Decimal),
computes each hourly bucket's end, and writes gpubill's 14 CSV columns (RFC 4180, CRLF).
    runpod_to_csv.py URL > out.csv
"""
import csv
import datetime
import decimal
import json
import os
import sys
import urllib.request

HOUR = datetime.timedelta(hours=1)
MS_PER_HOUR = decimal.Decimal(3600000)
COLUMNS = ["provider", "service", "resource_id", "resource_name", "gpu_type", "gpu_model",
           "region", "period_start", "period_end", "amount", "currency", "usage_quantity",
           "usage_unit", "description"]


def model(gpu):
    for prefix in ("NVIDIA GeForce ", "NVIDIA "):
        if gpu.startswith(prefix):
            return gpu[len(prefix):]
    return gpu


def main():
    request = urllib.request.Request(
        sys.argv[1], headers={"Authorization": "Bearer " + os.environ["RUNPOD_API_KEY"]})
    with urllib.request.urlopen(request) as response:
        rows = json.load(response, parse_float=decimal.Decimal)
    out = csv.writer(sys.stdout, lineterminator="\r\n")
    out.writerow(COLUMNS)
    for r in rows:
        start = datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%SZ")
        end = (start + HOUR).strftime("%Y-%m-%dT%H:%M:%SZ")
        ms = r.get("timeBilledMs")
        hours = "" if ms is None else str((decimal.Decimal(ms) / MS_PER_HOUR).normalize())
        gpu = r.get("gpuTypeId", "")
        out.writerow(["runpod", "pods", r.get("podId", ""), "", gpu, model(gpu), "",
                      r["time"], end, r["amount"], "USD", hours, "hour", ""])


if __name__ == "__main__":
    main()
