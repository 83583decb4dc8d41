"""The admin API against tools we did not write: openapi-spec-validator checks the served OpenAPI document, and
schemathesis generates requests for every operation in it (with an admin token) and checks that none answers 5xx
and that every answer matches the documented schema.

Usage: admin_api.py BASE_URL TOKEN MAX_SECONDS. Prints one JSON object: the validator's verdict, schemathesis's exit
status and the tail of its report.
"""
import json
import subprocess
import sys
import tempfile
import urllib.request

from openapi_spec_validator import validate


def main():
    base, token, max_seconds = sys.argv[1], sys.argv[2], sys.argv[3]
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json") as response:
        document = json.load(response)
    try:
        validate(document)
        spec_problem = None
    except Exception as error:  # the validator's own exception types vary by version
        spec_problem = str(error)[:2000]

    # Two runs: everything but the operations that end the run's own credentials (rotating the signing keys at
    # once retires the key that signed the token; removing a client may remove the token's client), then those.
    destructive = ["keys_rotate", "clients_remove"]
    common = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/v1/openapi.json",
        "--url", base,
        "-H", f"Authorization: Bearer {token}",
        "--checks", "not_a_server_error,response_schema_conformance",
        # Up to 50 cases per operation (a planted 500 behind one query value was found this way; a time budget
        # alone spread over ~45 operations was not), bounded in time.
        "--max-examples", "50",
        "--phases", "examples,coverage,fuzzing",
        "--workers", "1",
        "--no-color",
    ]
    # schemathesis keeps a cache of crashes in its working directory: not in the checkout.
    scratch = tempfile.mkdtemp(prefix="schemathesis-")
    main_run = subprocess.run(
        common + ["--max-time", max_seconds] + [arg for op in destructive for arg in ("--exclude-operation-id", op)],
        capture_output=True,
        text=True,
        cwd=scratch,
    )
    last_run = subprocess.run(
        common + ["--max-time", "10"] + [arg for op in destructive for arg in ("--include-operation-id", op)],
        capture_output=True,
        text=True,
        cwd=scratch,
    )
    run = main_run if main_run.returncode != 0 else last_run
    print(json.dumps({
        "openapi": document.get("openapi"),
        "spec_problem": spec_problem,
        "schemathesis_exit": max(main_run.returncode, last_run.returncode),
        "report_tail": (run.stdout + run.stderr)[-6000:],
    }))


if __name__ == "__main__":
    main()
