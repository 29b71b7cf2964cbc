# azora-platform — every entry point. `make up` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

STACK ?= local
TOOLCHAIN_DIR ?= $(HOME)/.cache/azora-platform/toolchain
export AZORA_TOOLCHAIN_DIR := $(TOOLCHAIN_DIR)
export PATH := $(TOOLCHAIN_DIR)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export PULUMI_HOME := $(TOOLCHAIN_DIR)/pulumi-home
export PULUMI_BACKEND_URL ?= file://$(CURDIR)/.pulumi-state
export PULUMI_SKIP_UPDATE_CHECK := true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION := true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK := true
# Type checking is `make check`'s job; the engine only transpiles.
export PULUMI_NODEJS_TRANSPILE_ONLY := true
# The local stack's passphrase — for the embedded local stack only; real stacks use the CI secret store.
LOCAL_PASSPHRASE := azora-local
# The e2e stack's passphrase — for the throw-away local cluster only.
E2E_PASSPHRASE := azora-e2e
# Resource operations an `up` runs at once (the engine's default is 4 per CPU; a deploy mostly waits
# on the API server). The same number as scripts/lib/workspace.ts's deployParallelism and the deploy workflow.
DEPLOY_PARALLEL := 32

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# `npm install`, not `npm ci`: the registry mirror reachable here lacks rollup's non-Linux optional
# packages, so npm 11's `ci` rejects any lock file as out of sync; `install` honours the lock as is.
node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

policies/node_modules/.installed: policies/package.json policies/package-lock.json
	cd policies && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: deps
deps: node_modules/.installed policies/node_modules/.installed ## install npm dependencies (program and policy pack)

.PHONY: toolchain
toolchain: ## build the pinned Pulumi CLI, language host and provider plugins (cached)
	bash scripts/toolchain.sh

# The local Kubernetes control plane for end-to-end tests (kwok: fake nodes, no containers).
# Cache: AZORA_CLUSTER_DIR (default ~/.cache/azora-platform/cluster); see scripts/cluster.sh.
.PHONY: cluster-tools
cluster-tools: ## build the pinned kube-apiserver/-controller-manager/-scheduler, kubectl, etcd, kwok (cached)
	bash scripts/cluster.sh build

# Prometheus, promtool, Alertmanager, amtool and the OpenTelemetry Collector at the releases of the stack's
# images, and Jaeger at the nearest release the Go module proxy serves, for the live suite.
# Cache: AZORA_OBSERVABILITY_DIR (default ~/.cache/azora-platform/observability); see scripts/observability.sh.
.PHONY: observability-tools
observability-tools: ## build the pinned Prometheus, promtool, Alertmanager, amtool, Collector and Jaeger (cached)
	bash scripts/observability.sh build

.PHONY: cluster-up
cluster-up: ## start the local e2e cluster (builds what is missing; idempotent) and print its kubeconfig path
	bash scripts/cluster.sh up

.PHONY: cluster-down
cluster-down: ## delete the local e2e cluster
	bash scripts/cluster.sh down

.PHONY: e2e-up
e2e-up: deps toolchain cluster-up ## pulumi up of the e2e stack into the local cluster (the e2e tests recreate that cluster)
	bash scripts/stack.sh e2e
	KUBECONFIG="$$(bash scripts/cluster.sh kubeconfig)" PULUMI_CONFIG_PASSPHRASE=$(E2E_PASSPHRASE) \
		pulumi up --yes --stack e2e --skip-preview --suppress-progress

.PHONY: tools
tools: ## install shellcheck (Debian package)
	bash scripts/tools.sh

.PHONY: stack
stack: deps toolchain ## select (creating if needed) the stack named by STACK
	bash scripts/stack.sh $(STACK)

.PHONY: up
up: deps toolchain ## pulumi up of the embedded local stack: renders every manifest to rendered/local/
	bash scripts/stack.sh local
	@# The local stack is disposable (rendered files, state in .pulumi-state): the engine writes only its
	@# final state, not a checkpoint around every resource step (scripts/lib/workspace.ts says why).
	PULUMI_SKIP_CHECKPOINTS=true PULUMI_CONFIG_PASSPHRASE=$(LOCAL_PASSPHRASE) pulumi up --yes --stack local --skip-preview --suppress-progress --parallel $(DEPLOY_PARALLEL)
	@bash scripts/rendered-summary.sh rendered/local

.PHONY: preview
preview: deps toolchain ## pulumi preview of STACK with the policy pack
	bash scripts/stack.sh $(STACK)
	vite-node policies/check-config.ts policies/config/$(STACK).json
	pulumi preview --stack $(STACK) --policy-pack policies --policy-pack-config policies/config/$(STACK).json --diff

# The program's shape and hygiene; each fails on a finding (see .dependency-cruiser.cjs, eslint.config.mjs, knip.jsonc).
SOURCES := index.ts model components alerts dashboards scripts test policies

.PHONY: check
check: deps ## type-check the program, tests and the pack; the layering check, ESLint and knip, each with zero findings
	tsc --noEmit -p tsconfig.json
	cd policies && npx tsc --noEmit -p tsconfig.json
	vite-node policies/check-config.ts policies/config/*.json
	$(MAKE) --no-print-directory layering lint dead-code

.PHONY: layering
layering: deps ## no import cycle (module or folder) and the layering rules: model/ at the bottom, alerts/ and dashboards/ beside components/
	depcruise --config .dependency-cruiser.cjs $(SOURCES)

.PHONY: lint
lint: deps tools ## ESLint with typescript-eslint's type-checked recommended rules, zero findings
	eslint --max-warnings 0 .
	shellcheck scripts/*.sh scripts/lib/*.sh

.PHONY: dead-code
dead-code: deps ## knip: no unused file, export, type or dependency
	knip

.PHONY: test
test: deps toolchain tools cluster-tools observability-tools check ## every test: unit, policies, promtool/amtool, docs, real-engine integration, live observability, e2e
	vitest run --project unit --project policies --project generators --project tools
	vitest run --project integration --no-file-parallelism

.PHONY: docs
docs: deps ## regenerate docs/config-reference.md and docs/runbooks/ from the schema and the alerts
	vite-node scripts/config-reference.ts
	vite-node alerts/write-runbooks.ts

.PHONY: lint-workflows
lint-workflows: ## actionlint + shellcheck on .github/workflows
	"$$(bash scripts/actionlint.sh)" -shellcheck "$$(command -v shellcheck)"

.PHONY: bench
bench: deps toolchain cluster-tools ## benchmark previews, program evaluation and deploys on the local cluster (prints a table)
	bash scripts/bench.sh

.PHONY: clean
clean: ## remove rendered manifests and the local state (not the toolchain cache)
	rm -rf rendered .pulumi-state
