/** Benchmarks for {@code chimp bench jobs}: the job machinery end to end, and the brokers' raw server ceilings. */
package org.chimp.bench.jobs;
