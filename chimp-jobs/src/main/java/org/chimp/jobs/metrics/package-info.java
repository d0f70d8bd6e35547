/** The job system's meters: jobs by queue and state, job durations, worker heartbeat ages. */
package org.chimp.jobs.metrics;
