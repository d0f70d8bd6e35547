package org.chimp.jobs.broker;

/**
 * One delivery of a message.
 *
 * @param receipt       identifies this delivery to ack, release or extend it
 * @param deliveryCount how many times the message has been delivered, this one included
 */
public record Delivery(String queue, String jobId, String receipt, int deliveryCount) {
}
