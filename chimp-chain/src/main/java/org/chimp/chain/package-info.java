/** CHIMP on chain: the ChimpOracle contract's client side, the sequencer that runs its jobs, a development chain. */
package org.chimp.chain;
