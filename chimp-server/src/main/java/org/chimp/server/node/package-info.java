/** Wiring: builds the stores, broker, worker and HTTP endpoints of one CHIMP process from its options. */
package org.chimp.server.node;
