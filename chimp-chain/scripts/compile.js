// Compiles every contract under contracts/ with the pinned npm `solc` (package.json) and writes, next to each
// source, <Contract>.abi (JSON) and <Contract>.bin (hex bytecode) for every deployable contract it defines.
// `node scripts/compile.js --out DIR` writes the same files under DIR instead (the test that checks the committed
// files are current compiles there and compares).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const EXPECTED_SOLC = '0.8.28';
const EVM_VERSION = 'cancun';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outRoot = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : root;

if (!solc.version().startsWith(EXPECTED_SOLC + '+')) {
  console.error(`solc ${solc.version()} found, ${EXPECTED_SOLC} expected: run npm ci in chimp-chain`);
  process.exit(2);
}

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.sol') ? [full] : [];
  });
}

const input = {
  language: 'Solidity',
  sources: {},
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
for (const file of sources(path.join(root, 'contracts')).sort()) {
  const name = path.relative(root, file).split(path.sep).join('/');
  input.sources[name] = { content: fs.readFileSync(file, 'utf8') };
}

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

for (const [source, contracts] of Object.entries(output.contracts)) {
  for (const [name, contract] of Object.entries(contracts)) {
    const bytecode = contract.evm.bytecode.object;
    if (!bytecode) continue; // interfaces and abstract contracts
    const dir = path.join(outRoot, path.dirname(source));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name + '.abi'), JSON.stringify(contract.abi, null, 2) + '\n');
    fs.writeFileSync(path.join(dir, name + '.bin'), bytecode); // no newline: web3j's codegen would embed it
    console.log(`${source}: ${name} (${bytecode.length / 2} bytes)`);
  }
}
