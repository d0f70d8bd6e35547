/** {@code chimp bench store}: dataset and blob throughput per backend next to plain copies. */
package org.chimp.bench.store;
