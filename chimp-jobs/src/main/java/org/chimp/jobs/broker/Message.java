package org.chimp.jobs.broker;

/** A job id to publish on a queue with a priority (0-9, most urgent 9), for {@link Broker#publishAll}. */
public record Message(String queue, String jobId, int priority) {
}
