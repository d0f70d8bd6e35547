package org.chimp.jobs;

/** Which jobs to list; a null field does not filter. */
public record JobFilter(JobState state, String queue, Boolean deadLettered) {
    /** Every job. */
    public static final JobFilter ALL = new JobFilter(null, null, null);
}
