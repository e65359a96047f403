"""Checks a dashboard's /metrics against `lottery status`, with prometheus-client's own parser.

Used by scripts/check-dashboard. Reads the exposition from --metrics-url (sending
--token as a bearer token when given) and `lottery status` output from --status-file;
the trials by state, the metric points and the dropped messages by reason must agree,
and the other families the dashboard promises must be there. Prints what it compared.
"""
import argparse
import re
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families  # prometheus-client, from PyPI


def fail(message):
    print(f"dashboard-metrics: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--metrics-url", required=True)
    parser.add_argument("--status-file", required=True)
    parser.add_argument("--token")
    args = parser.parse_args()

    request = urllib.request.Request(args.metrics_url)
    if args.token:
        request.add_header("Authorization", f"Bearer {args.token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        content_type = response.headers.get("Content-Type", "")
        text = response.read().decode()
    if not content_type.startswith("text/plain"):
        fail(f"/metrics is {content_type!r}, not Prometheus' text format")

    samples = {}
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value

    status = open(args.status_file).read()
    counts = dict((state, int(n)) for state, n in re.findall(r"(pending|running|done|failed|skipped) (\d+)", status.splitlines()[1]))
    points = int(re.search(r"^metric points (\d+)$", status, re.M).group(1))
    dropped_line = re.search(r"^dropped messages: (.*)$", status, re.M).group(1)
    dropped = {} if dropped_line == "none" else {
        reason: int(n) for reason, n in (item.rsplit(" ", 1) for item in dropped_line.split(", "))}

    compared = []
    for state, n in counts.items():
        got = samples.get(("lottery_trials", (("state", state),)))
        if got != n:
            fail(f"lottery_trials{{state={state!r}}} is {got}, lottery status says {n}")
        compared.append(f"{state}={n}")
    got = samples.get(("lottery_metric_points_total", ()))
    if got != points:
        fail(f"lottery_metric_points_total is {got}, lottery status says {points}")
    compared.append(f"metric points={points}")
    for reason, n in dropped.items():
        got = samples.get(("lottery_dropped_messages_total", (("reason", reason),)))
        if got != n:
            fail(f"lottery_dropped_messages_total{{reason={reason!r}}} is {got}, lottery status says {n}")
    exported = {labels[0][1] for (name, labels) in samples if name == "lottery_dropped_messages_total" and labels}
    if exported - set(dropped):
        fail(f"/metrics has dropped messages for {sorted(exported - set(dropped))}, lottery status has none")
    compared.append(f"dropped={dropped or 'none'}")

    expected = {
        "lottery_trials": "gauge", "lottery_trial_attempts": "counter", "lottery_lease_expiries": "counter",
        "lottery_workers_connected": "gauge", "lottery_queue_depth": "gauge", "lottery_metric_points": "counter",
        "lottery_journal_commit_duration_seconds": "histogram",
    }
    for name, kind in expected.items():
        if families.get(name) != kind:
            fail(f"/metrics has no {kind} {name} (it has {sorted(families)})")
    attempts = samples.get(("lottery_trial_attempts_total", ()))
    if attempts is None or attempts < counts.get("done", 0):
        fail(f"lottery_trial_attempts_total is {attempts}, fewer than the {counts.get('done', 0)} done trials")
    print("dashboard-metrics: ok: /metrics parsed by prometheus-client agrees with lottery status: " + ", ".join(compared))


if __name__ == "__main__":
    main()
