/** The chain benchmark: jobs fulfilled per second and request-to-fulfilment latency, next to the chain's own floor. */
package org.chimp.bench.chain;
