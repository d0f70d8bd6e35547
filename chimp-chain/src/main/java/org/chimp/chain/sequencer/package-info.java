/** The sequencer: reads the oracle's JobCreated logs past a confirmation depth and turns each into one CHIMP job. */
package org.chimp.chain.sequencer;
