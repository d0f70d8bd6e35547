/** The HTTP adapter of the chain module: registering models on chain and reading chain jobs. */
package org.chimp.chain.http;
