# The two commands of the README: `make run` and `make test`. Both install the system packages the
# build needs when they are missing (as root; otherwise they print the exact command to run). `make test`
# also installs the third-party clients of the interop tests (oathtool, chromium, xmlsec1; pyotp, authlib, pysaml2 and
# scim2-tester in .venv-interop; openid-client and playwright-core in tests/interop/node_modules).
SYSTEM_PACKAGES := pkg-config libssl-dev libxml2-dev libxmlsec1-dev libclang-dev
# Only the tests need these: the interop clients' system parts.
TEST_PACKAGES := oathtool chromium xmlsec1
CARGO ?= cargo
VENV := .venv-interop

.PHONY: run test bench bench-flood bench-signin bench-pg-scale bench-two deps packages interop-deps check

run: deps
	$(CARGO) run --release --bin gatehouse -- serve

test: deps interop-deps
	GATEHOUSE_INTEROP=1 GATEHOUSE_INTEROP_PYTHON=$(CURDIR)/$(VENV)/bin/python $(CARGO) test --workspace

interop-deps: $(VENV)/.installed tests/interop/node_modules/.package-lock.json
	@$(MAKE) --no-print-directory packages PACKAGES="$(TEST_PACKAGES)"

$(VENV)/.installed: tests/interop/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
	touch $@

# npm writes node_modules/.package-lock.json on every install; touch it so an unchanged lock is not reinstalled.
tests/interop/node_modules/.package-lock.json: tests/interop/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 or newer"; exit 1; }
	npm ci --prefix tests/interop --no-audit --no-fund
	touch $@

# Load test of the OpenID Provider endpoints, node oidc-provider measured beside it (docs/performance.md).
# Settings such as DURATION, CONNECTIONS and PIN pass through the environment.
bench: deps
	@command -v wrk >/dev/null || $(MAKE) --no-print-directory packages PACKAGES=wrk
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 or newer"; exit 1; }
	CARGO="$(CARGO)" bash benches/oidc-load.sh

# Anonymous sign-in flood against a release build: peak and settled memory, busy answers, a real user's sign-ins
# (docs/performance.md, "Sign-in flood"). Settings such as REQUESTS and CONCURRENCY pass through the environment.
bench-flood: deps
	CARGO="$(CARGO)" python3 benches/signin-flood.py

# Interactive sign-in (password + authenticator app, the whole path with CSRF, session and audit) against the
# argon2id bound of the same core (docs/performance.md). Settings such as DURATION, CLIENTS and USERS pass through.
bench-signin: deps
	CARGO="$(CARGO)" python3 benches/signin-load.py

# PostgreSQL at 1,000 and at 1,000,000 users: seeds both databases once, then runs the sign-in and token
# benchmarks on each (docs/operations.md, "PostgreSQL at a million users").
bench-pg-scale: deps
	@command -v wrk >/dev/null || $(MAKE) --no-print-directory packages PACKAGES=wrk
	CARGO="$(CARGO)" bash benches/pg-scale.sh

# Two instances on one PostgreSQL database behind HAProxy (round robin): token load across both, then the
# single-use and rotation guarantees checked across instances. Needs GATEHOUSE_DATABASE_URL.
bench-two: deps
	@command -v wrk >/dev/null || $(MAKE) --no-print-directory packages PACKAGES=wrk
	@command -v haproxy >/dev/null || $(MAKE) --no-print-directory packages PACKAGES=haproxy
	CARGO="$(CARGO)" bash benches/two-instances.sh

check: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

deps:
	@$(MAKE) --no-print-directory packages PACKAGES="$(SYSTEM_PACKAGES)"
	@command -v $(CARGO) >/dev/null || { echo "cargo is missing: install Rust 1.94 or newer (rustup)"; exit 1; }

packages:
	@missing=""; for p in $(PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
