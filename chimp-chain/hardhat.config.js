// The local development chain CHIMP's tests and `chimp chain devnet` run: Hardhat 2's in-process node.
// Automine (a block per transaction) keeps tests fast; chain id 31337 is Hardhat's usual development id.
module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: 'cancun',
    },
  },
};
