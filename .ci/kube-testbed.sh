#!/usr/bin/env bash
# Builds the Kubernetes test bed (kube-apiserver, kubectl, etcd) from Go modules at pinned releases and
# gathers the upstream Gateway API and Inference Extension CRDs, into per-version caches reused across runs:
# the binaries (minutes to build) and the CRDs (seconds) apart, so a CRD release bump rebuilds nothing else.
# Prints the binaries' cache directory, then the CRDs', one a line.
# Usage: bash .ci/kube-testbed.sh [--print-dir]
set -euo pipefail

K8S_VERSION=v1.36.3
# The etcd release kube-apiserver v1.36.3 itself requires, so one module graph builds all three binaries.
ETCD_VERSION=v3.6.8
GATEWAY_API_VERSION=v1.6.1
INFERENCE_EXTENSION_VERSION=v1.6.0
# InferenceObjective and InferenceModelRewrite left the Inference Extension after v1.5 for llm-d-router
# (group llm-d.ai), whose module the Go module proxy refuses ("This module version is not available"). The
# test bed takes them from the last Inference Extension release that shipped them, in their former group
# inference.networking.x-k8s.io/v1alpha2: the same schema, and a group Sluice reads as well.
OBJECTIVES_VERSION=v1.5.0

cache_root="${SLUICE_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice-testbed}"
bin_dir="$cache_root/k8s-$K8S_VERSION-etcd-$ETCD_VERSION"
crd_dir="$cache_root/crds-gwapi-$GATEWAY_API_VERSION-gie-$INFERENCE_EXTENSION_VERSION-objectives-$OBJECTIVES_VERSION"

if [ "${1:-}" = "--print-dir" ] || { [ -f "$bin_dir/ready" ] && [ -f "$crd_dir/ready" ]; }; then
  echo "$bin_dir"
  echo "$crd_dir"
  exit 0
fi

command -v go >/dev/null || { echo "kube-testbed: Go is required to build the test bed" >&2; exit 1; }
command -v openssl >/dev/null || { echo "kube-testbed: openssl is required by the test bed" >&2; exit 1; }

started=$(date +%s)
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
cd "$build"

export GOFLAGS=-mod=mod
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export CGO_ENABLED=0

module_dir() { # module@version → its extracted directory in the module cache
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

cat >go.mod <<EOF
module sluice.dev/testbed

go 1.26.0
EOF

if [ ! -f "$bin_dir/ready" ]; then
  mkdir -p "$bin_dir/bin"
  # k8s.io/kubernetes points its staging modules at ./staging/src/...; as a dependency they must be
  # replaced by their published v0.x releases, whose minor matches the Kubernetes minor.
  staging_version="v0.${K8S_VERSION#v1.}"
  k8s_dir=$(module_dir "k8s.io/kubernetes@$K8S_VERSION")
  cat >>go.mod <<EOF

require (
	k8s.io/kubernetes $K8S_VERSION
	go.etcd.io/etcd/server/v3 $ETCD_VERSION
)
EOF
  {
    echo
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*$#\t\1 => \1 '"$staging_version"'#p' "$k8s_dir/go.mod"
    echo ")"
  } >>go.mod
  cat >tools.go <<'EOF'
//go:build tools

package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
EOF
  go mod tidy
  # Stamp the release into the binaries the way Kubernetes' own build does, so /version and kubectl tell it.
  minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  stamp=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    stamp="$stamp -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  go build -trimpath -ldflags="-s -w $stamp" -o "$bin_dir/bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
  go build -trimpath -ldflags="-s -w" -o "$bin_dir/bin/etcd" go.etcd.io/etcd/server/v3
  cat >"$bin_dir/versions" <<EOF
kube-apiserver $K8S_VERSION
kubectl $K8S_VERSION
etcd $ETCD_VERSION
build-seconds $(($(date +%s) - started))
EOF
  touch "$bin_dir/ready"
fi

if [ ! -f "$crd_dir/ready" ]; then
  # The CRDs the API server validates Sluice's objects against, straight from the upstream modules.
  gwapi_dir=$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")
  gie_dir=$(module_dir "sigs.k8s.io/gateway-api-inference-extension@$INFERENCE_EXTENSION_VERSION")
  objectives_dir=$(module_dir "sigs.k8s.io/gateway-api-inference-extension@$OBJECTIVES_VERSION")
  mkdir -p "$crd_dir/gateway-api-standard" "$crd_dir/gateway-api-experimental" "$crd_dir/inference-extension"
  # Only the CRD files (named <group>_<resource>.yaml), not the kustomizations beside them.
  cp "$gwapi_dir"/config/crd/standard/*_*.yaml "$crd_dir/gateway-api-standard/"
  cp "$gwapi_dir"/config/crd/experimental/*_*.yaml "$crd_dir/gateway-api-experimental/"
  cp "$gie_dir"/config/crd/bases/*_*.yaml "$crd_dir/inference-extension/"
  for resource in inferenceobjectives inferencemodelrewrites; do
    cp "$objectives_dir/config/crd/bases/inference.networking.x-k8s.io_$resource.yaml" "$crd_dir/inference-extension/"
  done
  chmod -R u+w "$crd_dir"
  cat >"$crd_dir/versions" <<EOF
gateway-api $GATEWAY_API_VERSION
gateway-api-inference-extension $INFERENCE_EXTENSION_VERSION
inferenceobjectives, inferencemodelrewrites: gateway-api-inference-extension $OBJECTIVES_VERSION
EOF
  touch "$crd_dir/ready"
fi

echo "kube-testbed: ready in $(($(date +%s) - started))s" >&2
echo "$bin_dir"
echo "$crd_dir"
