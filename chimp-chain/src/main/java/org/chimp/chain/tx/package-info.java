/** Sending transactions: one nonce manager per key, a gas price policy, transactions recorded before broadcast. */
package org.chimp.chain.tx;
