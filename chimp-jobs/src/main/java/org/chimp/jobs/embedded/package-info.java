/** The embedded, database-backed durable broker: the default for one process, no extra service to run. */
package org.chimp.jobs.embedded;
