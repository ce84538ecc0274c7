#!/usr/bin/env bash
# Builds the Kubernetes test bed (kube-apiserver, kubectl, etcd) from Go modules at pinned releases and
# gathers the upstream Gateway API and Inference Extension CRDs, into a per-version cache reused across runs.
# Prints the cache directory on its last line. Usage: bash .ci/kube-testbed.sh [--print-dir]
set -euo pipefail

K8S_VERSION=v1.36.3
# The etcd release kube-apiserver v1.36.3 itself requires, so one module graph builds all three binaries.
ETCD_VERSION=v3.6.8
GATEWAY_API_VERSION=v1.6.1
INFERENCE_EXTENSION_VERSION=v1.6.0

cache_root="${SLUICE_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice-testbed}"
dir="$cache_root/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-gwapi-$GATEWAY_API_VERSION-gie-$INFERENCE_EXTENSION_VERSION"

if [ "${1:-}" = "--print-dir" ]; then
  echo "$dir"
  exit 0
fi

if [ -f "$dir/ready" ]; then
  echo "$dir"
  exit 0
fi

command -v go >/dev/null || { echo "kube-testbed: Go is required to build the test bed" >&2; exit 1; }
command -v openssl >/dev/null || { echo "kube-testbed: openssl is required by the test bed" >&2; exit 1; }

started=$(date +%s)
mkdir -p "$dir/bin" "$dir/crds"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT

export GOFLAGS=-mod=mod
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export CGO_ENABLED=0

module_dir() { # module@version → its extracted directory in the module cache
  (cd "$build" && go mod download -json "$1") | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

# k8s.io/kubernetes points its staging modules at ./staging/src/...; as a dependency they must be
# replaced by their published v0.x releases, whose minor matches the Kubernetes minor.
staging_version="v0.${K8S_VERSION#v1.}"
cd "$build"
cat >go.mod <<EOF
module sluice.dev/testbed

go 1.26.0

require (
	k8s.io/kubernetes $K8S_VERSION
	go.etcd.io/etcd/server/v3 $ETCD_VERSION
)
EOF
k8s_dir=$(module_dir "k8s.io/kubernetes@$K8S_VERSION")
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
go build -trimpath -ldflags="-s -w $stamp" -o "$dir/bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
go build -trimpath -ldflags="-s -w" -o "$dir/bin/etcd" go.etcd.io/etcd/server/v3

# The CRDs the API server validates Sluice's objects against, straight from the upstream modules.
gwapi_dir=$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")
gie_dir=$(module_dir "sigs.k8s.io/gateway-api-inference-extension@$INFERENCE_EXTENSION_VERSION")
mkdir -p "$dir/crds/gateway-api-standard" "$dir/crds/gateway-api-experimental" "$dir/crds/inference-extension"
# Only the CRD files (named <group>_<resource>.yaml), not the kustomizations beside them.
cp "$gwapi_dir"/config/crd/standard/*_*.yaml "$dir/crds/gateway-api-standard/"
cp "$gwapi_dir"/config/crd/experimental/*_*.yaml "$dir/crds/gateway-api-experimental/"
cp "$gie_dir"/config/crd/bases/*_*.yaml "$dir/crds/inference-extension/"
chmod -R u+w "$dir/crds"

cat >"$dir/versions" <<EOF
kube-apiserver $K8S_VERSION
kubectl $K8S_VERSION
etcd $ETCD_VERSION
gateway-api $GATEWAY_API_VERSION
gateway-api-inference-extension $INFERENCE_EXTENSION_VERSION
build-seconds $(($(date +%s) - started))
EOF
touch "$dir/ready"
echo "kube-testbed: built in $(($(date +%s) - started))s" >&2
echo "$dir"
