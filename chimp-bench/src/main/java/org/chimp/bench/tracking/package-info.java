/** Measures the tracking store's hot paths (batch logging, metric history, run search) on a given database. */
package org.chimp.bench.tracking;
