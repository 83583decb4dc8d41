"""The admin API against tools we did not write: openapi-spec-validator checks the served OpenAPI document, and
schemathesis generates requests for every operation in it (with an admin token) and checks that none answers 5xx
and that every answer matches the documented schema.

Usage: admin_api.py BASE_URL TOKEN MAX_SECONDS. Prints one JSON object: the validator's verdict, schemathesis's exit
status and the tail of its report.
"""
import json
import subprocess
import sys
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

    run = subprocess.run(
        [
            sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/v1/openapi.json",
            "--url", base,
            "-H", f"Authorization: Bearer {token}",
            "--checks", "not_a_server_error,response_schema_conformance",
            "--max-time", max_seconds,
            "--workers", "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
    )
    print(json.dumps({
        "openapi": document.get("openapi"),
        "spec_problem": spec_problem,
        "schemathesis_exit": run.returncode,
        "report_tail": (run.stdout + run.stderr)[-6000:],
    }))


if __name__ == "__main__":
    main()
