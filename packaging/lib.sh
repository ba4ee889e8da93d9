# Shared by packaging/build-deb and packaging/build-all. Source it from the
# repository's root.

# nfpm writes the .deb and .ipk; it is built from the Go module proxy at
# this pinned version (no other network).
NFPM_MODULE=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2

check_version() {
  [[ "$1" =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || {
    echo "packaging: '$1' is not a package version (digits first, then letters, digits, . + ~)" >&2
    exit 2
  }
}

# build_binary GOARCH OUT [GOARM|GOMIPS value]: a static netlab with the
# version and commit stamped in.
build_binary() {
  local arch=$1 out=$2 extra=${3:-}
  local commit
  commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
  local pkg=github.com/netlab/netlab/internal/buildinfo
  mkdir -p "$(dirname "$out")"
  env CGO_ENABLED=0 GOOS=linux GOARCH="$arch" ${extra:+$extra} \
    go build -trimpath -buildvcs=false \
    -ldflags "-s -w -X $pkg.Version=$VERSION -X $pkg.Commit=$commit" \
    -o "$out" ./cmd/netlab
}

# gen_docs DIR: man pages (gzipped, as Debian installs them) and completions.
gen_docs() {
  rm -rf "$1"
  go run -ldflags "-X github.com/netlab/netlab/internal/buildinfo.Version=$VERSION" ./packaging/gendocs "$1"
  gzip -9n "$1"/man/*.1
}

nfpm() { go run "$NFPM_MODULE" "$@"; }

# contents_yaml DOCS: the files every package carries besides the binary.
contents_yaml() {
  local docs=$1 f
  for f in "$docs"/man/*.1.gz; do
    printf '  - src: %s\n    dst: /usr/share/man/man1/%s\n' "$f" "$(basename "$f")"
  done
  cat <<EOT
  - src: $docs/completions/netlab.bash
    dst: /usr/share/bash-completion/completions/netlab
  - src: $docs/completions/_netlab
    dst: /usr/share/zsh/vendor-completions/_netlab
  - src: $docs/completions/netlab.fish
    dst: /usr/share/fish/vendor_completions.d/netlab.fish
EOT
}
