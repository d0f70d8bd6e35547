package org.chimp.tracking;

/** One logged metric value: at a step, with the time (epoch ms) it was measured. */
public record Metric(String key, double value, long timestamp, long step) {
}
