/** The local development chain: Hardhat 2's node, started as a child process on a loopback port. */
package org.chimp.chain.devnet;
