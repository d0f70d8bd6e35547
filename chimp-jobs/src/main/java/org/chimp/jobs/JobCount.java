package org.chimp.jobs;

/** How many jobs of one queue are in one state. */
public record JobCount(String queue, JobState state, long count) {
}
