"""A Shared Signals receiver written with libraries we did not write: requests for discovery, the token and the
stream API, Python's http.server for the push endpoint (RFC 8935), and joserfc to verify every SET (RFC 8417)
against the transmitter's published JWKS.

Usage: ssf_receiver.py BASE_URL CLIENT_ID CLIENT_SECRET EXPECTED_EVENTS [EXCLUDED_EMAIL]
Creates a stream pushing to its own loopback endpoint, takes the user EXCLUDED_EMAIL out of it (subjects:remove),
checks the stream's status, asks for a verification event, writes "stream ready" on stderr, waits for the
verification SET and EXPECTED_EVENTS more, and prints one JSON line of what it saw.
"""
import base64
import json
import queue
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

base, client_id, secret, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
excluded = sys.argv[5] if len(sys.argv) > 5 else None
received = queue.Queue()


class Push(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        received.put((dict(self.headers), body))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Push)
threading.Thread(target=server.serve_forever, daemon=True).start()
endpoint = f"http://127.0.0.1:{server.server_port}/events"

config = requests.get(f"{base}/.well-known/ssf-configuration", timeout=10).json()
assert config["issuer"] == base, config
assert "urn:ietf:rfc:8935" in config["delivery_methods_supported"], config
token = requests.post(
    f"{base}/token", auth=(client_id, secret), data={"grant_type": "client_credentials"}, timeout=10
).json()["access_token"]
auth = {"Authorization": f"Bearer {token}"}
events = [
    "https://schemas.openid.net/secevent/caep/event-type/credential-change",
    "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
    "https://schemas.openid.net/secevent/risc/event-type/account-disabled",
    "https://schemas.openid.net/secevent/risc/event-type/account-enabled",
]
created = requests.post(
    config["configuration_endpoint"],
    headers=auth,
    json={
        "events_requested": events,
        "delivery": {
            "method": "urn:ietf:rfc:8935",
            "endpoint_url": endpoint,
            "authorization_header": "Bearer interop-receiver",
        },
    },
    timeout=10,
)
assert created.status_code == 201, created.text
stream = created.json()
status = requests.get(
    config["status_endpoint"], headers=auth, params={"stream_id": stream["stream_id"]}, timeout=10
).json()
assert status["status"] == "enabled", status
if excluded:
    removed = requests.post(
        config["remove_subject_endpoint"],
        headers=auth,
        json={"stream_id": stream["stream_id"], "subject": {"format": "email", "email": excluded}},
        timeout=10,
    )
    assert removed.status_code == 204, removed.text
verified = requests.post(
    config["verification_endpoint"],
    headers=auth,
    json={"stream_id": stream["stream_id"], "state": "interop-state"},
    timeout=10,
)
assert verified.status_code == 204, verified.text
print("stream ready", file=sys.stderr, flush=True)

keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=10).json())
# Allow three minutes of clock skew, as receivers do: the test moves the server's clock 30 s ahead for a TOTP step
# and a minute ahead for a factor reset's cooling-off.
claims_rules = jwt.JWTClaimsRegistry(
    leeway=180,
    iss={"essential": True, "value": base},
    aud={"essential": True, "value": client_id},
    jti={"essential": True},
    iat={"essential": True},
)
seen = []
headers_seen = set()
typs = set()
subjects = set()
state = None
tampered_refused = None
for _ in range(1 + expected):
    headers, body = received.get(timeout=60)
    headers = {k.lower(): v for k, v in headers.items()}
    headers_seen.add((headers.get("content-type"), headers.get("authorization")))
    token = jwt.decode(body, keys, algorithms=["ES256", "RS256", "EdDSA"])
    claims_rules.validate(token.claims)
    typs.add(token.header.get("typ"))
    [(event_type, event)] = token.claims["events"].items()
    if event_type.endswith("/ssf/event-type/verification"):
        state = event.get("state")
        continue
    ids = token.claims["sub_id"]["identifiers"]
    subjects.add(next(i["sub"] for i in ids if i["format"] == "iss_sub"))
    reason = event.get("reason_admin", {}).get("en") or event.get("reason")
    seen.append([event_type.rsplit("/", 1)[1], event.get("credential_type"), event.get("change_type"), reason])
    if tampered_refused is None:
        head, payload, signature = body.split(".")
        claims = dict(token.claims, aud="someone-else")
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        try:
            jwt.decode(f"{head}.{forged}.{signature}", keys, algorithms=["ES256", "RS256", "EdDSA"])
            tampered_refused = False
        except JoseError:
            tampered_refused = True

print(
    json.dumps(
        {
            "state": state,
            "events": sorted(seen, key=lambda e: json.dumps(e)),
            "typ": sorted(typs),
            "headers": sorted([list(h) for h in headers_seen]),
            "subjects": sorted(subjects),
            "tampered_refused": tampered_refused,
        }
    )
)
